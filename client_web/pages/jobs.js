// Job search (/jobs): keyword, region, industry and category, kept in the URL; results
// by relevance with the keyword's matches highlighted, a page at a time. A Chinese
// keyword of two characters ("会计") finds every job that contains it (the server
// indexes character bigrams, docs/jobs.md).

import { api } from '../api.js';
import { CATEGORIES, jobCard } from '../components/job-card.js';
import { ListPage, apiQuery, keywordFilter, queryString } from '../components/listing.js';
import { REGIONS, regionName } from '../components/regions.js';
import { INDUSTRIES, industryText } from '../components/structure-text.js';
import { categoryText } from '../components/job-text.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export function jobFilters() {
  return [
    keywordFilter(t('jobs.search.keyword_hint')),
    {
      name: 'region',
      kind: 'select',
      label: t('jobs.search.region'),
      options: REGIONS.map((region) => ({ value: region.code, label: regionName(region.code) })),
    },
    {
      name: 'industry',
      kind: 'select',
      label: t('jobs.search.industry'),
      options: INDUSTRIES.map((code) => ({ value: code, label: industryText(code) })),
    },
    {
      name: 'category',
      kind: 'select',
      label: t('jobs.search.category'),
      options: CATEGORIES.map((category) => ({ value: category, label: categoryText(category) })),
    },
  ];
}

class JobsPage extends ListPage {
  get listId() {
    return 'jobs';
  }

  heading() {
    return t('jobs.search.title');
  }

  before(model) {
    return h(
      'p',
      {},
      h('a', { href: `/search${queryString({ q: model.values.q })}` }, t('jobs.everything.link')),
    );
  }

  filters() {
    return jobFilters();
  }

  async fetch(values, page, signal) {
    return api(`/api/jobs${apiQuery(values, page)}`, { signal });
  }

  item(job) {
    return jobCard(job);
  }

  empty(values) {
    return values.q ? t('jobs.search.none_for', { q: values.q }) : t('jobs.search.none');
  }
}

customElements.define('lf-jobs-page', JobsPage);
