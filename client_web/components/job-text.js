// Words for the API's values about jobs and policies (education levels, categories,
// key groups, policy kinds, application statuses) and the salary as people read it.
// The API never localises: these map its values to the `jobs` catalogue, with a
// fallback for values added later. Industries are the employers' (structure catalogue).

import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';

/** The Chinese education ladder, lowest first (server/domain/vocab.py); jobs add "any". */
export const EDUCATION = [
  'any',
  'junior_middle',
  'senior_high',
  'secondary_vocational',
  'associate',
  'bachelor',
  'master',
  'doctorate',
];

/** Groups a job targets (server/domain/jobs.py KeyGroup; featured sessions' too). */
export const KEY_GROUPS = [
  'graduates',
  'poverty_stricken',
  'unemployed',
  'laid_off',
  'struggling_enterprise_staff',
];

export const POLICY_KINDS = ['employer', 'people'];

export const APPLICATION_STATUSES = [
  'submitted',
  'viewed',
  'interview',
  'offer',
  'not_suitable',
  'withdrawn',
];

/** The statuses an employer's staff may set (docs/people.md). */
export const EMPLOYER_STATUSES = ['viewed', 'interview', 'offer', 'not_suitable'];

export function educationText(level) {
  return tCode('jobs.education.', level, 'jobs.education.unknown');
}

export function categoryText(category) {
  return tCode('jobs.category.', category, 'jobs.category.unknown');
}

export function keyGroupText(group) {
  return tCode('jobs.key_group.', group, 'jobs.key_group.unknown');
}

export function policyKindText(kind) {
  return tCode('jobs.policy_kind.', kind, 'jobs.policy_kind.unknown');
}

export function applicationStatusText(status) {
  return tCode('jobs.application_status.', status, 'jobs.application_status.unknown');
}

function yuan(amount) {
  return new Intl.NumberFormat(language()).format(amount);
}

/** A job's `salary` as "8,000–12,000 元/月", or "面议" when negotiable. */
export function salaryText(salary) {
  if (!salary || salary.negotiable || salary.min === null) return t('jobs.salary.negotiable');
  if (salary.min === salary.max) return t('jobs.salary.exact', { amount: yuan(salary.min) });
  return t('jobs.salary.range', { min: yuan(salary.min), max: yuan(salary.max) });
}

/** The "urgent shortage" badge (急需紧缺), or nothing. */
export function urgentBadge(job) {
  return job.urgent_shortage
    ? h('span', { class: 'badge badge-urgent' }, t('jobs.job.urgent_shortage'))
    : null;
}

/** A status badge for an application. */
export function applicationBadge(status) {
  const tone =
    status === 'offer' || status === 'interview'
      ? 'ok'
      : status === 'not_suitable' || status === 'withdrawn'
        ? 'muted'
        : 'wait';
  return h(
    'span',
    { class: `badge badge-${tone}`, dataset: { status } },
    applicationStatusText(status),
  );
}

const CJK = /[\u3400-\u9fff]/;

/**
 * lang="zh-CN" for text that employers and editors wrote in Chinese, shown on the
 * English page (screen readers then read it as Chinese); null otherwise. The API's
 * free text has no language of its own, so the script decides.
 */
export function dataLang(text) {
  return language() !== 'zh-CN' && CJK.test(String(text ?? '')) ? 'zh-CN' : null;
}

/** A <dl> row. */
export function fact(label, ...value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
}
