// The booth console (/booths/<id>/console), for the booth's staff: follow
// booth:<id>:staff (the roster as ids, states, passes, how long each has waited and the
// flags "reconnecting" and "in a call elsewhere", and every staff member's status), set
// oneself available or paused, open, pause or close the booth's line, call the next
// candidate (or one waiting, again), remove someone from the line with a reason, and
// complete the current interview; hand a candidate off after an interview and take only
// handoffs (components/booth-handoff.js); see the day's bookings
// (components/booth-bookings.js). Becoming available needs this page's subscription
// first (the server checks presence on the topic), so those buttons wait for the
// snapshot. Join times show in the fair's zone (北京时间). API errors show by their code.
// The booth's settings (reservations, key-group lane) are the next tab's
// (pages/booth-settings.js).
//
// When the candidate accepts a call this console made, the recruiter is taken into the
// interview room (components/console-call.js says which console, and when not: another
// tab, a colleague's console, a snapshot, a removal's reason being written — those keep
// the announcement and the current call's link).
//
// Layout: from WIDE up two columns — the desk (my status, the current call, handoff and
// the line's open/pause/close) beside the roster and the bookings; below it one column.
// The line's status sits at the desk's foot when wide and after the bookings when
// narrow: the element moves in the DOM (not only on screen) so that the keyboard's
// order stays the order one sees.

import { api, errorMessage } from '../api.js';
import { currentFair } from '../fair.js';
import { boothName } from '../components/structure-text.js';
import {
  handoffModel,
  handoffSection,
  onStaffFrame,
  onlyHandoffsSwitch,
  rosterNotes,
} from '../components/booth-handoff.js';
import { candidateSummary } from '../components/candidate-summary.js';
import {
  answered,
  callEnded,
  onRosterTicket,
  onSnapshot,
  ringLeft,
  startCall,
} from '../components/console-call.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { boothTabs } from '../components/queue-stats.js';
import { formatInstant } from '../components/when.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';
import { me } from '../session.js';
import { subscribe, unsubscribe } from '../stream.js';
import { announce } from '../notices.js';
import '../components/booth-bookings.js';
import '../components/booth-line-status.js';

const ENDED = new Set(['done', 'left', 'expired', 'removed']);
// Whom the roster may call by name: anyone in line (audited), or an interrupted
// interview again.
const CALLABLE = new Set(['waiting', 'notified', 'interrupted']);
// Where the two columns start: the same width as .console-desk's in styles/shell.css.
const WIDE = '(min-width: 60rem)';
const PRIORITY = { reservation: 0, handoff: 1, walk_in: 2 };

/** The roster in call order: class, key within the class, id. */
function byCallOrder(a, b) {
  const pa = PRIORITY[a.kind] ?? 2;
  const pb = PRIORITY[b.kind] ?? 2;
  if (pa !== pb) return pa - pb;
  if (a.call_key !== b.call_key) return a.call_key - b.call_key;
  return a.ticket_id < b.ticket_id ? -1 : a.ticket_id > b.ticket_id ? 1 : 0;
}

function short(id) {
  return String(id).slice(-8);
}

/** Whole minutes since `since` by the server's clock (`skew`: server minus local, ms). */
function minutesSince(since, skew) {
  return Math.max(0, Math.floor((Date.now() + skew - Date.parse(since)) / 60000));
}

class BoothConsolePage extends LivePage {
  #subscription = null;
  #ticker = null;
  #ringTicker = null; // counts the ring of this console's call down, once a second
  #wide = null; // a MediaQueryList for WIDE, while staff use the page
  #onWide = () => this.repaint();

