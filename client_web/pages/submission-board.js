// The weekly submissions board (/manage/fairs/<id>/submissions?week=N), for the fair's
// organisers at the main venue (docs/programme.md): which provinces have submitted the
// week's featured session, approving or returning each, a late window for a province
// that missed the deadline, placing the approved sessions in the week's timetable
// (a preview first) and publishing the week, and the week's report to download.
// Each approved or placed (not yet started) session can also be placed or moved by
// hand (moveFeaturedSession): a day of the week's programme days, a start in fair
// time and, when the fair has several, a stage; the server checks it as the planner
// does and its refusal (a clash, outside the hours, in the past…) shows in the form.
//
// Every action reloads the board from the API (getSubmissionBoard) rather than
// patching the row, so the counts and statuses are always the server's. Focus goes to
// the province's row heading after an action on a row, or to the section's heading.

import { api, errorMessage } from '../api.js';
import { campaignStatsLinks } from '../components/campaign-stats.js';
import { confirmQuestion } from '../components/confirm.js';
import { FormModel, field, formNode, input, missing, select } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { signInPrompt } from '../components/signed-in.js';
import { formatInstant, instantNode, wallClock } from '../components/when.js';
import { pick } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import {
  formatDate,
  formatDateRange,
  instantAt,
  instantToWall,
  todayIn,
  wallToInstant,
  zoneLabel,
} from '../lib/time.js';
import { announce } from '../notices.js';
import { me, scopesOf } from '../session.js';

// Statuses that count as "submitted" at the top: the province has done its part.
const SUBMITTED = new Set(['submitted', 'approved', 'placed']);
// Session states the API places or moves by hand (scheduler/sessions.py MOVABLE):
// approved (not placed yet) and scheduled (placed, published or not, not yet open).
const MOVABLE = new Set(['approved', 'scheduled']);
// Which model slot holds each row form, for its cancel button.
const ROW_FORMS = { return: 'returning', late: 'lateWindow', move: 'moving' };
const STATUS_BADGE = {
  missing: 'badge-muted',
  draft: 'badge-muted',
  submitted: 'badge-wait',
  returned: 'badge-wait',
  approved: 'badge-ok',
  placed: 'badge-ok',
};

function fairPath(id) {
  return `/api/fairs/${encodeURIComponent(id)}`;
}

/** A wall time typed in fair time ("2020-07-09T18:00") as the instant it names there. */
function wallInstant(value, zone) {
  const [day, clock = '00:00'] = value.split('T');
  const [hours, minutes] = clock.split(':').map(Number);
  return new Date(instantAt(day, zone, hours).getTime() + (minutes || 0) * 60000);
}

/** "HH:MM" as minutes after midnight, and back. */
function clockMinutes(text) {
  const [hours, minutes] = String(text).split(':').map(Number);
  return hours * 60 + minutes;
}

function clockText(minutes) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * The starts a session of `duration` minutes may take on a programme day: the
 * planner's grid from the week's opening time while it still ends by the closing time
 * (the server checks the hours again), plus `current` if it is off the grid.
 */
function startTimes(week, duration, current) {
  const opens = clockMinutes(week.opens);
  const closes = clockMinutes(week.closes);
  const step = Math.max(5, week.step_minutes || 30);
  const times = [];
  for (let at = opens; at + duration <= closes; at += step) times.push(clockText(at));
  if (current && !times.includes(current)) times.push(current);
  return times.sort();
}

