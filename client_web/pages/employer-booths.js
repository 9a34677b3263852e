// An employer's booths (/manage/employers/<id>/booths), for its admins: each booth at
// every venue with its status, who staffs it (chosen from the employer's recruiters
// and admins), withdrawing a request or closing a booth; and asking a venue for a new
// booth (a verified employer only; the venue's admins approve it).

import { api } from '../api.js';
import { closeBooth, staffForm, staffFormNode } from '../components/booth-admin.js';
import { boothEditor } from '../components/booth-edit.js';
import { boothBody, boothFields, boothValues } from '../components/booth-form.js';
import { employerTabs, loadEmployerAdmin } from '../components/employer-admin.js';
import { verificationNote } from '../components/employer-form.js';
import { FormModel, field, formNode, select } from '../components/form.js';
import { hoursRows } from '../components/hours.js';
import { LivePage } from '../components/live-page.js';
import { signInPrompt } from '../components/signed-in.js';
import { boothName, roleText, statusBadge } from '../components/structure-text.js';
import { pick } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

const STAFF_FORM = 'staff';

class EmployerBoothsPage extends LivePage {
  async load(signal) {
    const model = await loadEmployerAdmin(this.params.id, signal);
    if (!model.account) return model;
    const id = encodeURIComponent(model.employer.id);
    const [booths, people] = await Promise.all([
      api(`/api/booths?employer=${id}&limit=500`, { signal }),
      api(`/api/employers/${id}/recruiters`, { signal }),
    ]);
    // Suggest the employer's own sub-venue, unless it already has a booth there.
    const taken = new Set(booths.items.filter((b) => b.status !== 'closed').map((b) => b.venue_id));
    const home = model.fair?.venues.find(
      (v) => v.region_code === model.employer.region_code && !taken.has(v.id),
    );
    return Object.assign(model, {
      booths: booths.items,
      people: people.items,
      staffForms: new Map(booths.items.map((booth) => [booth.id, staffForm(STAFF_FORM, booth)])),
      request: new FormModel('booth-request', boothValues({ venue_id: home?.id ?? '' })),
      failure: null,
    });
  }

  heading(model) {
    return model.employer ? model.employer.name : t('structure.manage_employer.booths');
  }

  title(model) {
    return model.employer
      ? t('structure.manage_employer.title', {
          page: t('structure.manage_employer.booths'),
          name: model.employer.name,
        })
      : this.heading(model);
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    return [
      employerTabs(model.employer, 'booths'),
      model.employer.verified ? null : verificationNote(model.employer),
      this.#list(model, lang),
      this.#request(model, lang),
    ];
  }

  #venueName(id, lang) {
    const venue = this.model.fair?.venues.find((v) => v.id === id);
    return venue ? pick(venue, 'name', lang) : '';
  }

  #list(model, lang) {
    return h(
      'section',
      { 'aria-labelledby': 'booths-title' },
      h('h2', { id: 'booths-title', tabindex: '-1' }, t('structure.employer_booths.list')),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      model.booths.length === 0
        ? h('p', {}, t('structure.employer_booths.none'))
        : h(
            'ul',
            { class: 'cards cards-single', id: 'my-booth-list' },
            model.booths.map((booth) => this.#booth(model, booth, lang)),
          ),
    );
  }

  #booth(model, booth, lang) {
    const titleId = `booth-${booth.id}-title`;
    return h(
      'li',
      { class: 'card', dataset: { booth: booth.id, status: booth.status } },
      h(
        'h3',
        { class: 'card-title', id: titleId },
        h('a', { href: `/booths/${booth.id}` }, boothName(booth)),
        ' ',
        statusBadge(booth.status, { always: true }),
      ),
      h('p', { class: 'card-sub' }, this.#venueName(booth.venue_id, lang)),
      booth.status === 'requested'
        ? h('p', { class: 'hint' }, t('structure.employer_booths.waiting'))
        : null,
      booth.status === 'closed'
        ? null
        : staffFormNode(this, booth, {
            name: STAFF_FORM,
            options: model.people.map((person) => ({
              value: person.account_id,
              label: person.display_name,
              hint: roleText(person.role),
            })),
            empty: t('structure.staff.no_recruiters'),
            actions: [
              h(
                'button',
                {
                  type: 'button',
                  class: 'button button-secondary',
                  id: `close-${booth.id}`,
                  'aria-describedby': titleId,
                  onclick: () => closeBooth(this, booth, '#booths-title'),
                },
                booth.status === 'requested'
                  ? t('structure.employer_booths.withdraw')
                  : t('structure.employer_booths.close'),
              ),
            ],
          }),
      booth.status === 'closed'
        ? null
        : boothEditor(this, model, booth, {
            fair: model.fair,
            lang,
            titleHint: t('structure.booth_form.title_hint_employer'),
          }),
    );
  }

  #request(model, lang) {
    if (!model.employer.verified) {
      return h(
        'section',
        { 'aria-labelledby': 'request-title' },
        h('h2', { id: 'request-title' }, t('structure.employer_booths.request')),
        h('p', {}, t('structure.employer_booths.verify_first')),
      );
    }
    const form = model.request;
    const venues = model.fair?.venues ?? [];
    return h(
      'section',
      { 'aria-labelledby': 'request-title' },
      h('h2', { id: 'request-title' }, t('structure.employer_booths.request')),
      h('p', { class: 'intro' }, t('structure.employer_booths.request_intro')),
      formNode(form, {
        label: t('structure.employer_booths.request_submit'),
        repaint: (options) => this.repaint(options),
        // No check here: the API names every bad field at once, a blank one as required.
        content: () => [
          field(form, {
            name: 'venue_id',
            label: t('structure.employer_booths.venue'),
            control: select(form, 'venue_id', [
              { value: '', label: t('structure.form.choose') },
              ...venues.map((venue) => ({ value: venue.id, label: pick(venue, 'name', lang) })),
            ]),
          }),
          boothFields(form, {
            fair: model.fair,
            lang,
            repaint: (options) => this.repaint(options),
            titleHint: t('structure.booth_form.title_hint_employer'),
          }),
        ],
        submit: async (values) => {
          const body = { venue_id: values.venue_id, ...boothBody(values) };
          const booth = await api(
            `/api/employers/${encodeURIComponent(model.employer.id)}/booths`,
            { method: 'POST', body },
          );
          model.booths = [...model.booths, booth];
          model.staffForms.set(booth.id, staffForm(STAFF_FORM, booth));
          model.request = new FormModel(
            'booth-request',
            boothValues({ venue_id: '', hours: hoursRows([]) }),
          );
          this.repaint({ focus: '#booths-title' });
          announce(
            t('structure.employer_booths.requested', {
              venue: this.#venueName(booth.venue_id, language()),
            }),
          );
        },
      }),
    );
  }
}

customElements.define('lf-employer-booths-page', EmployerBoothsPage);
