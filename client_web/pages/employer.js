// An employer's public page (/employers/<id>): logo, name, type, industry, region,
// size, credit code, website, description, its open booths at every venue and its
// open jobs.
// Until it is verified only its own people and its overseers can see it (the API
// answers 404 to everyone else); they are told so here.

import { api } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { boothCard } from '../components/booth-card.js';
import { jobCard } from '../components/job-card.js';
import { regionName } from '../components/regions.js';
import {
  employerTypeText,
  industryText,
  logoNode,
  paragraphs,
  sizeText,
  verifiedBadge,
} from '../components/structure-text.js';
import { h, urlText } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { me, scopesOf } from '../session.js';

const JOBS_SHOWN = 50;

class EmployerPage extends Page {
  async load(signal) {
    const id = encodeURIComponent(this.params.id);
    const rest = Promise.all([
      api(`/api/booths?employer=${id}&status=approved&limit=500`, { signal }),
      api(`/api/jobs?employer=${id}&per_page=${JOBS_SHOWN}`, { signal }),
      currentFair(),
      me().catch(() => null),
    ]);
    rest.catch(() => {}); // awaited below, unless the employer's own answer fails first
    // The employer's answer decides what is wrong: an id that is no employer's is
    // "not found" (the lists would refuse it as a malformed filter).
    const employer = await api(`/api/employers/${id}`, { signal });
    const [booths, jobs, fair, account] = await rest;
    return { employer, booths: booths.items, jobs, fair, account };
  }

  heading({ employer }) {
    return employer.name;
  }

  render({ employer, booths, jobs, fair, account }) {
    const lang = language();
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    const admin = scopesOf(account, 'employer_admin').includes(employer.id);
    const venueName = (id) => {
      const venue = fair?.venues.find((v) => v.id === id);
      return venue ? pick(venue, 'name', lang) : null;
    };
    return [
      h(
        'div',
        { class: 'employer-head' },
        logoNode(employer, 'large'),
        h(
          'p',
          { class: 'badges' },
          h('span', { class: 'badge badge-muted' }, employerTypeText(employer.type)),
          ' ',
          verifiedBadge(employer),
        ),
      ),
      employer.verified
        ? null
        : h('div', { class: 'callout' }, h('p', {}, t('structure.employer.private_notice'))),
      h(
        'dl',
        { class: 'facts' },
        row(t('structure.employer.industry'), industryText(employer.industry)),
        row(t('structure.employer.region'), regionName(employer.region_code, lang)),
        row(t('structure.employer.size'), sizeText(employer.size)),
        row(
          t('structure.employer.credit_code'),
          h('span', { class: 'code' }, employer.credit_code),
        ),
        employer.website
          ? row(
              t('structure.employer.website'),
              h(
                'a',
                { href: employer.website, rel: 'noopener external nofollow', class: 'url' },
                urlText(employer.website),
              ),
            )
          : null,
      ),
      employer.description
        ? h(
            'section',
            { 'aria-labelledby': 'employer-about' },
            h('h2', { id: 'employer-about' }, t('structure.employer.about')),
            paragraphs(employer.description),
          )
        : null,
      h(
        'section',
        { 'aria-labelledby': 'employer-booths' },
        h('h2', { id: 'employer-booths' }, t('structure.employer.booths')),
        booths.length > 0
          ? h(
              'ul',
              { class: 'cards', id: 'employer-booth-list' },
              booths.map((booth) =>
                boothCard(booth, { fair, venueName: venueName(booth.venue_id) }),
              ),
            )
          : h('p', {}, t('structure.employer.no_booths')),
      ),
      h(
        'section',
        { 'aria-labelledby': 'employer-jobs' },
        h('h2', { id: 'employer-jobs' }, t('jobs.employer.jobs', { count: jobs.total })),
        jobs.items.length > 0
          ? h(
              'ul',
              { class: 'cards', id: 'employer-job-list' },
              jobs.items.map((job) => jobCard(job)),
            )
          : h('p', {}, t('jobs.employer.no_jobs')),
      ),
      admin
        ? h(
            'p',
            { class: 'actions' },
            h(
              'a',
              { href: `/manage/employers/${employer.id}`, class: 'button button-secondary' },
              t('structure.employer.manage'),
            ),
          )
        : null,
    ];
  }
}

customElements.define('lf-employer-page', EmployerPage);
