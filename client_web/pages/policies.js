// The policy catalogue (/policies, 政策清单): published employer (惠企) and people (惠民)
// policies, filtered by kind, region and keyword (kept in the URL), public without
// signing in. Each links to its page with the notice's six fields.

import { api } from '../api.js';
import { POLICY_KINDS, dataLang, policyKindText } from '../components/job-text.js';
import { ListPage, apiQuery, keywordFilter, matchNodes } from '../components/listing.js';
import { REGIONS, regionName } from '../components/regions.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const SUMMARY = 80; // characters of the target scope under a title, without a keyword

function summary(text) {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > SUMMARY ? `${chars.slice(0, SUMMARY).join('')}…` : chars.join('');
}

/** A policy's region, or "national" for the main venue's (region_code null). */
export function policyRegion(policy) {
  return policy.region_code ? regionName(policy.region_code) : t('jobs.policy.national');
}

class PoliciesPage extends ListPage {
  get listId() {
    return 'policies';
  }

  heading() {
    return t('jobs.policies.title');
  }

  before() {
    return h('p', { class: 'intro' }, t('jobs.policies.intro'));
  }

  filters() {
    return [
      keywordFilter(),
      {
        name: 'kind',
        kind: 'select',
        label: t('jobs.policies.kind'),
        options: POLICY_KINDS.map((kind) => ({ value: kind, label: policyKindText(kind) })),
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
    return api(`/api/policies${apiQuery(values, page)}`, { signal });
  }

  item(policy) {
    const matches = matchNodes(policy);
    return h(
      'li',
      { class: 'card', dataset: { policy: policy.id } },
      h(
        'h3',
        { class: 'card-title', lang: dataLang(policy.title) },
        h('a', { href: `/policies/${policy.id}` }, matches.title),
      ),
      h(
        'p',
        { class: 'card-meta' },
        h('span', { class: `badge badge-${policy.kind}` }, policyKindText(policy.kind)),
        h('span', {}, policyRegion(policy)),
      ),
      matches.snippet ??
        (policy.target_scope
          ? h(
              'p',
              { class: 'card-intro', lang: dataLang(policy.target_scope) },
              summary(policy.target_scope),
            )
          : null),
    );
  }

  empty(values) {
    return values.q ? t('jobs.search.none_for', { q: values.q }) : t('jobs.policies.none');
  }
}

customElements.define('lf-policies-page', PoliciesPage);