class SubmissionBoardPage extends LivePage {
  async load(signal) {
    const account = await me();
    if (!account) return { account: null };
    const fairId = this.params.id;
    const organiser = scopesOf(account, 'organiser').includes(fairId);
    if (!organiser) return { account, organiser: false };
    const weeks = await api(`${fairPath(fairId)}/weeks`, { signal });
    const asked = Number.parseInt(this.query.get('week') ?? '', 10);
    const known = weeks.weeks.some((w) => w.number === asked);
    // The board's own default: the week open for submission, else the last one.
    const week = known
      ? asked
      : (weeks.open_for_submission ?? weeks.weeks[weeks.weeks.length - 1].number);
    const board = await api(`${fairPath(fairId)}/submissions?week=${week}`, { signal });
    return {
      account,
      organiser: true,
      fairId,
      weeks,
      board,
      picker: new FormModel('week-picker', { week: String(week) }),
      returning: null, // { venue, form } while a return reason is being written
      lateWindow: null, // { venue, form } while a late window is being opened
      moving: null, // { venue, form } while a session is being placed or moved by hand
      confirming: null,
      plan: null,
      published: null,
      failure: null,
    };
  }

  heading() {
    return t('programme.board.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    if (!model.organiser) return h('p', {}, t('programme.board.organisers_only'));
    const lang = language();
    const { board } = model;
    const zone = board.time_zone;
    return [
      h('p', { class: 'intro' }, t('programme.board.intro')),
      this.#picker(model, zone, lang),
      model.failure
        ? h(
            'div',
            { class: 'notice notice-error', role: 'alert', id: 'board-failure', tabindex: '-1' },
            h('p', {}, model.failure()),
          )
        : null,
      this.#board(model, zone, lang),
      this.#planning(model, zone, lang),
      this.#report(model),
      campaignStatsLinks({ fairId: model.fairId, holder: model }),
    ];
  }

  // -- the week ------------------------------------------------------------------------

  #picker(model, zone, lang) {
    const week = model.board.week;
    return h(
      'section',
      { 'aria-labelledby': 'week-title', class: 'board-week' },
      h('h2', { id: 'week-title', tabindex: '-1' }, t('programme.week', { number: week.number })),
      h(
        'p',
        {},
        formatDateRange(week.first_day, week.last_day, zone, lang),
        ' · ',
        t('programme.board.due'),
        ' ',
        instantNode(week.due_at, zone, lang),
      ),
      formNode(model.picker, {
        label: t('programme.board.show'),
        className: 'form-inline',
        repaint: (options) => this.repaint(options),
        content: () => [
          field(model.picker, {
            name: 'week',
            label: t('programme.board.week_label'),
            control: select(
              model.picker,
              'week',
              model.weeks.weeks.map((w) => ({
                value: String(w.number),
                label: t('programme.board.week_option', {
                  number: w.number,
                  dates: formatDateRange(w.first_day, w.last_day, zone, lang, 'day'),
                }),
              })),
            ),
          }),
        ],
        submit: async (values) => {
          go(`/manage/fairs/${encodeURIComponent(model.fairId)}/submissions?week=${values.week}`);
        },
      }),
    );
  }

  // -- the board -----------------------------------------------------------------------

