// A policy (/policies/<id>): its kind, region and the notice's six fields — target
// scope, subsidy standard, application procedure, accepting agency, time limit, legal
// basis — in that order, always all six (an empty one says so).

import { api } from '../api.js';
import { dataLang, fact, policyKindText } from '../components/job-text.js';
import { paragraphs } from '../components/structure-text.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { instantNode } from '../components/when.js';
import { policyRegion } from './policies.js';

class PolicyPage extends Page {
  async load(signal) {
    const [policy, fair] = await Promise.all([
      api(`/api/policies/${encodeURIComponent(this.params.id)}`, { signal }),
      currentFair(),
    ]);
    return { policy, fair };
  }

  heading({ policy }) {
    return policy.title;
  }

  render({ policy, fair }) {
    const section = (id, label, text) =>
      h(
        'section',
        { 'aria-labelledby': `policy-${id}`, class: 'policy-field', dataset: { field: id } },
        h('h2', { id: `policy-${id}` }, label),
        text
          ? h('div', { lang: dataLang(text) }, paragraphs(text))
          : h('p', { class: 'hint' }, t('jobs.policy.empty')),
      );
    return [
      h(
        'dl',
        { class: 'facts' },
        fact(t('jobs.policies.kind'), policyKindText(policy.kind)),
        fact(t('jobs.search.region'), policyRegion(policy)),
        policy.published_at && fair
          ? fact(
              t('jobs.policy.published'),
              instantNode(policy.published_at, fair.time_zone, language()),
            )
          : null,
        policy.status === 'draft' ? fact(t('jobs.policy.status'), t('jobs.policy.draft')) : null,
      ),
      section('target_scope', t('jobs.policy.target_scope'), policy.target_scope),
      section('subsidy_standard', t('jobs.policy.subsidy_standard'), policy.subsidy_standard),
      section('procedure', t('jobs.policy.procedure'), policy.procedure),
      section('agency', t('jobs.policy.agency'), policy.agency),
      section('time_limit', t('jobs.policy.time_limit'), policy.time_limit),
      section('legal_basis', t('jobs.policy.legal_basis'), policy.legal_basis),
      h('p', {}, h('a', { href: '/policies' }, t('jobs.policy.back'))),
    ];
  }
}

customElements.define('lf-policy-page', PolicyPage);
