// Search everything (/search?q=&region=&type=): jobs, employers and policies in one
// list ranked together (searchAll), each marked with its type and linking to its page,
// the keyword's matches highlighted; the count per type is shown above the results.

import { api } from '../api.js';
import { dataLang, policyKindText } from '../components/job-text.js';
import { ListPage, apiQuery, keywordFilter, matchNodes } from '../components/listing.js';
import { REGIONS, regionName } from '../components/regions.js';
import { industryText } from '../components/structure-text.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';

const TYPES = ['job', 'employer', 'policy'];
const LINKS = { job: '/jobs/', employer: '/employers/', policy: '/policies/' };

function typeText(type) {
  return tCode('jobs.everything.type.', type, 'jobs.everything.type.unknown');
}

/** The subtitle as the API sends it: employer name (job), kind (policy), industry. */
function subtitle(item) {
  if (item.type === 'policy') return policyKindText(item.subtitle);
  if (item.type === 'employer') return industryText(item.subtitle);
  return h('span', { lang: dataLang(item.subtitle) }, item.subtitle);
}

class SearchPage extends ListPage {
  get listId() {
    return 'everything';
  }

  heading() {
    return t('jobs.everything.title');
  }

  filters() {
    return [
      keywordFilter(t('jobs.everything.hint')),
      {
        name: 'type',
        kind: 'select',
        label: t('jobs.everything.type_filter'),
        options: TYPES.map((type) => ({ value: type, label: typeText(type) })),
      },
      {
        name: 'region',
        kind: 'select',
        label: t('jobs.search.region'),
        options: REGIONS.map((region) => ({ value: region.code, label: regionName(region.code) })),
      },
    ];
  }

  async fetch(values, page, signal) {
    return api(`/api/search${apiQuery(values, page)}`, { signal });
  }

  results(model) {
    const counts = model.results?.counts;
    const summary = counts
      ? h(
          'p',
          { class: 'count', id: 'everything-counts' },
          TYPES.map((type) =>
            t('jobs.everything.count', { type: typeText(type), count: counts[type] ?? 0 }),
          ).join(t('jobs.list.separator')),
        )
      : null;
    return [summary, super.results(model)];
  }

  item(item) {
    const matches = matchNodes(item);
    const region = item.region_code
      ? regionName(item.region_code)
      : item.type === 'policy'
        ? t('jobs.policy.national')
        : null;
    return h(
      'li',
      { class: 'card', dataset: { type: item.type, id: item.id } },
      h(
        'h3',
        { class: 'card-title', lang: dataLang(item.title) },
        h('a', { href: `${LINKS[item.type] ?? '/'}${item.id}` }, matches.title),
      ),
      h(
        'p',
        { class: 'card-meta' },
        h('span', { class: 'badge badge-muted' }, typeText(item.type)),
        h('span', {}, subtitle(item)),
        region ? h('span', {}, region) : null,
      ),
      matches.snippet,
    );
  }
}

customElements.define('lf-search-page', SearchPage);
