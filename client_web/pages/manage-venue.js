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
import { h, urlText } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';

class ManageVenuePage extends LivePage {
  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account) return model;
    const region = model.venue.region_code;
    const [booths, waiting] = await Promise.all([
      allBooths(`venue=${encodeURIComponent(model.venue.id)}`, signal),
      region
        ? api(`/api/employers?verified=false&region=${region}&limit=200`, { signal })
        : { items: [] },
    ]);
    return Object.assign(model, { booths, waiting: waiting.items });
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
    ];
  }
}

customElements.define('lf-manage-venue-page', ManageVenuePage);
