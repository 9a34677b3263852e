// Booths and guidance desks of a venue (/manage/venues/<id>/booths), for its admins
// and the fair's organisers: requests to approve or decline; opening a booth for a
// verified employer; opening a guidance desk (hiring guidance, career guidance,
// entrepreneurship, legal advice) and choosing its counsellors; closing and reopening.

import { api, describeField, errorMessage } from '../api.js';
import { changeBooth, closeBooth, staffForm, staffFormNode } from '../components/booth-admin.js';
import { boothEditor } from '../components/booth-edit.js';
import { boothBody, boothFields, boothValues } from '../components/booth-form.js';
import { FormModel, field, fieldError, formNode, missing, select } from '../components/form.js';
import { hoursNode } from '../components/hours.js';
import { LivePage } from '../components/live-page.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { DESK_KINDS, boothKindText, boothName, statusBadge } from '../components/structure-text.js';
import {
  allBooths,
  loadVenueAdmin,
  venueHeading,
  venueTabs,
  venueTitle,
} from '../components/venue-admin.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

const STAFF_FORM = 'desk-staff';
const boothForm = () => new FormModel('booth-new', boothValues({ employer_id: '' }));
const deskForm = () =>
  new FormModel('desk-new', boothValues({ kind: DESK_KINDS[0], capacity: '20' }));