  async load(signal) {
    const [booth, fair, account] = await Promise.all([
      api(`/api/booths/${encodeURIComponent(this.params.id)}`, { signal }),
      currentFair().catch(() => null),
      me().catch(() => null),
    ]);
    const staff = Boolean(account) && booth.staff.some((m) => m.account_id === account.id);
    const model = {
      booth,
      fair,
      account,
      staff,
      roster: null, // [roster tickets] once the snapshot arrives
      statuses: new Map(), // account id → status
      error: null,
      busy: false,
      skew: 0, // server clock minus this browser's, from the snapshot
      hand: handoffModel(booth.id),
      removal: null, // { id, reason, missing } while a removal's reason is written
      summaries: new Map(), // candidate id → an opened profile (components/candidate-summary.js)
      calling: null, // the call this console made, while it rings (components/console-call.js)
      ring: null, // { ticketId, until } (until: ms, this browser's clock) of that call's ring
    };
    if (staff) {
      this.#wide = window.matchMedia(WIDE);
      this.#wide.addEventListener('change', this.#onWide);
      // Waits are shown in whole minutes: redraw once a minute so they keep counting.
      this.#ticker = setInterval(() => this.repaint(), 60000);
      // Only the countdown's text: a repaint a second would be heavy for screen readers.
      this.#ringTicker = setInterval(() => this.#countDown(model), 1000);
      this.#subscription = subscribe(`booth:${booth.id}:staff`, null, (frame) =>
        this.#onFrame(model, frame),
      );
    }
    return model;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.#subscription) unsubscribe(this.#subscription);
    this.#subscription = null;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    if (this.#ringTicker) clearInterval(this.#ringTicker);
    this.#ringTicker = null;
    this.#wide?.removeEventListener('change', this.#onWide);
    this.#wide = null;
  }

  #onFrame(model, frame) {
    this.#bookings(model).onStaffFrame(frame); // it repaints itself
    this.#lineStatus(model).onStaffFrame(frame); // so does the line's status
    if (onStaffFrame(model, frame, model.account.id)) {
      this.repaint();
      return;
    }
    const me = model.account.id;
    if (frame.op === 'snapshot') {
      model.roster = frame.data.roster;
      model.statuses = new Map(frame.data.staff.map((s) => [s.account_id, s.status]));
      if (frame.data.now) model.skew = Date.parse(frame.data.now) - Date.now();
      const draft = Boolean(model.removal?.reason.trim());
      const made = model.calling?.id;
      const { calling, action } = onSnapshot(model.calling, { roster: model.roster, me, draft });
      model.calling = calling;
      if (this.#follow(action, made)) return;
    } else if (frame.op === 'error') {
      model.error = { code: frame.code };
    } else if (frame.op === 'event' && frame.type === 'roster.ticket') {
      const ticket = frame.data.ticket;
      const before = (model.roster ?? []).find((x) => x.ticket_id === ticket.ticket_id);
      const rest = (model.roster ?? []).filter((x) => x.ticket_id !== ticket.ticket_id);
      if (!ENDED.has(ticket.state)) rest.push({ ...before, ...ticket }); // flags stay
      rest.sort(byCallOrder);
      model.roster = rest;
      // A removal's reason half written stays: leaving would throw it away.
      const draft = Boolean(model.removal?.reason.trim());
      const { calling, action } = onRosterTicket(model.calling, { before, ticket, me, draft });
      model.calling = calling;
      this.#onCallEnd(model, before, ticket);
      if (this.#follow(action, ticket.ticket_id)) return;
    } else if (frame.op === 'event' && frame.type === 'roster.flags') {
      const { ticket_id: id, ...flags } = frame.data;
      model.roster = (model.roster ?? []).map((x) => (x.ticket_id === id ? { ...x, ...flags } : x));
    } else if (frame.op === 'event' && frame.type === 'staff.status') {
      model.statuses.set(frame.data.account_id, frame.data.status);
    } else {
      return;
    }
    this.repaint();
  }

  /** Do what components/console-call.js decided about an accepted call (`ticketId`);
   * true when the page is left for the interview room. */
  #follow(action, ticketId) {
    if (action === 'enter') {
      // Said on the room's page: the shell clears the status area on the way there.
      go(`/interviews/${ticketId}`, { notice: () => t('queue.console.taken_to_room') });
      return true;
    }
    // The recruiter who called is waiting for this: said, not only shown.
    if (action === 'hold') announce(t('queue.console.accepted_held'));
    if (action === 'say') announce(t('queue.console.accepted'));
    return false;
  }

  /** My ringing call declined, unanswered, left or removed: said, not only gone. */
  #onCallEnd(model, before, ticket) {
    const ring = model.ring?.ticketId === ticket.ticket_id ? model.ring : null;
    if (ring && ticket.state !== 'called') model.ring = null;
    const ended = callEnded({ before, ticket, me: model.account.id, ringUntil: ring?.until });
    if (!ended) return;
    const opened = model.summaries.get(ticket.candidate_id)?.card?.name;
    const who = opened || t('queue.console.who', { id: short(ticket.candidate_id) });
    const reason = tCode('queue.console.ended.', ended.how, 'queue.console.ended.missed', { who });
    if (ended.passes === undefined) {
      announce(reason); // left or removed: the call is over, there is no pass
      return;
    }
    const outcome = ended.expired
      ? t('queue.console.ended.expired', { passes: ended.passes })
      : t('queue.console.ended.kept', { passes: ended.passes, max: ended.max });
    announce(t('queue.console.ended.sentence', { reason, outcome }));
  }

  /** The ring's seconds left, in place (see #ringTicker). */
  #countDown(model) {
    const shown = model.ring && this.querySelector('#console-ring');
    if (!shown) return;
    shown.textContent = t('queue.console.ringing_left', { seconds: ringLeft(model.ring.until) });
  }

  heading({ booth }) {
    return t('queue.console.title', { booth: boothName(booth) });
  }

  async #act(path, options, focus = null, then = null) {
    const model = this.model;
    model.busy = true;
    model.error = null;
    this.repaint();
    try {
      const result = await api(path, options);
      then?.(result);
    } catch (error) {
      model.error = error;
    }
    model.busy = false;
    this.repaint({ focus: model.error ? '#console-error' : focus });
  }

  /** Call a candidate (`ticketId`) or the next one, remembering the call as this console's. */
  async #call(path, ticketId = null) {
    const model = this.model;
    model.calling = startCall(ticketId);
    await this.#act(path, { method: 'POST' }, '#console-call-title', (called) => {
      model.calling = answered(model.calling, called);
      // The server's ring_until on this browser's clock (the snapshot's skew).
      const until = called?.ring_until ? Date.parse(called.ring_until) - model.skew : null;
      model.ring = until === null ? null : { ticketId: called.ticket_id, until };
    });
    if (model.error) model.calling = null;
  }

  /** An ApiError, or a refused subscription ({ code } from the stream). */
  #errorText(error) {
    if (error.localised) return errorMessage(error);
    return tCode('errors.code.', error.code, 'errors.code.unknown', { status: 0 });
  }

  #current(model) {
    const mine = model.account?.id;
    return (model.roster ?? []).find(
      (x) => x.called_by === mine && (x.state === 'called' || x.state === 'in_interview'),
    );
  }

  /** The line's status and its buttons: one element kept across repaints. */
  #lineStatus(model) {
    if (!model.lineStatus) {
      model.lineStatus = document.createElement('lf-booth-line-status');
      model.lineStatus.boothId = model.booth.id;
      model.lineStatus.hours = model.booth.hours ?? [];
      model.lineStatus.zone = model.fair?.time_zone ?? 'Asia/Shanghai';
    }
    return model.lineStatus;
  }

  /** The current call while it rings: with its seconds left when this console made it. */
  #ringing(model, current) {
    if (model.ring?.ticketId !== current.ticket_id) {
      return h('p', { class: 'hint' }, t('queue.console.ringing'));
    }
    const seconds = ringLeft(model.ring.until);
    const text = t('queue.console.ringing_left', { seconds });
    return h('p', { class: 'hint', id: 'console-ring' }, text);
  }

  /** A candidate's profile on demand (getCandidate, audited: fetched when opened). */
  #summary(model, candidateId, key) {
    return candidateSummary(model.summaries, candidateId, { key, repaint: () => this.repaint() });
  }

  /** "Remove from the line" for a ticket of the roster: a button, then a reason. */
  #removal(model, x, current) {
    const removal = model.removal;
    if (removal?.id !== x.ticket_id) {
      return h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          id: `console-remove-${x.ticket_id}`,
          disabled: model.busy || current?.ticket_id === x.ticket_id,
          onclick: () => {
            model.removal = { id: x.ticket_id, reason: '', missing: false };
            this.repaint({ focus: '#console-remove-reason' });
          },
        },
        t('queue.console.remove'),
      );
    }
    const submit = async (event) => {
      event.preventDefault();
      const reason = removal.reason.trim();
      if (!reason) {
        removal.missing = true;
        this.repaint({ focus: '#console-remove-reason' });
        return;
      }
      await this.#act(
        `/api/tickets/${encodeURIComponent(x.ticket_id)}/remove`,
        { method: 'POST', body: { reason } },
        '#console-roster-title',
        // Said, not only seen: the card just leaves the roster.
        () => announce(t('queue.console.removed', { ticket: short(x.ticket_id) })),
      );
      if (!this.model.error) model.removal = null;
      this.repaint({ focus: this.model.error ? '#console-error' : '#console-roster-title' });
    };
    const input = h('input', {
      type: 'text',
      id: 'console-remove-reason',
      required: true,
      maxlength: 200,
      value: removal.reason,
      'aria-invalid': removal.missing ? 'true' : null,
      'aria-describedby': removal.missing ? 'console-remove-reason-error' : null,
      oninput: (event) => {
        removal.reason = event.target.value;
      },
    });
    return h(
      'form',
      { class: 'form inline-form', onsubmit: submit, novalidate: true },
      h(
        'div',
        { class: `field${removal.missing ? ' field-invalid' : ''}` },
        h('label', { for: 'console-remove-reason' }, t('queue.console.remove_reason')),
        // Said in words: an empty reason would otherwise just leave the form as it was.
        removal.missing
          ? h(
              'p',
              { id: 'console-remove-reason-error', class: 'field-error', role: 'alert' },
              t('queue.console.remove_reason_missing'),
            )
          : null,
        input,
      ),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'submit', class: 'button', id: 'console-remove-confirm', disabled: model.busy },
          t('queue.console.remove_confirm'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            onclick: () => {
              model.removal = null;
              this.repaint({ focus: `#console-remove-${x.ticket_id}` });
            },
          },
          t('queue.console.remove_cancel'),
        ),
      ),
    );
  }

  /** Who booked the booth's slots (components/booth-bookings.js): kept across repaints. */
  #bookings(model) {
    if (!model.bookings) {
      model.bookings = document.createElement('lf-booth-bookings');
      model.bookings.boothId = model.booth.id;
      model.bookings.zone = model.fair?.time_zone ?? 'Asia/Shanghai';
    }
    return model.bookings;
  }

  body(model) {
    const { booth } = model;
    if (!model.staff) {
      return [h('p', { class: 'notice notice-error' }, t('queue.console.not_staff'))];
    }
    const lang = language();
    const zone = model.fair?.time_zone ?? 'Asia/Shanghai';
    const base = `/api/booths/${encodeURIComponent(booth.id)}`;
    const ready = model.roster !== null;
    const myStatus = model.statuses.get(model.account.id) ?? 'offline';
    const current = this.#current(model);
    // Paused or offline: the server refuses calls (queue.not_available); say why here.
    const away = ready && !current && myStatus !== 'available' && myStatus !== 'in_call';
    const why = away ? 'console-call-why' : null;
    const waiting = (model.roster ?? []).filter(
      (x) => x.state === 'waiting' || x.state === 'notified',
    );
    const setStatus = (status) =>
      this.#act(
        `${base}/staff-status`,
        { method: 'PUT', body: { status } },
        `#console-status-${status}`,
      );
    const names = new Map(booth.staff.map((m) => [m.account_id, m.display_name]));
    const act = (...args) => this.#act(...args);
    const repaint = (options) => this.repaint(options);
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));

    const statusSection = h(
      'section',
      { 'aria-labelledby': 'console-status-title', class: 'subsection' },
      h('h2', { id: 'console-status-title' }, t('queue.console.status_title')),
      h(
        'p',
        { id: 'console-my-status' },
        t('queue.console.my_status', {
          status: tCode('queue.staff.', myStatus, 'queue.staff.unknown'),
        }),
      ),
      ready
        ? null
        : h('p', { class: 'loading' }, t('queue.console.connecting')),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            id: 'console-status-available',
            'aria-pressed': myStatus === 'available' ? 'true' : 'false',
            disabled: !ready || model.busy || Boolean(current),
            onclick: () => setStatus('available'),
          },
          t('queue.console.set_available'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'console-status-paused',
            'aria-pressed': myStatus === 'paused' ? 'true' : 'false',
            disabled: !ready || model.busy || Boolean(current),
            onclick: () => setStatus('paused'),
          },
          t('queue.console.set_paused'),
        ),
      ),
      onlyHandoffsSwitch(model, { act, base, ready }),
      h(
        'ul',
        { class: 'plain-list', 'aria-label': t('queue.console.staff_list') },
        [...model.statuses].map(([id, status]) =>
          h(
            'li',
            {},
            t('queue.console.staff_member', {
              name: names.get(id) ?? short(id),
              status: tCode('queue.staff.', status, 'queue.staff.unknown'),
            }),
          ),
        ),
      ),
    );
    const callSection = h(
      'section',
      { 'aria-labelledby': 'console-call-title', class: 'subsection' },
      h('h2', { id: 'console-call-title', tabindex: '-1' }, t('queue.console.call_title')),
      current
        ? [
            h(
              'dl',
              { class: 'facts', id: 'console-current' },
              row(t('queue.console.ticket'), h('code', {}, short(current.ticket_id))),
              row(
                t('queue.console.candidate'),
                h('code', {}, short(current.candidate_id)),
                ' ',
                this.#summary(model, current.candidate_id, 'current'),
              ),
              row(
                t('queue.ticket.state'),
                h(
                  'span',
                  { id: 'console-current-state' },
                  tCode('queue.state.', current.state, 'queue.state.unknown'),
                ),
              ),
            ),
            current.state === 'in_interview'
              ? h(
                  'p',
                  { class: 'actions' },
                  h(
                    'a',
                    {
                      href: `/interviews/${current.ticket_id}`,
                      class: 'button',
                      id: 'console-open-interview',
                    },
                    t('queue.console.open_interview'),
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button',
                      id: 'console-complete',
                      disabled: model.busy,
                      onclick: () =>
                        this.#act(
                          `/api/tickets/${encodeURIComponent(current.ticket_id)}/complete`,
                          { method: 'POST' },
                          '#console-call-title',
                        ),
                    },
                    model.booth.kind === 'employer'
                      ? t('queue.console.complete')
                      : t('queue.console.desk_complete'),
                  ),
                )
              : this.#ringing(model, current),
          ]
        : [
            away
              ? h(
                  'p',
                  { class: 'hint', id: 'console-call-why' },
                  t('queue.console.not_available', {
                    available: t('queue.console.set_available'),
                  }),
                )
              : null,
            h(
              'p',
              { class: 'actions' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'button',
                  id: 'console-call-next',
                  disabled: !ready || model.busy || away,
                  'aria-describedby': why,
                  onclick: () => this.#call(`${base}/call-next`),
                },
                t('queue.console.call_next'),
              ),
            ),
          ],
    );
    const rosterSection = h(
      'section',
      { 'aria-labelledby': 'console-roster-title', class: 'subsection' },
      h(
        'h2',
        { id: 'console-roster-title' },
        t('queue.console.roster_title', { count: waiting.length }),
      ),
      ready && (model.roster ?? []).length === 0
        ? h('p', { class: 'hint' }, t('queue.console.roster_empty'))
        : null,
      h(
        'ol',
        { class: 'cards cards-single roster', id: 'console-roster' },
        (model.roster ?? []).map((x) =>
          h(
            'li',
            { class: 'card', dataset: { state: x.state } },
            h(
              'dl',
              { class: 'card-facts' },
              row(t('queue.console.ticket'), h('code', {}, short(x.ticket_id))),
              row(
                t('queue.console.candidate'),
                h('code', {}, short(x.candidate_id)),
                ' ',
                this.#summary(model, x.candidate_id, 'roster'),
              ),
              row(t('queue.ticket.state'), tCode('queue.state.', x.state, 'queue.state.unknown')),
              rosterNotes(model, x).length > 0
                ? row(
                    t('queue.console.notes'),
                    h('span', { class: 'roster-notes' }, rosterNotes(model, x).join(' · ')),
                  )
                : null,
              row(t('queue.ticket.passes'), String(x.passes)),
              row(
                t('queue.console.waited'),
                h(
                  'span',
                  { class: 'roster-waited' },
                  t('queue.console.waited_for', {
                    minutes: minutesSince(x.joined_at, model.skew),
                  }),
                ),
              ),
              row(
                t('queue.console.flags'),
                h(
                  'span',
                  { class: 'roster-flags' },
                  [
                    x.reconnecting ? t('queue.console.flag_reconnecting') : null,
                    x.busy_elsewhere ? t('queue.console.flag_busy') : null,
                  ]
                    .filter(Boolean)
                    .join(' · ') || t('queue.console.flag_none'),
                ),
              ),
              CALLABLE.has(x.state)
                ? h(
                    'div',
                    {},
                    h('dt', {}, t('queue.console.call_by_name')),
                    h(
                      'dd',
                      {},
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'button button-secondary',
                          id: `console-call-${x.ticket_id}`,
                          disabled:
                            !ready || model.busy || Boolean(current) || away || x.busy_elsewhere,
                          'aria-describedby': why,
                          onclick: () =>
                            this.#call(
                              `/api/tickets/${encodeURIComponent(x.ticket_id)}/call`,
                              x.ticket_id,
                            ),
                        },
                        x.state === 'interrupted'
                          ? t('queue.console.call_again')
                          : t('queue.console.call_this'),
                      ),
                    ),
                  )
                : null,
              row(
                t('queue.console.joined'),
                h(
                  'time',
                  { datetime: x.joined_at },
                  t('queue.console.joined_at', {
                    time: formatInstant(x.joined_at, zone, lang),
                    zone: zoneLabel(zone, lang),
                  }),
                ),
              ),
            ),
            ready ? this.#removal(model, x, current) : null,
          ),
        ),
      ),
    );
    // The line's status: at the desk's foot when wide, last when narrow (see the top).
    const line = this.#lineStatus(model);
    const wide = this.#wide?.matches ?? false;

    return [
      boothTabs(booth.id, 'console'),
      // A guidance desk consults, it does not interview: its console says so.
      h(
        'p',
        { class: 'intro' },
        model.booth.kind === 'employer' ? t('queue.console.intro') : t('queue.console.desk_intro'),
      ),
      model.error
        ? h(
            'div',
            { class: 'notice notice-error', id: 'console-error', tabindex: '-1', role: 'alert' },
            h('p', {}, this.#errorText(model.error)),
          )
        : null,
      h(
        'div',
        { class: 'console-desk' },
        h(
          'div',
          { class: 'console-desk-main' },
          statusSection,
          callSection,
          handoffSection(model, { act, repaint }),
          wide ? line : null,
        ),
        h(
          'div',
          { class: 'console-desk-side' },
          rosterSection,
          this.#bookings(model),
          wide ? null : line,
        ),
      ),
      h('p', {}, h('a', { href: `/booths/${booth.id}`, class: 'back' }, t('queue.console.back'))),
    ];
  }
}

customElements.define('lf-booth-console-page', BoothConsolePage);
