// Programme (/programme): the fair's calendar computed from its dates — the weeks
// (Monday–Sunday in fair time), each week's deadline for the next week's featured
// session, and the one-off deadlines. The featured sessions themselves come with the
// programme issue; the published ones are listed under their week, each linking to its
// live page (/sessions/<id>: lobby, stream, chat, questions, booths).
//
// Signed-in visitors get "提醒我 / Remind me" on each session still to come
// (components/follow-toggle.js; signed out, it leads to /login and back), and everyone
// gets calendar subscriptions: the whole fair and each sub-venue with sessions on the
// programme (components/calendar-links.js), pointing at /account for the personal one.
//
// A deadline named by a date means "through that day" in fair time: its exclusive
// instant is the next day's 00:00 (the programme issue stores it that way).

import { api } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { fairFeedPath, feedUrls, venueFeedPath, webcalLink } from '../components/calendar-links.js';
import { copyField } from '../components/copy-field.js';
import { followToggle } from '../components/follow-toggle.js';
import { byStart, sessionList } from '../components/session-list.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { me } from '../session.js';
import {
  addDays,
  fairWeeks,
  formatDate,
  formatDateRange,
  instantAt,
  todayIn,
  weekdayNumber,
  zoneLabel,
} from '../lib/time.js';

function passed(dayIso, zone, now) {
  return now >= instantAt(addDays(dayIso, 1), zone, 0);
}

function deadline(dayIso, zone, lang, now) {
  return [
    h(
      'time',
      { datetime: dayIso },
      t('programme.due', {
        date: formatDate(dayIso, zone, lang, 'full'),
        zone: zoneLabel(zone, lang),
      }),
    ),
    passed(dayIso, zone, now)
      ? [' ', h('span', { class: 'badge badge-muted' }, t('programme.passed'))]
      : null,
  ];
}

class ProgrammePage extends Page {
  async load(signal) {
    const [fair, account] = await Promise.all([currentFair(), me().catch(() => null)]);
    if (!fair) return null;
    // Signed in, each session says whether this account follows it (`following`).
    const programme = await api(`/api/fairs/${encodeURIComponent(fair.id)}/programme`, { signal });
    return { ...fair, programmeSessions: programme.sessions, signedIn: Boolean(account) };
  }

