// A job in a list (search results, an assessment's matching jobs, an employer's jobs):
// the title linking to the job page, employer, region, salary, education, openings,
// and — after a keyword search — the matches highlighted in the title and in a
// snippet of the description (the server's ranges, docs/jobs.md "Highlights").

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { categoryText, dataLang, educationText, salaryText, urgentBadge } from './job-text.js';
import { matchNodes } from './listing.js';
import { regionName } from './regions.js';

/** Job categories (server/domain/jobs.py), for the filters and the editor. */
export const CATEGORIES = [
  'technology',
  'engineering',
  'manufacturing',
  'sales',
  'finance',
  'administration',
  'customer_service',
  'logistics',
  'hospitality',
  'retail_service',
  'construction',
  'healthcare',
  'education',
  'design_media',
  'legal_consulting',
  'agriculture',
  'management',
];

export function jobCard(job, { headingLevel = 'h3', extra = null } = {}) {
  const matches = matchNodes(job);
  return h(
    'li',
    { class: 'card job-card', dataset: { job: job.id } },
    h(
      headingLevel,
      { class: 'card-title', id: `job-${job.id}-title`, lang: dataLang(job.title) },
      h('a', { href: `/jobs/${job.id}` }, matches.title),
    ),
    h(
      'p',
      { class: 'card-meta' },
      h('span', { lang: dataLang(job.employer?.name) }, job.employer?.name ?? ''),
      h('span', {}, regionName(job.region_code)),
      h('span', { class: 'salary' }, salaryText(job.salary)),
    ),
    h(
      'p',
      { class: 'card-meta' },
      urgentBadge(job),
      h('span', {}, categoryText(job.category)),
      h('span', {}, educationText(job.education)),
      h('span', {}, t('jobs.job.openings_count', { count: job.openings })),
    ),
    matches.snippet,
    extra,
  );
}
