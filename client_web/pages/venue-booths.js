// One venue (/venues/<id>) with its booths and guidance desks: the venue page of
// pages/venue.js (leader, phone, link), extended with the approved booths of verified
// employers and the venue's guidance desks, each linking to its booth page. Its
// admins (and the fair's organisers) also get a link to where they run it.

import { api } from '../api.js';
import { currentFair } from '../fair.js';
import { boothCard } from '../components/booth-card.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { me, scopesOf } from '../session.js';
import './venue.js';

const VenuePage = customElements.get('lf-venue-page');

class VenueBoothsPage extends VenuePage {
  async load(signal) {
    const id = encodeURIComponent(this.params.id);
    const [venue, booths, fair, account] = await Promise.all([
      super.load(signal),
      api(`/api/booths?venue=${id}&status=approved&limit=500`, { signal }),
      currentFair(),
      me().catch(() => null),
    ]);
    // The venue as the parent page knows it, plus what this page adds.
    return Object.assign(venue, { booths: booths.items, fair, account });
  }

  render(venue) {
    const nodes = [super.render(venue)].flat(Infinity).filter(Boolean);
    const back = nodes.pop(); // the parent's last paragraph: the link back to all venues
    const employers = venue.booths.filter((booth) => booth.kind === 'employer');
    const desks = venue.booths.filter((booth) => booth.kind !== 'employer');
    const fair = venue.fair;
    const runs =
      scopesOf(venue.account, 'venue_admin').includes(venue.id) ||
      (fair && scopesOf(venue.account, 'organiser').includes(fair.id));
    return [
      ...nodes,
      runs
        ? h(
            'p',
            { class: 'actions' },
            h(
              'a',
              { href: `/manage/venues/${venue.id}`, class: 'button button-secondary' },
              t('structure.venue.manage'),
            ),
          )
        : null,
      h(
        'section',
        { 'aria-labelledby': 'venue-booths' },
        h('h2', { id: 'venue-booths' }, t('structure.venue.booths', { count: employers.length })),
        employers.length > 0
          ? h(
              'ul',
              { class: 'cards', id: 'venue-booth-list' },
              employers.map((booth) => boothCard(booth, { fair })),
            )
          : h('p', {}, t('structure.venue.no_booths')),
      ),
      h(
        'section',
        { 'aria-labelledby': 'venue-desks' },
        h('h2', { id: 'venue-desks' }, t('structure.venue.desks')),
        h('p', { class: 'intro' }, t('structure.venue.desks_intro')),
        desks.length > 0
          ? h(
              'ul',
              { class: 'cards', id: 'venue-desk-list' },
              desks.map((booth) => boothCard(booth, { fair })),
            )
          : h('p', {}, t('structure.venue.no_desks')),
      ),
      back,
    ];
  }
}

customElements.define('lf-venue-booths-page', VenueBoothsPage);
