// Programme (/programme): the fair's calendar computed from its dates — the weeks
// (Monday–Sunday in fair time), each week's deadline for the next week's featured
// session, and the one-off deadlines. The featured sessions themselves come with the
// programme issue; the published ones are listed under their week, each linking to its
// live page (/sessions/<id>: lobby, stream, chat, questions, booths).
//
// A deadline named by a date means "through that day" in fair time: its exclusive
// instant is the next day's 00:00 (the programme issue stores it that way).

import { api } from '../api.js';
import { currentFair } from '../fair.js';
import { byStart, sessionList } from '../components/session-list.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
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
    const fair = await currentFair();
    if (!fair) return null;
    const programme = await api(`/api/fairs/${encodeURIComponent(fair.id)}/programme`, { signal });
    return { ...fair, programmeSessions: programme.sessions };
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
              ),
            );
          }),
        ),
      ),
    ];
  }
}

customElements.define('lf-programme-page', ProgrammePage);
