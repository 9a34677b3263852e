// A sub-venue's featured sessions (/manage/venues/<id>/sessions), for its admins and the
// organisers: the countdown to the deadline of the week now open for submission, the
// venue's sessions by week with their state (a returned one with the organisers'
// reason), and the form that drafts, edits and submits one (docs/programme.md).
//
// "Submit" saves and submits in one request (`submit: true` on create or update), so a
// refusal (deadline passed, week already submitted) shows in the form's summary and
// writes nothing: no stray draft. The form offers the weeks still open for submission
// and those with a late window the organisers opened for this venue, less the weeks
// that already have a submitted session. Preferred times are typed as wall times of the
// fair's zone and sent with that zone's UTC offset.

import { api } from '../api.js';
import { LivePage } from '../components/live-page.js';
import { KEY_GROUPS, keyGroupText } from '../components/job-text.js';
import { REGIONS, regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { INDUSTRIES, industryText } from '../components/structure-text.js';
import { loadVenueAdmin, venueHeading, venueTabs, venueTitle } from '../components/venue-admin.js';
import { formatInstant, instantNode } from '../components/when.js';
import {
  FormModel,
  checkboxes,
  field,
  formNode,
  input,
  missing,
  numberOrText,
  select,
} from '../components/form.js';
import { announce } from '../notices.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { formatDateRange, instantToWall, wallToInstant, zoneLabel } from '../lib/time.js';

const CATEGORIES = ['enterprise_staffing', 'key_groups', 'hubei_cooperation', 'other'];
const FOCUSES = ['industry', 'trade', 'shortage'];
const HUBEI = '420000';
const TIMES = 5; // preferred times a session may give (the API's limit)
const EDITABLE = ['draft', 'returned'];
const CANCELLABLE = ['draft', 'submitted', 'returned', 'approved', 'scheduled'];
const MINUTE_MS = 60000;
// States in which a session holds its week: another cannot be submitted for it.
const HOLDS_WEEK = ['submitted', 'approved', 'scheduled', 'lobby', 'live', 'ended'];

/** The weeks the venue has a session in, other than `except` (the one being edited). */
function takenWeeks(model, except = null) {
  return new Set(
    model.sessions
      .filter((s) => s.id !== except?.id && HOLDS_WEEK.includes(s.state))
      .map((s) => s.week),
  );
}

/** The late windows still open now (the API lists those open when the page loaded). */
function lateWindows(model, now = Date.now()) {
  return model.lateWindows.filter((w) => new Date(w.until).getTime() > now);
}

/** Weeks a new session may be submitted for: the open one and after, and the weeks
 * with a late window, less those already submitted; editing keeps the session's week. */
function offeredWeeks(model, editing) {
  const open = model.weeks.open_for_submission;
  const late = new Set(lateWindows(model).map((w) => w.week));
  const taken = takenWeeks(model, editing);
  return model.weeks.weeks.filter(
    (w) =>
      w.number === editing?.week ||
      (!taken.has(w.number) && ((open !== null && w.number >= open) || late.has(w.number))),
  );
}

function sessionValues(week, zone, session = null) {
  const times = (session?.private?.preferred_times ?? []).map((at) => instantToWall(at, zone));
  return {
    week: String(session?.week ?? week ?? 1),
    title: session?.title ?? '',
    description: session?.description ?? '',
    category: session?.category ?? '',
    staffing_focus: session?.staffing_focus ?? '',
    target_groups: session?.target_groups ?? [],
    partner_region: session?.partner_region ?? '',
    industries: session?.industries ?? [],
    duration_minutes: String(session?.duration_minutes ?? 90),
    expected_audience: String(session?.expected_audience ?? 0),
    preferred_times: Array.from({ length: TIMES }, (_, i) => times[i] ?? ''),
    hosts: session?.private?.hosts ?? [],
  };
}

/** The request's fields. Blank preferred times move to the end of the form first, so
 * that the API's pointers (/preferred_times/<n>) name the inputs on screen. */
function sessionBody(values, zone) {
  const filled = values.preferred_times.filter((text) => text.trim() !== '');
  values.preferred_times = [...filled, ...Array(TIMES - filled.length).fill('')];
  return {
    week: numberOrText(values.week),
    title: values.title.trim(),
    description: values.description.trim(),
    category: values.category,
    staffing_focus:
      values.category === 'enterprise_staffing' ? values.staffing_focus || null : null,
    target_groups: values.target_groups,
    partner_region:
      values.category === 'hubei_cooperation' ? values.partner_region || null : null,
    industries: [...values.industries].sort(),
    duration_minutes: numberOrText(values.duration_minutes),
    expected_audience: numberOrText(values.expected_audience),
    // An unreadable time goes as typed: the API names it (time.no_offset).
    preferred_times: filled.map((text) => wallToInstant(text, zone) ?? text),
    hosts: values.hosts,
  };
}

function stateBadge(state) {
  const tone =
    { returned: 'badge-urgent', draft: 'badge-wait', cancelled: 'badge-muted' }[state] ??
    'badge-ok';
  return h(
    'span',
    { class: `badge ${tone}`, 'data-state': state },
    tCode('programme.state.', state, 'programme.state.unknown'),
  );
}

/** "2 days 5 hours" / "5 hours 12 minutes" / "12 minutes" until `due` from `now`. */
function timeLeft(due, now) {
  const minutes = Math.max(0, Math.floor((new Date(due).getTime() - now) / MINUTE_MS));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t('programme.countdown.days', { days, hours });
  if (hours > 0) return t('programme.countdown.hours', { hours, minutes: minutes % 60 });
  return t('programme.countdown.minutes', { minutes });
}

class ManageVenueSessionsPage extends LivePage {
  #ticker = null;

  async load(signal) {
    const model = await loadVenueAdmin(this.params.id);
    if (!model.account || model.venue.kind !== 'sub') return model;
    const fair = encodeURIComponent(model.fair.id);
    const venue = encodeURIComponent(model.venue.id);
    const [weeks, sessions, staff] = await Promise.all([
      api(`/api/fairs/${fair}/weeks`, { signal }),
      api(`/api/venues/${venue}/featured-sessions`, { signal }),
      api(`/api/venues/${venue}/staff`, { signal }),
    ]);
    const people = new Map();
    for (const member of staff.items) {
      if (!people.has(member.account_id)) people.set(member.account_id, member);
    }
    Object.assign(model, {
      weeks,
      sessions: sessions.items,
      lateWindows: sessions.late_windows,
      people: [...people.values()],
      editing: null,
      cancelling: null,
      form: null,
      cancelForms: new Map(),
    });
    model.form = this.#newForm(model);
    await this.#loadBoard(model, signal);
    return model;
  }

  /** The board's row of this venue for the week now open: late window, overdue. */
  async #loadBoard(model, signal) {
    const fair = encodeURIComponent(model.fair.id);
    const board = await api(`/api/fairs/${fair}/submissions`, { signal });
    model.board = board.rows.find((row) => row.venue_id === model.venue.id) ?? null;
    model.boardWeek = board.week;
  }

  #newForm(model, session = null) {
    // The open week first, unless it is already submitted: then the first week offered.
    const offered = offeredWeeks(model, session).map((w) => w.number);
    const open = model.weeks.open_for_submission;
    const week = offered.includes(open) ? open : (offered.find((n) => n > open) ?? offered[0]);
    const form = new FormModel(
      'session-form',
      sessionValues(week ?? open, model.weeks.time_zone, session),
    );
    form.intent = 'save';
    model.editing = session;
    return form;
  }

  connectedCallback() {
    super.connectedCallback();
    if (!this.#ticker) this.#ticker = setInterval(() => this.#tick(), MINUTE_MS);
  }

  disconnectedCallback() {
    clearInterval(this.#ticker);
    this.#ticker = null;
    super.disconnectedCallback();
  }

  /** Only the time left changes each minute; the form keeps its focus and text. */
  #tick() {
    const node = this.querySelector('#countdown-left');
    const due = node?.dataset.due;
    if (due) node.textContent = timeLeft(due, Date.now());
  }

  heading(model) {
    return venueHeading(model, t('programme.submit.tab'));
  }

  title(model) {
    return venueTitle(model, t('programme.submit.tab'));
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const tabs = venueTabs(model.venue, 'sessions');
    if (model.venue.kind !== 'sub') {
      return [tabs, h('p', { class: 'callout' }, t('programme.submit.main_venue'))];
    }
    return [tabs, this.#countdown(model), this.#list(model), this.#formSection(model)];
  }

  #countdown(model) {
    const lang = language();
    const zone = model.weeks.time_zone;
    const open = model.weeks.weeks.find((w) => w.number === model.weeks.open_for_submission);
    const row = model.board;
    const content = [];
    if (!open) {
      content.push(h('p', {}, t('programme.countdown.closed')));
    } else {
      const mine = model.sessions.find((s) => s.week === open.number && s.state !== 'cancelled');
      const owing = !row || ['missing', 'draft', 'returned'].includes(row.status);
      content.push(
        h(
          'p',
          { class: 'countdown-week' },
          t('programme.countdown.week', {
            number: open.number,
            dates: formatDateRange(open.first_day, open.last_day, zone, lang, 'day'),
          }),
        ),
        h(
          'p',
          {},
          t('programme.countdown.due'),
          ' ',
          h('strong', {}, instantNode(open.due_at, zone, lang)),
        ),
      );
      if (row?.overdue) {
        content.push(
          h('p', { class: 'countdown-left', id: 'countdown-left' }, t('programme.countdown.overdue')),
        );
      } else if (row?.late_until && Date.now() >= new Date(open.due_at).getTime()) {
        content.push(
          h(
            'p',
            { class: 'countdown-left', id: 'countdown-left' },
            t('programme.countdown.late_until'),
            ' ',
            instantNode(row.late_until, zone, lang),
          ),
        );
      } else if (owing) {
        content.push(
          h(
            'p',
            {},
            t('programme.countdown.left'),
            ' ',
            h(
              'strong',
              { class: 'countdown-left', id: 'countdown-left', dataset: { due: open.due_at } },
              timeLeft(open.due_at, Date.now()),
            ),
          ),
        );
      }
      content.push(
        h(
          'p',
          { id: 'countdown-status' },
          mine
            ? [t('programme.countdown.yours', { title: mine.title }), ' ', stateBadge(mine.state)]
            : t('programme.countdown.missing'),
        ),
      );
    }
    return h(
      'section',
      { 'aria-labelledby': 'countdown-title', class: 'callout', id: 'countdown' },
      h('h2', { id: 'countdown-title' }, t('programme.countdown.title')),
      h('p', { class: 'hint' }, t('programme.countdown.zone', { zone: zoneLabel(zone, lang) })),
      content,
      this.#lateWindows(model, open?.number),
    );
  }

  /** The late windows the organisers opened for this venue for other weeks than the
   * open one (whose own window the board's row tells above): which week, until when,
   * and whether its session is in. */
  #lateWindows(model, openNumber) {
    const lang = language();
    const zone = model.weeks.time_zone;
    const windows = lateWindows(model).filter((w) => w.week !== openNumber);
    if (windows.length === 0) return null;
    return [
      h('h3', { id: 'late-windows-title' }, t('programme.countdown.late_title')),
      windows.map((window) => {
        const week = model.weeks.weeks.find((w) => w.number === window.week);
        const mine = model.sessions.find(
          (s) => s.week === window.week && HOLDS_WEEK.includes(s.state),
        );
        return h(
          'div',
          { class: 'late-window', id: `late-window-${window.week}` },
          h(
            'p',
            {},
            h(
              'strong',
              {},
              t('programme.countdown.late_week', {
                number: window.week,
                dates: week
                  ? formatDateRange(week.first_day, week.last_day, zone, lang, 'day')
                  : '',
              }),
            ),
            ' ',
            instantNode(window.until, zone, lang),
          ),
          h(
            'p',
            {},
            mine
              ? [
                  t('programme.countdown.late_yours', { number: window.week, title: mine.title }),
                  ' ',
                  stateBadge(mine.state),
                ]
              : t('programme.countdown.late_missing', { number: window.week }),
          ),
        );
      }),
    ];
  }

  #list(model) {
    const byWeek = new Map();
    for (const session of model.sessions) {
      if (!byWeek.has(session.week)) byWeek.set(session.week, []);
      byWeek.get(session.week).push(session);
    }
    return h(
      'section',
      { 'aria-labelledby': 'sessions-title' },
      h('h2', { id: 'sessions-title' }, t('programme.submit.sessions')),
      byWeek.size === 0
        ? h('p', { class: 'hint', id: 'sessions-empty' }, t('programme.submit.none'))
        : [...byWeek.entries()].map(([week, sessions]) =>
            h(
              'section',
              { 'aria-labelledby': `sessions-week-${week}` },
              h('h3', { id: `sessions-week-${week}` }, t('programme.week', { number: week })),
              h(
                'ul',
                { class: 'cards' },
                sessions.map((s) => this.#card(model, s)),
              ),
            ),
          ),
    );
  }

  #card(model, session) {
    const titleId = `session-${session.id}-title`;
    const actions = [];
    if (EDITABLE.includes(session.state)) {
      actions.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `edit-${session.id}`,
            'aria-describedby': titleId,
            onclick: () => {
              model.form = this.#newForm(model, session);
              this.repaint({ focus: '#session-form-title' });
            },
          },
          t('programme.submit.edit'),
        ),
      );
    }
    if (CANCELLABLE.includes(session.state) && model.cancelling !== session.id) {
      actions.push(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `cancel-${session.id}`,
            'aria-describedby': titleId,
            onclick: () => {
              model.cancelling = session.id;
              this.repaint({ focus: `#cancel-${session.id}-reason` });
            },
          },
          t('programme.submit.cancel'),
        ),
      );
    }
    const reason = session.private?.return_reason;
    return h(
      'li',
      { class: 'card', dataset: { session: session.id, state: session.state } },
      h('h4', { class: 'card-title', id: titleId, tabindex: '-1' }, session.title),
      h('p', { class: 'badges' }, stateBadge(session.state)),
      session.state === 'returned' && reason
        ? h(
            'div',
            { class: 'callout callout-wait', id: `session-${session.id}-returned` },
            h('p', {}, h('strong', {}, t('programme.submit.returned'))),
            h('p', {}, reason),
          )
        : null,
      session.state === 'cancelled' && session.private?.cancel_reason
        ? h('p', {}, t('programme.submit.cancelled', { reason: session.private.cancel_reason }))
        : null,
      h(
        'p',
        { class: 'card-meta' },
        tCode('programme.category.', session.category, 'programme.category.unknown'),
      ),
      actions.length > 0 ? h('div', { class: 'actions' }, actions) : null,
      model.cancelling === session.id ? this.#cancelForm(model, session) : null,
    );
  }

  #cancelForm(model, session) {
    if (!model.cancelForms.has(session.id)) {
      model.cancelForms.set(session.id, new FormModel(`cancel-${session.id}`, { reason: '' }));
    }
    const form = model.cancelForms.get(session.id);
    return formNode(form, {
      label: t('programme.submit.cancel_confirm'),
      repaint: (options) => this.repaint(options),
      check: (values) => missing(values, ['reason']),
      content: () => [
        field(form, {
          name: 'reason',
          label: t('programme.submit.cancel_reason'),
          control: input(form, 'reason', { multiline: true, rows: 2, maxlength: 500 }),
        }),
      ],
      actions: [
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `cancel-${session.id}-keep`,
            onclick: () => {
              model.cancelling = null;
              this.repaint({ focus: `#cancel-${session.id}` });
            },
          },
          t('programme.submit.keep'),
        ),
      ],
      submit: async (values) => {
        const done = await api(`/api/featured-sessions/${session.id}/cancel`, {
          method: 'POST',
          body: { reason: values.reason.trim() },
        });
        model.cancelling = null;
        model.cancelForms.delete(session.id);
        if (model.editing?.id === session.id) model.form = this.#newForm(model);
        this.#replace(model, done);
        await this.#loadBoard(model);
        announce(t('programme.submit.cancel_done', { title: done.title }));
        this.repaint({ focus: `#session-${done.id}-title` });
      },
    });
  }

  #replace(model, session) {
    const index = model.sessions.findIndex((s) => s.id === session.id);
    if (index >= 0) model.sessions[index] = session;
    else model.sessions.push(session);
    model.sessions.sort((a, b) => a.week - b.week);
  }

  #formSection(model) {
    const form = model.form;
    const editing = model.editing;
    return h(
      'section',
      { 'aria-labelledby': 'session-form-heading' },
      h(
        'h2',
        { id: 'session-form-heading' },
        editing ? t('programme.submit.editing', { title: editing.title }) : t('programme.submit.new'),
      ),
      formNode(form, {
        label: t('programme.submit.save'),
        repaint: (options) => this.repaint(options),
        // No check here: the API names every bad field at once, a blank one as required.
        content: () => this.#fields(model, form),
        actions: [
          h(
            'button',
            {
              type: 'submit',
              class: 'button',
              id: 'session-form-send',
              onclick: () => {
                form.intent = 'submit';
              },
            },
            t('programme.submit.send'),
          ),
          editing
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'button button-secondary',
                  id: 'session-form-new',
                  onclick: () => {
                    model.form = this.#newForm(model);
                    this.repaint({ focus: '#session-form-heading' });
                  },
                },
                t('programme.submit.start_new'),
              )
            : null,
        ],
        submit: (values) => this.#save(model, form, values),
      }),
    );
  }

  async #save(model, form, values) {
    const send = form.intent === 'submit';
    form.intent = 'save';
    const body = { ...sessionBody(values, model.weeks.time_zone), submit: send };
    // One request: a refused submission writes nothing (the form keeps what was typed).
    const session = model.editing
      ? await api(`/api/featured-sessions/${model.editing.id}`, { method: 'PATCH', body })
      : await api(`/api/venues/${model.venue.id}/featured-sessions`, { method: 'POST', body });
    this.#replace(model, session);
    model.form = this.#newForm(model);
    await this.#loadBoard(model);
    const params = { title: session.title };
    announce(send ? t('programme.submit.sent', params) : t('programme.submit.saved', params));
    this.repaint({ focus: `#session-${session.id}-title` });
  }

  #fields(model, form) {
    const lang = language();
    const zone = model.weeks.time_zone;
    const values = form.values;
    // A late week (before the open one) says until when it may still be submitted.
    const open = model.weeks.open_for_submission ?? Infinity;
    const late = new Map(
      lateWindows(model)
        .filter((w) => w.week < open)
        .map((w) => [w.week, w.until]),
    );
    const weeks = offeredWeeks(model, model.editing);
    const redraw = (control) => {
      control.addEventListener('change', () => this.repaint());
      return control;
    };
    const choose = (options) => [{ value: '', label: t('programme.form.choose') }, ...options];
    const own = model.venue.region_code;
    const partners = REGIONS.filter(
      (r) => r.code !== own && (own === HUBEI || r.code === HUBEI),
    );
    const people = new Map(model.people.map((p) => [p.account_id, p]));
    const hostOptions = [
      ...model.people.map((p) => ({
        value: p.account_id,
        label: p.display_name,
        hint: tCode('programme.role.', p.role, 'programme.role.unknown'),
      })),
      ...values.hosts
        .filter((id) => !people.has(id))
        .map((id) => ({ value: id, label: t('programme.form.host_other', { id }) })),
    ];
    return [
      field(form, {
        name: 'week',
        label: t('programme.form.week'),
        control: select(
          form,
          'week',
          weeks.map((w) => {
            const params = {
              number: w.number,
              dates: formatDateRange(w.first_day, w.last_day, zone, lang, 'day'),
            };
            const until = late.get(w.number);
            return {
              value: String(w.number),
              label: until
                ? t('programme.form.week_option_late', {
                    ...params,
                    until: formatInstant(until, zone, lang),
                  })
                : t('programme.form.week_option', params),
            };
          }),
        ),
      }),
      field(form, {
        name: 'title',
        label: t('programme.form.title'),
        control: input(form, 'title', { maxlength: 100, autocomplete: 'off' }),
      }),
      field(form, {
        name: 'description',
        label: t('programme.form.description'),
        control: input(form, 'description', { multiline: true, rows: 4, maxlength: 4000 }),
      }),
      field(form, {
        name: 'category',
        label: t('programme.form.category'),
        control: redraw(
          select(
            form,
            'category',
            choose(
              CATEGORIES.map((value) => ({
                value,
                label: tCode('programme.category.', value, 'programme.category.unknown'),
              })),
            ),
          ),
        ),
      }),
      values.category === 'enterprise_staffing'
        ? field(form, {
            name: 'staffing_focus',
            label: t('programme.form.staffing_focus'),
            control: select(
              form,
              'staffing_focus',
              choose(
                FOCUSES.map((value) => ({
                  value,
                  label: tCode('programme.focus.', value, 'programme.focus.unknown'),
                })),
              ),
            ),
          })
        : null,
      values.category === 'hubei_cooperation'
        ? field(form, {
            name: 'partner_region',
            label: t('programme.form.partner_region'),
            control: select(
              form,
              'partner_region',
              choose(partners.map((r) => ({ value: r.code, label: regionName(r.code, lang) }))),
            ),
          })
        : null,
      checkboxes(form, {
        name: 'target_groups',
        legend:
          values.category === 'key_groups'
            ? t('programme.form.target_groups_required')
            : t('programme.form.target_groups'),
        options: KEY_GROUPS.map((value) => ({ value, label: keyGroupText(value) })),
      }),
      h(
        'details',
        { class: 'fieldset-details', open: values.industries.length > 0 },
        h('summary', {}, t('programme.form.industries')),
        checkboxes(form, {
          name: 'industries',
          legend: t('programme.form.industries'),
          options: INDUSTRIES.map((code) => ({ value: code, label: `${code} ${industryText(code)}` })),
        }),
      ),
      h(
        'div',
        { class: 'field-row' },
        field(form, {
          name: 'duration_minutes',
          label: t('programme.form.duration'),
          control: input(form, 'duration_minutes', {
            type: 'number',
            inputmode: 'numeric',
            min: 15,
            max: 480,
            step: 15,
            class: 'input-short',
          }),
        }),
        field(form, {
          name: 'expected_audience',
          label: t('programme.form.audience'),
          control: input(form, 'expected_audience', {
            type: 'number',
            inputmode: 'numeric',
            min: 0,
            class: 'input-short',
          }),
        }),
      ),
      checkboxes(form, {
        name: 'hosts',
        legend: t('programme.form.hosts'),
        options: hostOptions,
        empty: t('programme.form.no_staff'),
      }),
      this.#times(form, zone, lang),
    ];
  }

  #times(form, zone, lang) {
    return h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', {}, t('programme.form.times')),
      h(
        'p',
        { class: 'hint' },
        t('programme.form.times_hint', { zone: zoneLabel(zone, lang), count: TIMES }),
      ),
      form.values.preferred_times.map((text, i) => {
        const control = h('input', {
          type: 'datetime-local',
          id: `session-form-time-${i}`,
          name: `preferred_time_${i}`,
        });
        control.value = text;
        control.addEventListener('input', () => {
          form.values.preferred_times[i] = control.value;
        });
        return field(form, {
          name: `time-${i}`,
          pointer: `/preferred_times/${i}`,
          label: t('programme.form.time', { number: i + 1, zone: zoneLabel(zone, lang) }),
          control,
        });
      }),
    );
  }
}

customElements.define('lf-manage-venue-sessions-page', ManageVenueSessionsPage);
