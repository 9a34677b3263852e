// What staff see of a candidate: name, region, education, graduation year, the jobs
// they look for, the resume(s) the booth may read and the career assessment if the
// candidate shares it. One renderer for the interview panel (getInterview's
// `candidate`) and the booth console's summaries (getCandidate, see
// candidate-summary.js); `ids` name the elements for each place. Education levels read
// as everywhere else (job-text.js): the pages that show these need the "jobs" catalogue.

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { educationText } from './job-text.js';
import { regionName } from './regions.js';

function row(label, value) {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value) && !value.length) return null;
  return h(
    'div',
    {},
    h('dt', {}, label),
    h('dd', {}, Array.isArray(value) ? value.join('、') : String(value)),
  );
}

function resumeLink(resume, id) {
  return h(
    'a',
    {
      href: `/api/resumes/${encodeURIComponent(resume.id)}`,
      id,
      download: resume.filename ?? true,
    },
    t('interview.panel.resume', { file: resume.filename ?? '' }),
  );
}

/**
 * The facts as nodes. `candidate`: {name, region_code, education, graduation_year,
 * desired_jobs, resumes: [{id, filename}], assessment: {code} | null}; `name` is the
 * fallback when the profile has none; `ids`: {profile, resume, assessment}.
 */
export function candidateFacts(candidate, { name = '', ids }) {
  const facts = [
    row(t('interview.panel.name'), candidate?.name || name),
    row(
      t('interview.panel.region'),
      candidate?.region_code ? regionName(candidate.region_code) : null,
    ),
    row(
      t('interview.panel.education'),
      candidate?.education ? educationText(candidate.education) : null,
    ),
    row(t('interview.panel.graduation'), candidate?.graduation_year ?? null),
    row(t('interview.panel.desired'), candidate?.desired_jobs ?? null),
  ].filter(Boolean);
  const resumes = candidate?.resumes ?? [];
  return [
    h('dl', { class: 'facts', id: ids.profile }, facts),
    facts.length > 1 ? null : h('p', { class: 'hint' }, t('interview.panel.no_profile')),
    resumes.length
      ? h(
          'ul',
          { class: 'plain-list' },
          resumes.map((resume, i) =>
            h('li', {}, resumeLink(resume, i === 0 ? ids.resume : `${ids.resume}-${i + 1}`)),
          ),
        )
      : h('p', { class: 'hint' }, t('interview.panel.no_resume')),
    candidate?.assessment
      ? h(
          'p',
          { id: ids.assessment },
          t('interview.panel.assessment', { code: candidate.assessment.code }),
        )
      : h('p', { class: 'hint' }, t('interview.panel.no_assessment')),
  ];
}