class ManageBoothsPage extends LivePage {
  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    const venue = model.venue;
    const [booths, staff, local] = await Promise.all([
      allBooths(`venue=${encodeURIComponent(venue.id)}`, signal),
      api(`/api/venues/${encodeURIComponent(venue.id)}/staff`, { signal }),
      venue.region_code
        ? api(`/api/employers?verified=true&region=${venue.region_code}&limit=200`, { signal })
        : { items: [] },
    ]);
    return Object.assign(model, {
      booths,
      counsellors: staff.items.filter((member) => member.role === 'counsellor'),
      staffForms: new Map(booths.map((booth) => [booth.id, staffForm(STAFF_FORM, booth)])),
      candidates: local.items, // employers offered for a new booth (search replaces them)
      search: '',
      searched: false,
      booth: boothForm(),
      desk: deskForm(),
      failure: null,
    });
  }

  heading(model) {
    return venueHeading(model, t('structure.manage_venue.booths'));
  }

  title(model) {
    return venueTitle(model, t('structure.manage_venue.booths'));
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    const of = (kind, status) =>
      model.booths.filter(
        (b) =>
          (kind === 'employer' ? b.kind === 'employer' : b.kind !== 'employer') &&
          b.status === status,
      );
    const requests = model.booths.filter((b) => b.status === 'requested');
    const closed = model.booths.filter((b) => b.status === 'closed');
    return [
      venueTabs(model.venue, 'booths'),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      h(
        'section',
        { 'aria-labelledby': 'requests-title' },
        h(
          'h2',
          { id: 'requests-title', tabindex: '-1' },
          t('structure.venue_booths.requests', { count: requests.length }),
        ),
        requests.length === 0
          ? h('p', {}, t('structure.venue_booths.no_requests'))
          : h(
              'ul',
              { class: 'cards cards-single', id: 'request-list' },
              requests.map((booth) => this.#request(booth, lang)),
            ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'open-title' },
        h(
          'h2',
          { id: 'open-title', tabindex: '-1' },
          t('structure.venue_booths.open', { count: of('employer', 'approved').length }),
        ),
        of('employer', 'approved').length === 0
          ? h('p', {}, t('structure.venue_booths.no_open'))
          : h(
              'ul',
              { class: 'cards', id: 'open-list' },
              of('employer', 'approved').map((booth) => this.#openBooth(booth)),
            ),
        this.#newBooth(model, lang),
      ),
      h(
        'section',
        { 'aria-labelledby': 'desks-title' },
        h(
          'h2',
          { id: 'desks-title', tabindex: '-1' },
          t('structure.venue_booths.desks', { count: of('desk', 'approved').length }),
        ),
        h('p', { class: 'intro' }, t('structure.venue_booths.desks_intro')),
        of('desk', 'approved').length === 0
          ? h('p', {}, t('structure.venue_booths.no_desks'))
          : h(
              'ul',
              { class: 'cards cards-single', id: 'desk-list' },
              of('desk', 'approved').map((booth) => this.#desk(model, booth)),
            ),
        this.#newDesk(model, lang),
      ),
      closed.length > 0
        ? h(
            'section',
            { 'aria-labelledby': 'closed-title' },
            h(
              'h2',
              { id: 'closed-title', tabindex: '-1' },
              t('structure.venue_booths.closed', { count: closed.length }),
            ),
            h(
              'ul',
              { class: 'cards', id: 'closed-list' },
              closed.map((booth) => this.#closedBooth(booth)),
            ),
          )
        : null,
    ];
  }

  #button(id, label, onclick, { primary = false, describedBy = null } = {}) {
    return h(
      'button',
      {
        type: 'button',
        class: primary ? 'button' : 'button button-secondary',
        id,
        'aria-describedby': describedBy,
        onclick,
      },
      label,
    );
  }

  #title(booth) {
    return h(
      'h3',
      { class: 'card-title', id: `booth-${booth.id}-title` },
      h('a', { href: `/booths/${booth.id}` }, boothName(booth)),
      ' ',
      statusBadge(booth.status),
    );
  }

  #request(booth, lang) {
    const zone = this.model.fair.time_zone;
    const titleId = `booth-${booth.id}-title`;
    return h(
      'li',
      { class: 'card', dataset: { booth: booth.id } },
      this.#title(booth),
      booth.employer && booth.employer.name !== boothName(booth)
        ? h('p', { class: 'card-sub' }, booth.employer.name)
        : null,
      booth.intro ? h('p', { class: 'card-intro' }, booth.intro) : null,
      h(
        'p',
        { class: 'card-meta' },
        h('span', {}, t('structure.booth.capacity_short', { capacity: booth.capacity })),
        h('span', {}, t('structure.booth.slot_text', { minutes: booth.slot_minutes })),
      ),
      hoursNode(booth.hours, zone, lang),
      booth.employer && !booth.employer.verified
        ? h('p', { class: 'hint' }, t('structure.venue_booths.employer_unverified'))
        : null,
      h(
        'p',
        { class: 'actions' },
        this.#button(
          `approve-${booth.id}`,
          t('structure.venue_booths.approve'),
          () => this.#approve(booth, true),
          {
            primary: true,
            describedBy: titleId,
          },
        ),
        this.#button(
          `decline-${booth.id}`,
          t('structure.venue_booths.decline'),
          () => this.#approve(booth, false),
          {
            describedBy: titleId,
          },
        ),
      ),
    );
  }

  #openBooth(booth) {
    const titleId = `booth-${booth.id}-title`;
    return h(
      'li',
      { class: 'card', dataset: { booth: booth.id } },
      this.#title(booth),
      booth.employer && booth.employer.name !== boothName(booth)
        ? h('p', { class: 'card-sub' }, booth.employer.name)
        : null,
      h(
        'p',
        { class: 'card-meta' },
        h('span', {}, t('structure.booth.capacity_short', { capacity: booth.capacity })),
        h('span', {}, t('structure.booth.staff_count', { count: booth.staff.length })),
      ),
      h(
        'p',
        { class: 'actions' },
        this.#button(
          `close-${booth.id}`,
          t('structure.employer_booths.close'),
          () => this.#close(booth),
          {
            describedBy: titleId,
          },
        ),
      ),
      boothEditor(this, this.model, booth, {
        fair: this.model.fair,
        lang: language(),
        titleHint: t('structure.booth_form.title_hint_employer'),
      }),
    );
  }

  #closedBooth(booth) {
    const titleId = `booth-${booth.id}-title`;
    return h(
      'li',
      { class: 'card', dataset: { booth: booth.id } },
      h(
        'h3',
        { class: 'card-title', id: titleId },
        boothName(booth),
        ' ',
        statusBadge(booth.status),
      ),
      h('p', { class: 'card-sub' }, boothKindText(booth.kind)),
      h(
        'p',
        { class: 'actions' },
        this.#button(
          `reopen-${booth.id}`,
          t('structure.venue_booths.reopen'),
          () => this.#approve(booth, true),
          {
            describedBy: titleId,
          },
        ),
      ),
    );
  }

  #desk(model, booth) {
    const titleId = `booth-${booth.id}-title`;
    return h(
      'li',
      { class: 'card', dataset: { booth: booth.id, kind: booth.kind } },
      this.#title(booth),
      booth.title ? h('p', { class: 'card-sub' }, boothKindText(booth.kind)) : null,
      staffFormNode(this, booth, {
        name: STAFF_FORM,
        options: model.counsellors.map((person) => ({
          value: person.account_id,
          label: person.display_name,
        })),
        empty: t('structure.staff.no_counsellors'),
        actions: [
          this.#button(
            `close-${booth.id}`,
            t('structure.venue_booths.close_desk'),
            () => this.#close(booth),
            {
              describedBy: titleId,
            },
          ),
        ],
      }),
      boothEditor(this, model, booth, {
        fair: model.fair,
        lang: language(),
        titleHint: t('structure.booth_form.title_hint_desk'),
      }),
    );
  }

  #employerPicker(model, lang) {
    const form = model.booth;
    const searchBox = h('input', {
      type: 'search',
      id: 'booth-new-search',
      autocomplete: 'off',
      'aria-describedby': 'booth-new-search-hint',
    });
    searchBox.value = model.search;
    searchBox.addEventListener('input', () => {
      model.search = searchBox.value;
    });
    searchBox.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault(); // search, do not submit the booth form
        this.#search();
      }
    });
    const error = fieldError(form, '/employer_id');
    const options = model.candidates;
    const chosen = form.values.employer_id;
    const present = new Set(
      model.booths.filter((b) => b.employer && b.status !== 'closed').map((b) => b.employer.id),
    );
    const radios = options.map((employer, index) => {
      const id = `booth-new-employer-${index}`;
      const here = present.has(employer.id);
      const radio = h('input', {
        type: 'radio',
        name: 'employer_id',
        id,
        value: employer.id,
        disabled: here,
      });
      radio.checked = employer.id === chosen;
      radio.addEventListener('change', () => {
        form.values.employer_id = employer.id;
      });
      return h(
        'div',
        { class: 'check' },
        radio,
        h('label', { for: id }, employer.name),
        h(
          'span',
          { class: 'hint' },
          here
            ? t('structure.venue_booths.employer_present')
            : t('structure.venue_booths.employer_line', {
                region: regionName(employer.region_code, lang),
                code: employer.credit_code,
              }),
        ),
      );
    });
    if (options.length > 0) {
      form.fields.set('/employer_id', {
        id: 'booth-new-employer-0',
        label: t('structure.venue_booths.employer'),
      });
    } else {
      form.fields.set('/employer_id', {
        id: 'booth-new-search',
        label: t('structure.venue_booths.employer'),
      });
    }
    return [
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'booth-new-search' }, t('structure.venue_booths.search')),
        h(
          'div',
          { class: 'hint', id: 'booth-new-search-hint' },
          t('structure.venue_booths.search_hint'),
        ),
        h(
          'div',
          { class: 'search-row' },
          searchBox,
          this.#button('booth-new-search-go', t('structure.venue_booths.search_go'), () =>
            this.#search(),
          ),
        ),
      ),
      h(
        'fieldset',
        {
          class: `fieldset${error ? ' field-invalid' : ''}`,
          id: 'booth-new-employers',
          tabindex: '-1',
          'aria-describedby': error ? 'booth-new-employer-error' : null,
        },
        h('legend', {}, t('structure.venue_booths.employer')),
        error
          ? h(
              'p',
              { class: 'field-error', id: 'booth-new-employer-error' },
              describeField(error.code),
            )
          : null,
        options.length > 0
          ? radios
          : h(
              'p',
              { class: 'hint' },
              model.searched
                ? t('structure.venue_booths.no_match', { query: model.search })
                : t('structure.venue_booths.no_local'),
            ),
      ),
    ];
  }

  async #search() {
    const model = this.model;
    const query = model.search.trim();
    if (!query) return;
    try {
      const found = await api(
        `/api/employers?verified=true&q=${encodeURIComponent(query)}&limit=50`,
      );
      model.candidates = found.items;
      model.searched = true;
      // An employer chosen while the search ran stays chosen if it is still offered; the
      // focus moves to the results only from the search itself (not from a field the
      // admin went on to fill meanwhile).
      const form = model.booth;
      if (!found.items.some((employer) => employer.id === form.values.employer_id)) {
        form.values.employer_id = '';
      }
      const searching = ['booth-new-search', 'booth-new-search-go'].includes(
        document.activeElement?.id,
      );
      this.repaint(searching ? { focus: '#booth-new-employers' } : {});
      announce(t('structure.venue_booths.found', { count: found.items.length }));
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint();
    }
  }

  #newBooth(model, lang) {
    const form = model.booth;
    return h(
      'div',
      { class: 'subsection' },
      h('h3', { id: 'booth-new-title' }, t('structure.venue_booths.new_booth')),
      h('p', { class: 'hint' }, t('structure.venue_booths.new_booth_intro')),
      formNode(form, {
        label: t('structure.venue_booths.new_booth_submit'),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, ['employer_id', 'capacity', 'slot_minutes']),
        content: () => [
          this.#employerPicker(model, lang),
          boothFields(form, {
            fair: model.fair,
            lang,
            repaint: (options) => this.repaint(options),
            titleHint: t('structure.booth_form.title_hint_employer'),
          }),
        ],
        submit: (values) =>
          this.#create(
            { kind: 'employer', employer_id: values.employer_id, ...boothBody(values) },
            () => {
              model.booth = boothForm();
            },
            '#open-title',
          ),
      }),
    );
  }

  #newDesk(model, lang) {
    const form = model.desk;
    return h(
      'div',
      { class: 'subsection' },
      h('h3', { id: 'desk-new-title' }, t('structure.venue_booths.new_desk')),
      formNode(form, {
        label: t('structure.venue_booths.new_desk_submit'),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, ['kind', 'capacity', 'slot_minutes']),
        content: () => [
          field(form, {
            name: 'kind',
            label: t('structure.venue_booths.kind'),
            control: select(
              form,
              'kind',
              DESK_KINDS.map((kind) => ({ value: kind, label: boothKindText(kind) })),
            ),
          }),
          boothFields(form, {
            fair: model.fair,
            lang,
            repaint: (options) => this.repaint(options),
            titleHint: t('structure.booth_form.title_hint_desk'),
          }),
        ],
        submit: (values) =>
          this.#create(
            { kind: values.kind, ...boothBody(values) },
            () => {
              model.desk = deskForm();
            },
            '#desks-title',
          ),
      }),
    );
  }

  /** createBooth: the new booth joins its list, and `reset` empties the form that sent it. */
  async #create(body, reset, focus) {
    const model = this.model;
    const booth = await api(`/api/venues/${encodeURIComponent(model.venue.id)}/booths`, {
      method: 'POST',
      body,
    });
    model.booths = [...model.booths, booth];
    model.staffForms.set(booth.id, staffForm(STAFF_FORM, booth));
    reset();
    this.repaint({ focus });
    announce(t('structure.venue_booths.opened', { booth: boothName(booth) }));
  }

  #approve(booth, approved) {
    const was = booth.status;
    return changeBooth(
      this,
      booth,
      () =>
        api(`/api/booths/${encodeURIComponent(booth.id)}/approval`, {
          method: 'POST',
          body: { approved },
        }),
      (b) => {
        const name = { booth: boothName(b) };
        if (!approved) return t('structure.venue_booths.declined', name);
        return was === 'closed'
          ? t('structure.venue_booths.reopened', name)
          : t('structure.venue_booths.approved', name);
      },
      '#requests-title',
    );
  }

  #close(booth) {
    return closeBooth(this, booth, booth.kind === 'employer' ? '#open-title' : '#desks-title');
  }
}

customElements.define('lf-manage-booths-page', ManageBoothsPage);