  #calendar(fair, lang) {
    const fairPath = fairFeedPath(fair);
    const withSessions = new Set(fair.programmeSessions.map((session) => session.venue_id));
    const venues = (fair.venues ?? []).filter((v) => v.kind !== 'main' && withSessions.has(v.id));
    const fairName = t('programme.calendar.fair_label');
    return h(
      'section',
      { 'aria-labelledby': 'programme-calendar' },
      h('h2', { id: 'programme-calendar' }, t('programme.calendar.title')),
      h('p', { class: 'hint' }, t('programme.calendar.how')),
      copyField('calendar-fair-url', feedUrls(fairPath).https, {
        label: fairName,
        copy: t('programme.calendar.copy'),
        copyLabel: t('programme.calendar.copy_label', { what: fairName }),
        copied: t('programme.calendar.copied'),
      }),
      h(
        'p',
        { class: 'actions' },
        webcalLink(
          fairPath,
          t('programme.calendar.webcal'),
          t('programme.calendar.webcal_label', { what: fairName }),
          'calendar-fair-webcal',
        ),
        ' ',
        h(
          'a',
          { href: fairPath, id: 'calendar-fair-ics', download: 'livefair.ics' },
          t('programme.calendar.download'),
        ),
      ),
      venues.length > 0
        ? h(
            'details',
            { id: 'calendar-venues' },
            h('summary', {}, t('programme.calendar.venues')),
            h(
              'ul',
              { class: 'plain-list', id: 'calendar-venue-list' },
              venues.map((venue) => {
                const name = pick(venue, 'name', lang);
                const path = venueFeedPath(venue.id);
                return h(
                  'li',
                  { dataset: { venue: venue.id } },
                  h(
                    'a',
                    { href: feedUrls(path).https },
                    t('programme.calendar.venue_ics', { venue: name }),
                  ),
                  ' · ',
                  webcalLink(
                    path,
                    t('programme.calendar.webcal'),
                    t('programme.calendar.webcal_label', { what: name }),
                  ),
                );
              }),
            ),
          )
        : null,
      h(
        'p',
        { class: 'hint' },
        t('programme.calendar.mine'),
        ' ',
        h(
          'a',
          { href: '/account', id: 'calendar-mine-link' },
          t('programme.calendar.mine_link'),
        ),
      ),
    );
  }

  heading() {
    return t('programme.title');
  }

  render(fair) {
    if (!fair) return h('p', {}, t('fairs.home.no_fair'));
    const lang = language();
    const zone = fair.time_zone;
    const now = new Date();
    const today = todayIn(zone, now);
    const weeks = fairWeeks(fair.starts_on, fair.ends_on);
    const weekday = weekdayNumber(fair.weekly_deadline_weekday);
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));

    const keyDates = [
      fair.first_submission_due
        ? row(t('programme.first_submission'), deadline(fair.first_submission_due, zone, lang, now))
        : null,
      fair.summary_due
        ? row(t('programme.summary'), deadline(fair.summary_due, zone, lang, now))
        : null,
    ].filter(Boolean);

    return [
      h('p', { class: 'intro' }, t('programme.intro', { zone: zoneLabel(zone, lang) })),
      weekday
        ? h(
            'p',
            { class: 'intro' },
            t('programme.weekly_rule', {
              weekday: formatDate(
                addDays(weeks[0].monday, weekday - 1),
                zone,
                lang,
                'weekday-only',
              ),
            }),
          )
        : null,
      keyDates.length > 0
        ? h(
            'section',
            { 'aria-labelledby': 'programme-key-dates' },
            h('h2', { id: 'programme-key-dates' }, t('programme.key_dates')),
            h('dl', { class: 'facts' }, keyDates),
          )
        : null,
      this.#calendar(fair, lang),
      h(
        'section',
        { 'aria-labelledby': 'programme-weeks' },
        h('h2', { id: 'programme-weeks' }, t('programme.weeks')),
        h(
          'ol',
          { class: 'weeks' },
          weeks.map((week) => {
            const current = week.monday <= today && today <= week.sunday;
            const next = weeks[week.number]; // the following week, if the fair runs into it
            const partial = week.firstDay !== week.monday || week.lastDay !== week.sunday;
            return h(
              'li',
              {
                class: `week${current ? ' week-current' : ''}`,
                dataset: { week: String(week.number) },
              },
              h(
                'h3',
                {},
                t('programme.week', { number: week.number }),
                current
                  ? [' ', h('span', { class: 'badge badge-current' }, t('programme.this_week'))]
                  : null,
              ),
              h(
                'dl',
                { class: 'card-facts' },
                row(
                  t('programme.dates'),
                  formatDateRange(week.monday, week.sunday, zone, lang, 'day'),
                ),
                partial
                  ? row(
                      t('programme.fair_days'),
                      week.firstDay === week.lastDay
                        ? formatDate(week.firstDay, zone, lang, 'day')
                        : formatDateRange(week.firstDay, week.lastDay, zone, lang, 'day'),
                    )
                  : null,
                next && weekday
                  ? row(
                      t('programme.next_deadline', { number: next.number }),
                      deadline(addDays(week.monday, weekday - 1), zone, lang, now),
                    )
                  : null,
              ),
              sessionList(
                byStart(fair.programmeSessions.filter((session) => session.week === week.number)),
                zone,
                lang,
                t('programme.sessions'),
                (session) => {
                  const toggle = followToggle(session, fair.signedIn);
                  return toggle ? [' ', toggle] : null;
                },
              ),
            );
          }),
        ),
      ),
    ];
  }
}

customElements.define('lf-programme-page', ProgrammePage);
