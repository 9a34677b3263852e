// Venues: the main venue, then every sub-venue in region order, with a filter box.
// The filter is kept in the URL (?q=) so a reload or a shared link keeps it.

import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { venueCard } from '../components/venue-card.js';

function normalise(text) {
  return text.toLocaleLowerCase().replace(/\s+/g, '');
}

function haystack(venue) {
  return normalise(
    [venue.name_zh, venue.name_en, venue.region_code ?? '', venue.leader.name].join('|'),
  );
}

class VenuesPage extends Page {
  #list = null;
  #count = null;

  async load() {
    return currentFair();
  }

  heading() {
    return t('fairs.venues.title');
  }

  render(fair) {
    if (!fair) return h('p', {}, t('fairs.home.no_fair'));
    const lang = language();
    const main = fair.venues.filter((venue) => venue.kind === 'main');
    const subs = fair.venues.filter((venue) => venue.kind === 'sub');
    const query = this.query.get('q') ?? '';

    const input = h('input', {
      id: 'venue-filter',
      type: 'search',
      value: query,
      autocomplete: 'off',
      'aria-describedby': 'venue-filter-hint',
    });
    input.addEventListener('input', () => this.#filter(subs, input.value, lang));
    this.#count = h('p', { id: 'venue-count', class: 'count', role: 'status' });
    this.#list = h(
      'ul',
      { class: 'cards', id: 'sub-venues' },
      subs.map((venue) => venueCard(venue, lang)),
    );

    const nodes = [
      h('p', { class: 'intro' }, t('fairs.venues.intro', { count: subs.length })),
      main.length > 0
        ? h(
            'section',
            { 'aria-labelledby': 'venues-main' },
            h('h2', { id: 'venues-main' }, t('fairs.venues.main')),
            h(
              'ul',
              { class: 'cards cards-single' },
              main.map((venue) => venueCard(venue, lang)),
            ),
          )
        : null,
      h(
        'section',
        { 'aria-labelledby': 'venues-subs' },
        h('h2', { id: 'venues-subs' }, t('fairs.venues.subs')),
        h(
          'div',
          { class: 'filter', role: 'search' },
          h('label', { for: 'venue-filter' }, t('fairs.venues.filter')),
          h('p', { id: 'venue-filter-hint', class: 'hint' }, t('fairs.venues.filter_hint')),
          input,
        ),
        this.#count,
        this.#list,
      ),
    ];
    this.#filter(subs, query, lang, { updateUrl: false });
    return nodes;
  }

  #filter(subs, query, lang, { updateUrl = true } = {}) {
    const needle = normalise(query);
    let shown = 0;
    for (const card of this.#list.children) {
      const venue = subs.find((v) => v.id === card.dataset.venue);
      const match = needle === '' || haystack(venue).includes(needle);
      card.hidden = !match;
      if (match) shown += 1;
    }
    this.#count.textContent =
      shown === 0 && needle !== ''
        ? t('fairs.venues.none', { query: query.trim() })
        : t('fairs.venues.shown', { shown, total: subs.length });
    if (updateUrl) {
      const url = new URL(window.location.href);
      if (query.trim()) url.searchParams.set('q', query.trim());
      else url.searchParams.delete('q');
      window.history.replaceState(window.history.state, '', url);
      this.query = url.searchParams;
    }
  }
}

customElements.define('lf-venues-page', VenuesPage);
