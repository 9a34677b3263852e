// One venue (/venues/<id>): what it is, its leader and how to reach it.

import { api } from '../api.js';
import { leaderNodes, telHref } from '../components/venue-card.js';
import { pick } from '../fair.js';
import { h, urlText } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { Page } from '../lib/page.js';

class VenuePage extends Page {
  async load(signal) {
    return api(`/api/venues/${encodeURIComponent(this.params.id)}`, { signal });
  }

  heading(venue) {
    return pick(venue, 'name', language());
  }

  render(venue) {
    const lang = language();
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    return [
      h(
        'p',
        { class: 'badges' },
        h('span', { class: 'badge' }, tCode('fairs.kind.', venue.kind, 'fairs.kind.unknown')),
      ),
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
        venue.region_code ? row(t('fairs.venue.region'), venue.region_code) : null,
      ),
      h('p', {}, h('a', { href: '/venues', class: 'back' }, t('fairs.venue.back'))),
    ];
  }
}

customElements.define('lf-venue-page', VenuePage);