  #board(model, zone, lang) {
    const rows = model.board.rows;
    const submitted = rows.filter((r) => SUBMITTED.has(r.status)).length;
    const byStatus = (status) => rows.filter((r) => r.status === status).length;
    return h(
      'section',
      { 'aria-labelledby': 'board-title' },
      h('h2', { id: 'board-title', tabindex: '-1' }, t('programme.board.provinces')),
      h(
        'p',
        { id: 'board-counts', class: 'lead' },
        t('programme.board.counts', { submitted, total: rows.length }),
      ),
      h(
        'ul',
        { class: 'board-tally', id: 'board-tally' },
        ['missing', 'draft', 'submitted', 'returned', 'approved', 'placed'].map((status) =>
          h(
            'li',
            { dataset: { status } },
            tCode('programme.board.status.', status, 'programme.board.status.unknown'),
            ': ',
            String(byStatus(status)),
          ),
        ),
        h(
          'li',
          { dataset: { status: 'overdue' } },
          t('programme.board.overdue'),
          ': ',
          String(rows.filter((r) => r.overdue).length),
        ),
      ),
      h(
        'div',
        {
          id: 'board-region',
          class: 'table-scroll',
          role: 'region',
          tabindex: '0',
          'aria-labelledby': 'board-caption',
        },
        h(
          'table',
          { id: 'board', class: 'stats-table board-table' },
          h(
            'caption',
            { id: 'board-caption' },
            t('programme.board.caption', { number: model.board.week.number }),
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('programme.board.province')),
              h('th', { scope: 'col' }, t('programme.board.status_label')),
              h('th', { scope: 'col' }, t('programme.board.timeliness')),
              h('th', { scope: 'col' }, t('programme.board.session')),
              h('th', { scope: 'col' }, t('programme.board.actions')),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((row) => this.#row(model, row, zone, lang)),
          ),
        ),
      ),
    );
  }

  #row(model, row, zone, lang) {
    const nameId = `province-${row.venue_id}`;
    return h(
      'tr',
      { dataset: { venue: row.venue_id, status: row.status } },
      h('th', { scope: 'row', id: nameId, tabindex: '-1' }, pick(row, 'name', lang)),
      h(
        'td',
        {},
        h(
          'span',
          { class: `badge ${STATUS_BADGE[row.status] ?? 'badge-muted'}` },
          tCode('programme.board.status.', row.status, 'programme.board.status.unknown'),
        ),
      ),
      h('td', { class: 'board-when' }, this.#timeliness(row, zone, lang)),
      h(
        'td',
        {},
        row.session_id
          ? h('a', { href: `/sessions/${row.session_id}` }, row.title)
          : h('span', { class: 'hint' }, t('programme.board.no_session')),
        row.session_id && row.starts_at ? this.#placement(model, row, zone, lang) : null,
      ),
      h('td', { class: 'board-actions' }, this.#actions(model, row, nameId, zone)),
    );
  }

  /** Where a placed session is: its day and times in fair time, its stage, published. */
  #placement(model, row, zone, lang) {
    return h(
      'p',
      { class: 'board-slot', id: `slot-${row.venue_id}` },
      this.#slotText(model, row, zone, lang),
      row.published_at
        ? [' ', h('span', { class: 'badge badge-ok' }, t('programme.board.is_published'))]
        : null,
    );
  }

  /** "2020年7月8日 10:00–11:30（北京时间），第 2 会场": anything with starts_at, ends_at, stage. */
  #slotText(model, slot, zone, lang) {
    const params = {
      time: formatInstant(slot.starts_at, zone, lang),
      end: new Intl.DateTimeFormat(lang, {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(slot.ends_at)),
      zone: zoneLabel(zone, lang),
      stage: slot.stage,
    };
    return model.board.week.stages === 1
      ? t('programme.board.slot_single', params)
      : t('programme.board.slot', params);
  }

  #timeliness(row, zone, lang) {
    if (row.late_until && !SUBMITTED.has(row.status)) {
      return t('programme.board.late_window', {
        time: formatInstant(row.late_until, zone, lang),
        zone: zoneLabel(zone, lang),
      });
    }
    if (row.overdue) return h('span', { class: 'badge badge-urgent' }, t('programme.board.overdue'));
    if (row.on_time === true) return t('programme.board.on_time');
    if (row.on_time === false) return t('programme.board.late');
    return h('span', { class: 'hint' }, t('programme.board.not_yet'));
  }

  #actions(model, row, nameId, zone) {
    const buttons = [];
    const key = row.venue_id;
    if (row.status === 'submitted') {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            id: `approve-${key}`,
            'aria-describedby': nameId,
            onclick: () => this.#approve(row),
          },
          t('programme.board.approve'),
        ),
      );
    }
    if (row.session_id && (row.status === 'submitted' || row.status === 'approved')) {
      if (model.returning?.venue === key) return this.#returnForm(model, row);
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `return-${key}`,
            'aria-describedby': nameId,
            onclick: () => {
              model.returning = { venue: key, form: new FormModel(`return-${key}`, { reason: '' }) };
              model.lateWindow = null;
              model.moving = null;
              this.repaint({ focus: `#return-${key}-reason` });
            },
          },
          t('programme.board.return'),
        ),
      );
    }
    if (row.overdue || (row.late_until && !SUBMITTED.has(row.status))) {
      if (model.lateWindow?.venue === key) return this.#lateForm(model, row, zone);
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `late-${key}`,
            'aria-describedby': nameId,
            onclick: () => {
              // A day from now, on the hour, in fair time: a starting point to edit.
              const wall = wallClock(zone, new Date(Date.now() + 24 * 3600000));
              const hour = String(Math.floor(wall.minutes / 60)).padStart(2, '0');
              const until = `${wall.date}T${hour}:00`;
              model.lateWindow = { venue: key, form: new FormModel(`late-${key}`, { until }) };
              model.returning = null;
              model.moving = null;
              this.repaint({ focus: `#late-${key}-until` });
            },
          },
          t('programme.board.open_late'),
        ),
      );
    }
    if (row.session_id && MOVABLE.has(row.state)) {
      if (model.moving?.venue === key) return this.#moveForm(model, row, zone);
      const placed = row.starts_at !== null;
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `move-${key}`,
            'aria-describedby': nameId,
            onclick: () => {
              const form = new FormModel(`move-${key}`, this.#slotNow(row, zone));
              model.moving = { venue: key, form };
              model.returning = null;
              model.lateWindow = null;
              this.repaint({ focus: `#move-${key}-day` });
            },
          },
          placed ? t('programme.board.move') : t('programme.board.place_one'),
        ),
      );
    }
    return buttons.length > 0 ? h('div', { class: 'row-actions' }, buttons) : null;
  }

  /** The form's starting point: where the session is, else the first programme day
   * from today on at the opening time, on whichever stage is free. */
  #slotNow(row, zone) {
    const week = this.model.board.week;
    if (row.starts_at) {
      const wall = instantToWall(row.starts_at, zone);
      return { day: wall.slice(0, 10), time: wall.slice(11, 16), stage: String(row.stage ?? '') };
    }
    const today = todayIn(zone);
    const days = week.programme_days;
    const day = days.find((d) => d >= today) ?? days[0] ?? week.first_day;
    return { day, time: week.opens, stage: '' };
  }

  #cancelButton(model, slot, key, back) {
    return h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary',
        id: `${slot}-${key}-cancel`,
        onclick: () => {
          model[ROW_FORMS[slot]] = null;
          this.repaint({ focus: back });
        },
      },
      t('programme.board.cancel'),
    );
  }

  #returnForm(model, row) {
    const { form } = model.returning;
    const key = row.venue_id;
    return formNode(form, {
      label: t('programme.board.return_send'),
      className: 'form-compact',
      repaint: (options) => this.repaint(options),
      check: (values) => missing(values, ['reason']),
      content: () => [
        field(form, {
          name: 'reason',
          label: t('programme.board.reason', { province: pick(row, 'name', language()) }),
          hint: t('programme.board.reason_hint'),
          control: input(form, 'reason', { multiline: true, rows: '3', maxlength: '500' }),
        }),
      ],
      actions: [this.#cancelButton(model, 'return', key, `#return-${key}`)],
      submit: async (values) => {
        await api(`/api/featured-sessions/${encodeURIComponent(row.session_id)}/return`, {
          method: 'POST',
          body: { reason: values.reason.trim() },
        });
        model.returning = null;
        await this.#reload({ focus: `#province-${key}` });
        announce(t('programme.board.returned', { title: row.title }));
      },
    });
  }

  #lateForm(model, row, zone) {
    const { form } = model.lateWindow;
    const key = row.venue_id;
    const lang = language();
    return formNode(form, {
      label: t('programme.board.late_send'),
      className: 'form-compact',
      repaint: (options) => this.repaint(options),
      check: (values) => missing(values, ['until']),
      content: () => [
        field(form, {
          name: 'until',
          label: t('programme.board.until', {
            province: pick(row, 'name', lang),
            zone: zoneLabel(zone, lang),
          }),
          control: input(form, 'until', { type: 'datetime-local', step: '60' }),
        }),
      ],
      actions: [this.#cancelButton(model, 'late', key, `#province-${key}`)],
      submit: async (values) => {
        const opened = await api(
          `${fairPath(model.fairId)}/weeks/${model.board.week.number}/late-windows`,
          {
            method: 'POST',
            body: { venue_id: key, until: wallInstant(values.until, zone).toISOString() },
          },
        );
        model.lateWindow = null;
        await this.#reload({ focus: `#province-${key}` });
        announce(
          t('programme.board.late_opened', {
            province: pick(row, 'name', lang),
            time: formatInstant(opened.until, zone, lang),
            zone: zoneLabel(zone, lang),
          }),
        );
      },
    });
  }

  #moveForm(model, row, zone) {
    const { form } = model.moving;
    const key = row.venue_id;
    const lang = language();
    const week = model.board.week;
    const placed = row.starts_at !== null;
    const province = pick(row, 'name', lang);
    const days = week.programme_days.includes(form.values.day)
      ? week.programme_days
      : [...week.programme_days, form.values.day].sort();
    const current = placed ? instantToWall(row.starts_at, zone).slice(11, 16) : null;
    const times = startTimes(week, row.duration_minutes ?? 0, current);
    const hints = [
      t('programme.board.move_hint', {
        opens: week.opens,
        closes: week.closes,
        zone: zoneLabel(zone, lang),
      }),
      row.published_at ? t('programme.board.move_published') : null,
    ].filter(Boolean);
    return formNode(form, {
      label: placed ? t('programme.board.move_send') : t('programme.board.place_send'),
      className: 'form-compact',
      repaint: (options) => this.repaint(options),
      check: (values) => missing(values, ['day', 'time']),
      content: () => [
        h(
          'p',
          { class: 'hint', id: `move-${key}-hint` },
          placed
            ? t('programme.board.move_title', { title: row.title, province })
            : t('programme.board.place_title', { title: row.title, province }),
          ' ',
          hints.join(' '),
        ),
        field(form, {
          name: 'day',
          label: t('programme.board.move_day'),
          control: select(
            form,
            'day',
            days.map((day) => ({ value: day, label: formatDate(day, zone, lang, 'weekday') })),
            { 'aria-describedby': `move-${key}-hint` },
          ),
        }),
        field(form, {
          name: 'time',
          pointer: '/starts_at',
          label: t('programme.board.move_time', { zone: zoneLabel(zone, lang) }),
          control: select(form, 'time', times.map((time) => ({ value: time, label: time }))),
        }),
        week.stages > 1
          ? field(form, {
              name: 'stage',
              label: t('programme.board.move_stage'),
              control: select(form, 'stage', [
                { value: '', label: t('programme.board.any_stage') },
                ...Array.from({ length: week.stages }, (_, i) => ({
                  value: String(i + 1),
                  label: t('programme.board.stage_option', { stage: i + 1 }),
                })),
              ]),
            })
          : null,
      ],
      actions: [this.#cancelButton(model, 'move', key, `#move-${key}`)],
      submit: async (values) => {
        const path = `/api/featured-sessions/${encodeURIComponent(row.session_id)}/slot`;
        const moved = await api(path, {
          method: 'PUT',
          body: {
            starts_at: wallToInstant(`${values.day}T${values.time}`, zone),
            stage: values.stage ? Number(values.stage) : null,
          },
        });
        model.moving = null;
        await this.#reload({ focus: `#province-${key}` });
        announce(
          t('programme.board.moved', {
            title: row.title,
            slot: this.#slotText(model, moved, zone, lang),
          }),
        );
      },
    });
  }

  async #approve(row) {
    await this.#act(
      () =>
        api(`/api/featured-sessions/${encodeURIComponent(row.session_id)}/approve`, {
          method: 'POST',
        }),
      `#province-${row.venue_id}`,
      () => t('programme.board.approved', { title: row.title }),
    );
  }

  /** Run an action, reload the board, say what happened (or show the refusal). */
  async #act(action, focus, done) {
    const model = this.model;
    try {
      await action();
      model.failure = null;
      await this.#reload({ focus });
      announce(done());
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#board-failure' });
    }
  }

  async #reload({ focus }) {
    const model = this.model;
    model.board = await api(
      `${fairPath(model.fairId)}/submissions?week=${model.board.week.number}`,
    );
    model.failure = null;
    this.repaint({ focus });
  }

  // -- placing and publishing ----------------------------------------------------------

  #planning(model, zone, lang) {
    const week = model.board.week.number;
    return h(
      'section',
      { 'aria-labelledby': 'plan-title' },
      h('h2', { id: 'plan-title', tabindex: '-1' }, t('programme.board.plan_title')),
      h('p', {}, t('programme.board.plan_intro')),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'plan-preview',
            onclick: () => this.#plan(true),
          },
          t('programme.board.preview'),
        ),
        h(
          'button',
          { type: 'button', class: 'button', id: 'plan-apply', onclick: () => this.#plan(false) },
          t('programme.board.place'),
        ),
        model.confirming === `publish-week-${week}`
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary',
                id: `publish-week-${week}`,
                'aria-describedby': 'plan-title',
                onclick: () => {
                  model.confirming = `publish-week-${week}`;
                  this.repaint({ focus: `#publish-question-week-${week}` });
                },
              },
              t('programme.board.publish'),
            ),
      ),
      model.confirming === `publish-week-${week}`
        ? confirmQuestion({
            id: `publish-question-week-${week}`,
            text: this.#publishQuestion(model, zone, lang),
            confirm: t('programme.board.publish_confirm', { number: week }),
            cancel: t('programme.board.cancel'),
            confirmId: `publish-confirm-week-${week}`,
            cancelId: `publish-cancel-week-${week}`,
            onConfirm: () => this.#publish(),
            onCancel: () => {
              model.confirming = null;
              this.repaint({ focus: `#publish-week-${week}` });
            },
          })
        : null,
      model.plan ? this.#planResult(model, model.plan, zone, lang) : null,
      model.published
        ? h(
            'p',
            { id: 'publish-result', class: 'callout', tabindex: '-1' },
            model.published.sessions.length === 0
              ? t('programme.board.nothing_to_publish', { number: model.published.week.number })
              : t('programme.board.published', {
                  number: model.published.week.number,
                  count: model.published.sessions.length,
                }),
          )
        : null,
    );
  }

  /** What publishing now means: before the deadline, or with provinces still owing
   * their session, it says so (their sessions would need publishing again later). */
  #publishQuestion(model, zone, lang) {
    const { week, rows } = model.board;
    const params = {
      number: week.number,
      time: formatInstant(week.due_at, zone, lang),
      zone: zoneLabel(zone, lang),
      missing: rows.filter((r) => !SUBMITTED.has(r.status)).length,
      total: rows.length,
    };
    const early = Date.now() < new Date(week.due_at).getTime();
    if (early && params.missing > 0) return t('programme.board.publish_ask_early_missing', params);
    if (early) return t('programme.board.publish_ask_early', params);
    if (params.missing > 0) return t('programme.board.publish_ask_missing', params);
    return t('programme.board.publish_ask', params);
  }

  #planResult(model, plan, zone, lang) {
    const names = new Map(model.board.rows.map((r) => [r.venue_id, pick(r, 'name', lang)]));
    const slot = (s) => this.#slotText(model, s, zone, lang);
    return h(
      'div',
      { id: 'plan-result', class: 'plan-result' },
      h(
        'h3',
        { id: 'plan-result-title', tabindex: '-1' },
        plan.applied ? t('programme.board.placed_title') : t('programme.board.preview_title'),
      ),
      plan.placed.length === 0 && plan.conflicts.length === 0
        ? h('p', {}, t('programme.board.nothing_to_place'))
        : null,
      plan.placed.length > 0
        ? h(
            'ol',
            { class: 'plan-placed', id: 'plan-placed' },
            plan.placed.map((s) =>
              h(
                'li',
                { dataset: { session: s.id } },
                h('a', { href: `/sessions/${s.id}` }, s.title),
                ' (',
                names.get(s.venue_id) ?? '',
                ') ',
                h('span', { class: 'hint' }, slot(s)),
              ),
            ),
          )
        : null,
      plan.conflicts.length > 0
        ? [
            h('h4', {}, t('programme.board.conflicts')),
            h(
              'ul',
              { class: 'plan-conflicts', id: 'plan-conflicts' },
              plan.conflicts.map((c) =>
                h(
                  'li',
                  { dataset: { session: c.session_id } },
                  h('strong', {}, c.title),
                  ' ',
                  c.placed
                    ? t('programme.board.conflict_moved')
                    : t('programme.board.conflict_unplaced'),
                  h(
                    'ul',
                    {},
                    c.clashes.map((clash) => h('li', {}, clash.message)),
                  ),
                  c.proposals.length > 0
                    ? h(
                        'p',
                        { class: 'hint' },
                        t('programme.board.proposals', {
                          slots: c.proposals.map(slot).join(t('programme.board.separator')),
                        }),
                      )
                    : null,
                ),
              ),
            ),
          ]
        : null,
    );
  }

  async #plan(dryRun) {
    const model = this.model;
    try {
      model.plan = await api(`${fairPath(model.fairId)}/weeks/${model.board.week.number}/plan`, {
        method: 'POST',
        body: { move: true, dry_run: dryRun },
      });
      model.published = null;
      if (dryRun) {
        model.failure = null;
        this.repaint({ focus: '#plan-result-title' });
      } else {
        await this.#reload({ focus: '#plan-result-title' });
      }
      announce(
        dryRun
          ? t('programme.board.previewed', { count: model.plan.placed.length })
          : t('programme.board.placed', { count: model.plan.placed.length }),
      );
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#board-failure' });
    }
  }

  async #publish() {
    const model = this.model;
    model.confirming = null;
    try {
      model.published = await api(
        `${fairPath(model.fairId)}/weeks/${model.board.week.number}/publish`,
        { method: 'POST' },
      );
      model.plan = null;
      await this.#reload({ focus: '#publish-result' });
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#board-failure' });
    }
  }

  // -- the report ----------------------------------------------------------------------

  #report(model) {
    const base = `${fairPath(model.fairId)}/submissions/report?week=${model.board.week.number}`;
    return h(
      'section',
      { 'aria-labelledby': 'report-title' },
      h('h2', { id: 'report-title' }, t('programme.board.report_title')),
      h('p', {}, t('programme.board.report_intro')),
      h(
        'ul',
        { class: 'report-links' },
        h(
          'li',
          {},
          h(
            'a',
            { href: `${base}&format=csv`, download: '', id: 'report-csv' },
            t('programme.board.report_csv', { number: model.board.week.number }),
          ),
        ),
        h(
          'li',
          {},
          h(
            'a',
            { href: `${base}&format=xlsx`, download: '', id: 'report-xlsx' },
            t('programme.board.report_xlsx', { number: model.board.week.number }),
          ),
        ),
      ),
    );
  }
}

customElements.define('lf-submission-board-page', SubmissionBoardPage);
