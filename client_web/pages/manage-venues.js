// Venues to run (/manage/venues): an organiser sees every venue of the fair, a venue
// admin the venues they run; each with its open booths, requests waiting for approval,
// guidance desks and employers of its region waiting for verification. Organisers get
// a link to the weekly submissions board (pages/submission-board.js).

import { api } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { LivePage } from '../components/live-page.js';
import { signInPrompt } from '../components/signed-in.js';
import { allBooths } from '../components/venue-admin.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { me, scopesOf } from '../session.js';

function counts(booths, employers, venue) {
  const here = booths.filter((booth) => booth.venue_id === venue.id);
  return {
    booths: here.filter((b) => b.kind === 'employer' && b.status === 'approved').length,
    requests: here.filter((b) => b.status === 'requested').length,
    desks: here.filter((b) => b.kind !== 'employer' && b.status === 'approved').length,
    waiting: venue.region_code
      ? employers.filter((e) => e.region_code === venue.region_code).length
      : null,
  };
}

class ManageVenuesPage extends LivePage {
  async load(signal) {
    const account = await me();
    if (!account) return { account: null };
    const fair = await currentFair();
    if (!fair) return { account, fair: null, venues: [] };
    const organiser = scopesOf(account, 'organiser').includes(fair.id);
    const mine = new Set(scopesOf(account, 'venue_admin'));
    const venues = fair.venues.filter((venue) => organiser || mine.has(venue.id));
    const [booths, employers, admins] = await Promise.all([
      organiser
        ? allBooths(`fair=${encodeURIComponent(fair.id)}`, signal)
        : Promise.all(
            venues.map((v) => allBooths(`venue=${encodeURIComponent(v.id)}`, signal)),
          ).then((lists) => lists.flat()),
      api('/api/employers?verified=false&limit=200', { signal }),
      // Organisers appoint venue admins: show who runs each venue (one request per
      // venue; the API has no list of a fair's venue staff).
      organiser
        ? Promise.all(
            venues.map((v) =>
              api(`/api/venues/${encodeURIComponent(v.id)}/staff`, { signal }).then((staff) =>
                staff.items.filter((member) => member.role === 'venue_admin'),
              ),
            ),
          )
        : null,
    ]);
    return {
      account,
      fair,
      organiser,
      venues,
      booths,
      employers: employers.items,
      admins: admins ? new Map(venues.map((v, i) => [v.id, admins[i]])) : null,
    };
  }

  heading() {
    return t('structure.manage_venues.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const lang = language();
    if (model.venues.length === 0) return h('p', {}, t('structure.manage_venues.none'));
    return [
      h(
        'p',
        { class: 'intro' },
        model.organiser
          ? t('structure.manage_venues.intro_organiser', { count: model.venues.length })
          : t('structure.manage_venues.intro_admin'),
      ),
      model.organiser
        ? h(
            'p',
            { class: 'actions' },
            h(
              'a',
              {
                href: `/manage/fairs/${encodeURIComponent(model.fair.id)}/submissions`,
                class: 'button button-secondary',
                id: 'submission-board-link',
              },
              t('programme.board.link'),
            ),
          )
        : null,
      h(
        'ul',
        { class: 'cards', id: 'manage-venue-list' },
        model.venues.map((venue) => {
          const c = counts(model.booths, model.employers, venue);
          const admins = model.admins?.get(venue.id) ?? null;
          const fact = (label, value, attention = false) =>
            h(
              'div',
              {},
              h('dt', {}, label),
              h('dd', { class: attention && value > 0 ? 'attention' : null }, String(value)),
            );
          return h(
            'li',
            { class: 'card', dataset: { venue: venue.id } },
            h(
              'h2',
              { class: 'card-title' },
              h('a', { href: `/manage/venues/${venue.id}` }, pick(venue, 'name', lang)),
            ),
            h(
              'dl',
              { class: 'card-facts' },
              fact(t('structure.manage_venues.booths'), c.booths),
              fact(t('structure.manage_venues.requests'), c.requests, true),
              fact(t('structure.manage_venues.desks'), c.desks),
              c.waiting === null
                ? null
                : fact(t('structure.manage_venues.waiting'), c.waiting, true),
              admins === null
                ? null
                : h(
                    'div',
                    {},
                    h('dt', {}, t('structure.venue_staff.admins')),
                    h(
                      'dd',
                      { class: admins.length === 0 ? 'attention' : null },
                      admins.length === 0
                        ? t('structure.manage_venues.no_admin')
                        : admins.map((a) => a.display_name).join(t('structure.hours.separator')),
                    ),
                  ),
            ),
            admins === null
              ? null
              : h(
                  'p',
                  { class: 'card-meta' },
                  h(
                    'a',
                    { href: `/manage/venues/${venue.id}/staff` },
                    t('structure.manage_venues.appoint', { venue: pick(venue, 'name', lang) }),
                  ),
                ),
          );
        }),
      ),
    ];
  }
}

customElements.define('lf-manage-venues-page', ManageVenuesPage);
