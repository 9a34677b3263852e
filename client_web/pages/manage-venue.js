// A venue as its admins see it (/manage/venues/<id>): its public profile (leader,
// contact, link) and what needs doing — booth requests to approve, employers of its
// region to verify — with the tabs to each task.

import { api } from '../api.js';
import { leaderNodes, telHref } from '../components/venue-card.js';
import { LivePage } from '../components/live-page.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import {
  allBooths,
  loadVenueAdmin,
  venueHeading,
  venueTabs,
  venueTitle,
} from '../components/venue-admin.js';
import { FormModel, formNode } from '../components/form.js';
import { formatInstant } from '../components/when.js';
import { h, urlText } from '../lib/dom.js';
import { zoneLabel } from '../lib/time.js';
import { language, t } from '../lib/i18n.js';

class ManageVenuePage extends LivePage {
  #lines = null;

  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    const region = model.venue.region_code;
    const [booths, waiting, weeks] = await Promise.all([
      allBooths(`venue=${encodeURIComponent(model.venue.id)}`, signal),
      region
        ? api(`/api/employers?verified=false&region=${region}&limit=200`, { signal })
        : { items: [] },
      model.venue.kind === 'sub'
        ? api(`/api/fairs/${encodeURIComponent(model.fair.id)}/weeks`, { signal })
        : null,
    ]);
    return Object.assign(model, { booths, waiting: waiting.items, weeks });
  }

  heading(model) {
    return venueHeading(model, t('structure.manage_venue.overview'));
  }

  title(model) {
    return venueTitle(model, t('structure.manage_venue.overview'));
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    const venue = model.venue;
    const base = `/manage/venues/${venue.id}`;
    const requests = model.booths.filter((b) => b.status === 'requested').length;
    const open = model.booths.filter((b) => b.kind === 'employer' && b.status === 'approved');
    const desks = model.booths.filter((b) => b.kind !== 'employer' && b.status === 'approved');
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    return [
      venueTabs(venue, 'overview'),
      h(
        'section',
        { 'aria-labelledby': 'todo-title' },
        h('h2', { id: 'todo-title' }, t('structure.manage_venue.todo')),
        h(
          'ul',
          { class: 'link-list' },
          h(
            'li',
            {},
            h(
              'a',
              { href: `${base}/booths` },
              t('structure.manage_venue.todo_requests', { count: requests }),
            ),
          ),
          venue.region_code
            ? h(
                'li',
                {},
                h(
                  'a',
                  { href: `${base}/employers` },
                  t('structure.manage_venue.todo_verify', {
                    count: model.waiting.length,
                    region: regionName(venue.region_code, lang),
                  }),
                ),
              )
            : null,
          this.#sessionsItem(model, base, lang),
          h(
            'li',
            {},
            h(
              'a',
              { href: `${base}/booths` },
              t('structure.manage_venue.todo_open', { booths: open.length, desks: desks.length }),
            ),
          ),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'profile-title' },
        h('h2', { id: 'profile-title' }, t('structure.manage_venue.profile')),
        h(
          'dl',
          { class: 'facts' },
          row(t('fairs.venue.leader'), leaderNodes(venue.leader, lang)),
          venue.leader.phone
            ? row(
                t('fairs.venue.phone'),
                h('a', { href: telHref(venue.leader.phone) }, venue.leader.phone),
              )
            : null,
          row(
            t('fairs.venue.website'),
            h('a', { href: venue.url, rel: 'noopener external', class: 'url' }, urlText(venue.url)),
          ),
          venue.region_code
            ? row(t('structure.employer.region'), regionName(venue.region_code, lang))
            : null,
        ),
      ),
      this.#linesSection(venue),
    ];
  }

  /** The featured session owed for the week now open, and its deadline (sub-venues). */
  #sessionsItem(model, base, lang) {
    const weeks = model.weeks;
    const open = weeks?.weeks.find((w) => w.number === weeks.open_for_submission);
    if (!open) return null;
    return h(
      'li',
      {},
      h(
        'a',
        { href: `${base}/sessions`, id: 'todo-sessions' },
        t('structure.manage_venue.todo_sessions', {
          number: open.number,
          due: formatInstant(open.due_at, weeks.time_zone, lang),
          zone: zoneLabel(weeks.time_zone, lang),
        }),
      ),
    );
  }

  /** What the venue's booth lines show candidates: places and waits, or only the length
   * (each candidate then still sees their own place and wait). */
  #linesSection(venue) {
    if (this.#lines?.venue !== venue.id) {
      this.#lines = new FormModel('venue-lines', { visibility: venue.queue_visibility });
      this.#lines.venue = venue.id;
      this.#lines.saved = false;
    }
    const model = this.#lines;
    const option = (value, label) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'radio',
          name: 'venue-lines-visibility',
          id: `venue-lines-${value}`,
          value,
          checked: model.values.visibility === value,
          onchange: () => {
            model.values.visibility = value;
            model.saved = false;
          },
        }),
        ' ',
        label,
      );
    return h(
      'section',
      { 'aria-labelledby': 'lines-title' },
      h('h2', { id: 'lines-title' }, t('structure.manage_venue.lines')),
      formNode(model, {
        label: t('structure.manage_venue.lines_save'),
        repaint: (options) => this.repaint(options),
        content: () => [
          h(
            'fieldset',
            { class: 'fieldset' },
            h('legend', {}, t('structure.manage_venue.lines_legend')),
            option('full', t('structure.manage_venue.lines_full')),
            option('length_only', t('structure.manage_venue.lines_length_only')),
          ),
          h(
            'p',
            { class: 'hint', id: 'venue-lines-saved', role: 'status' },
            model.saved ? t('structure.manage_venue.lines_saved') : '',
          ),
        ],
        submit: async (values) => {
          await api(`/api/venues/${venue.id}/queue-visibility`, {
            method: 'PUT',
            body: { visibility: values.visibility },
          });
          venue.queue_visibility = values.visibility;
          model.saved = true;
          this.repaint({ focus: '#venue-lines-saved' });
        },
      }),
    );
  }
}

customElements.define('lf-manage-venue-page', ManageVenuePage);
