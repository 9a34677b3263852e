// One booth or guidance desk (/booths/<id>), public: whose it is, where, the intro,
// opening hours in fair time (北京时间), how many may wait at once, the slot length and
// how many staff it has. Its employer's admins and its venue's admins get a link to
// where they manage it; its staff get a link to the booth console. An approved booth
// shows its live line with "join the line" for candidates (components/booth-line.js)
// and, when it takes reservations, its slots to book (components/booth-slots.js).
// A booth of an employer lists the employer's open jobs, so a candidate waiting in line
// can read and apply to them from here.

import { api } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { hoursNode, openNow } from '../components/hours.js';
import { jobCard } from '../components/job-card.js';
import {
  boothKindText,
  boothName,
  employerTypeText,
  logoNode,
  paragraphs,
  statusBadge,
} from '../components/structure-text.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { me, scopesOf } from '../session.js';
import '../components/booth-line.js';
import '../components/booth-slots.js';

// How many of the employer's jobs the booth shows; the employer's page lists them all.
const JOBS_SHOWN = 6;

class BoothPage extends Page {
  /** The live line (components/booth-line.js): only approved booths have one. */
  #line(booth, account, fair) {
    if (booth.status !== 'approved') return null;
    const line = document.createElement('lf-booth-line');
    line.boothId = booth.id;
    line.account = account;
    // An open line outside the booth's hours may have nobody serving it: say so.
    line.outsideHours = Boolean(fair) && booth.hours.length > 0 && !openNow(booth.hours, fair);
    return line;
  }

  /** Reservation slots (components/booth-slots.js): shown once the booth takes them. */
  #slots(booth, account, zone) {
    if (booth.status !== 'approved') return null;
    const slots = document.createElement('lf-booth-slots');
    slots.boothId = booth.id;
    slots.account = account;
    slots.zone = zone;
    return slots;
  }

  async load(signal) {
    const [booth, fair, account] = await Promise.all([
      api(`/api/booths/${encodeURIComponent(this.params.id)}`, { signal }),
      currentFair(),
      me().catch(() => null),
    ]);
    // The booth stands without its jobs: a failed read leaves them out.
    const jobs = booth.employer
      ? await api(
          `/api/jobs?employer=${encodeURIComponent(booth.employer.id)}&per_page=${JOBS_SHOWN}`,
          { signal },
        ).catch((error) => {
          if (signal?.aborted) throw error;
          return null;
        })
      : null;
    return { booth, fair, account, jobs };
  }

  /** The employer's open jobs, with the way to all of them on the employer's page. */
  #jobs(booth, jobs) {
    if (!booth.employer || !jobs) return null;
    return h(
      'section',
      { 'aria-labelledby': 'booth-jobs' },
      h('h2', { id: 'booth-jobs' }, t('jobs.employer.jobs', { count: jobs.total })),
      jobs.items.length > 0
        ? h('ul', { class: 'cards', id: 'booth-job-list' }, jobs.items.map((job) => jobCard(job)))
        : h('p', {}, t('jobs.employer.no_jobs')),
      jobs.total > jobs.items.length
        ? h(
            'p',
            {},
            h(
              'a',
              { href: `/employers/${booth.employer.id}` },
              t('jobs.booth.all_jobs', { count: jobs.total }),
            ),
          )
        : null,
    );
  }

  heading({ booth }) {
    return boothName(booth);
  }

  render({ booth, fair, account, jobs }) {
    const lang = language();
    const venue = fair?.venues.find((v) => v.id === booth.venue_id) ?? null;
    const zone = fair?.time_zone ?? 'Asia/Shanghai';
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    const open = fair && booth.status === 'approved' && openNow(booth.hours, fair);
    const manages = [];
    if (account && booth.staff.some((member) => member.account_id === account.id)) {
      manages.push(
        h(
          'a',
          { href: `/booths/${booth.id}/console`, class: 'button', id: 'booth-console-link' },
          t('queue.console.open'),
        ),
      );
    }
    if (booth.employer && scopesOf(account, 'employer_admin').includes(booth.employer.id)) {
      manages.push(
        h(
          'a',
          {
            href: `/manage/employers/${booth.employer.id}/booths`,
            class: 'button button-secondary',
          },
          t('structure.booth.manage_employer'),
        ),
      );
    }
    if (
      scopesOf(account, 'venue_admin').includes(booth.venue_id) ||
      (fair && scopesOf(account, 'organiser').includes(fair.id))
    ) {
      manages.push(
        h(
          'a',
          { href: `/manage/venues/${booth.venue_id}/booths`, class: 'button button-secondary' },
          t('structure.booth.manage_venue'),
        ),
      );
    }
    return [
      h(
        'p',
        { class: 'badges' },
        h('span', { class: 'badge badge-muted' }, boothKindText(booth.kind)),
        ' ',
        statusBadge(booth.status),
        open ? h('span', { class: 'badge badge-ok' }, t('structure.booth.open_now')) : null,
      ),
      h(
        'dl',
        { class: 'facts' },
        booth.employer
          ? row(
              t('structure.booth.employer'),
              h(
                'span',
                { class: 'with-logo' },
                logoNode(booth.employer),
                h('a', { href: `/employers/${booth.employer.id}` }, booth.employer.name),
                h('span', { class: 'hint' }, employerTypeText(booth.employer.type)),
              ),
            )
          : null,
        venue
          ? row(
              t('structure.booth.venue'),
              h('a', { href: `/venues/${venue.id}` }, pick(venue, 'name', lang)),
            )
          : null,
        row(t('structure.booth.hours'), hoursNode(booth.hours, zone, lang)),
        row(
          t('structure.booth.capacity'),
          t('structure.booth.capacity_text', { capacity: booth.capacity }),
        ),
        row(
          t('structure.booth.slot'),
          t('structure.booth.slot_text', { minutes: booth.slot_minutes }),
        ),
        row(
          t('structure.booth.staff'),
          t('structure.booth.staff_people', { count: booth.staff.length }),
        ),
      ),
      this.#line(booth, account, fair),
      this.#slots(booth, account, zone),
      booth.intro
        ? h(
            'section',
            { 'aria-labelledby': 'booth-intro' },
            h('h2', { id: 'booth-intro' }, t('structure.booth.intro')),
            paragraphs(booth.intro),
          )
        : null,
      this.#jobs(booth, jobs),
      manages.length > 0 ? h('p', { class: 'actions' }, manages) : null,
      venue
        ? h(
            'p',
            {},
            h(
              'a',
              { href: `/venues/${venue.id}`, class: 'back' },
              t('structure.booth.back', { venue: pick(venue, 'name', lang) }),
            ),
          )
        : null,
    ];
  }
}

customElements.define('lf-booth-page', BoothPage);
