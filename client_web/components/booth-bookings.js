// <lf-booth-bookings>: on the booth console, who booked the booth's slots — one fair day
// at a time (the days listSlots offers), each slot's time in fair time (北京时间), its
// places taken, lottery requests and wait-list, and its bookings: the booking and the
// candidate as short ids (as on the roster: who they are is getCandidate's, audited),
// state and wait-list place (listBoothBookings; the booth's staff only). Places held come
// first by booking time, then the wait-list in draw order, lottery requests, and last
// the bookings that ended.
//
// Live: the console hands every frame of booth:<id>:staff to onStaffFrame(frame) (its
// one subscription). booking.staff {booking} replaces that booking (a newer one wins:
// changed_at, then the state's progress); a snapshot means events may have been missed,
// so the day is read again. Events arriving while the day is being read are applied on
// top of the answer. Set `boothId` and `zone` before connecting it. Strings: the
// "reservations" catalogue.

import { api, errorMessage } from '../api.js';
import { h, replaceKeepingFocus } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';
import { bookingStateText, dayPicker } from './booth-slots.js';
import { candidateSummary } from './candidate-summary.js';
import { clockTime, formatInstant } from './when.js';

// Where a state sorts in a slot's list, and how far along a booking it is (one change
// can follow another in the same instant: waitlisted → confirmed → admitted).
const GROUP = { confirmed: 0, admitted: 0, waitlisted: 1, requested: 2 };
const PROGRESS = { requested: 0, waitlisted: 1, confirmed: 2, admitted: 3 };
const PLACED = new Set(['confirmed', 'admitted']);

function short(id) {
  return String(id).slice(-8);
}

/** Whether `next` is the same booking's view after `known` (or the same one). */
function newer(next, known) {
  const at = Date.parse(next.changed_at);
  const before = Date.parse(known.changed_at);
  if (at !== before) return at > before;
  return (PROGRESS[next.state] ?? 4) >= (PROGRESS[known.state] ?? 4);
}

/** A slot's bookings in the staff's order, wait-list places renumbered, counts redone. */
function settle(slot) {
  const waiting = slot.bookings
    .filter((b) => b.state === 'waitlisted')
    .sort((a, b) => (a.waitlist_place ?? Infinity) - (b.waitlist_place ?? Infinity));
  waiting.forEach((b, index) => {
    b.waitlist_place = index + 1;
  });
  for (const b of slot.bookings) if (b.state !== 'waitlisted') b.waitlist_place = null;
  slot.bookings.sort((a, b) => {
    const ga = GROUP[a.state] ?? 3;
    const gb = GROUP[b.state] ?? 3;
    if (ga !== gb) return ga - gb;
    if (ga === 1) return a.waitlist_place - b.waitlist_place;
    const at = Date.parse(a.booked_at) - Date.parse(b.booked_at);
    return at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  slot.taken = slot.bookings.filter((b) => PLACED.has(b.state)).length;
  slot.free = slot.capacity - slot.taken;
  slot.requests = slot.bookings.filter((b) => b.state === 'requested').length;
  slot.waitlist = waiting.length;
}

class BoothBookings extends HTMLElement {
  boothId = '';
  zone = 'Asia/Shanghai';
  #data = null;
  #error = null;
  #loads = 0; // reads started: only the latest one's answer is shown
  #pending = null; // booking.staff events that arrived during a read, else null
  #started = false;
  #summaries = new Map(); // candidate id → an opened profile
  #paintedIn = null; // the language of the last paint
  #onLanguage = () => this.#paint();

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    if (this.#started) {
      // The console keeps this element across its own repaints. When it repaints for a
      // language change, it takes this out and puts it back while the event is being
      // dispatched: the listener removed then never runs, the one added is not called
      // for that event. So catch up here.
      if (this.#paintedIn !== language()) this.#paint();
      return;
    }
    this.#started = true;
    this.#load(null);
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  /** A frame of booth:<id>:staff (the console's subscription). */
  onStaffFrame(frame) {
    if (frame.op === 'snapshot') {
      if (this.#started) this.#load(this.#data?.date ?? null);
    } else if (frame.op === 'event' && frame.type === 'booking.staff') {
      if (this.#pending) this.#pending.push(frame.data.booking);
      else if (this.#apply(frame.data.booking)) this.#paint();
    }
  }

  async #load(date, focus = null) {
    const load = ++this.#loads;
    this.#pending ??= [];
    const query = date ? `?date=${encodeURIComponent(date)}` : '';
    try {
      const data = await api(`/api/booths/${encodeURIComponent(this.boothId)}/bookings${query}`);
      if (load !== this.#loads) return;
      this.#data = data;
      this.#error = null;
    } catch (error) {
      if (load !== this.#loads) return;
      this.#error = error;
    }
    const pending = this.#pending;
    this.#pending = null;
    for (const booking of pending) this.#apply(booking);
    this.#paint(focus);
  }

  /** Put one booking's newest view in its slot; false when it changes nothing shown. */
  #apply(booking) {
    const at = Date.parse(booking.starts_at);
    const slot = this.#data?.items.find((s) => Date.parse(s.starts_at) === at);
    if (!slot) return false; // another day's
    const index = slot.bookings.findIndex((b) => b.id === booking.id);
    if (index === -1) slot.bookings.push({ ...booking });
    else if (newer(booking, slot.bookings[index])) slot.bookings[index] = { ...booking };
    else return false;
    settle(slot);
    return true;
  }

  #paint(focus = null) {
    this.#paintedIn = language();
    replaceKeepingFocus(this, this.#body(), focus);
  }

  #body() {
    const data = this.#data;
    const lang = language();
    const nodes = [h('p', { class: 'hint' }, t('reservations.staff.intro'))];
    if (this.#error) {
      nodes.push(
        h(
          'div',
          { class: 'notice notice-error', id: 'booth-bookings-error', role: 'alert' },
          h('p', {}, errorMessage(this.#error)),
        ),
      );
    }
    if (!data) {
      if (!this.#error) nodes.push(h('p', { class: 'loading' }, t('reservations.staff.loading')));
    } else if (!data.enabled && data.items.length === 0) {
      nodes.push(h('p', { class: 'hint' }, t('reservations.staff.off')));
    } else {
      nodes.push(
        dayPicker(data, 'booth-bookings-date', this.zone, lang, (day) =>
          this.#load(day, '#booth-bookings-date'),
        ),
        data.items.length === 0
          ? h('p', { class: 'hint' }, t('reservations.slots.none'))
          : h(
              'ol',
              { class: 'cards cards-single', id: 'booth-bookings-list' },
              data.items.map((slot) => this.#slot(slot, lang)),
            ),
      );
    }
    return h(
      'section',
      { 'aria-labelledby': 'booth-bookings-title', class: 'subsection' },
      h('h2', { id: 'booth-bookings-title' }, t('reservations.staff.title')),
      nodes,
    );
  }

  #slot(slot, lang) {
    const time = t('reservations.slots.time', {
      start: clockTime(slot.starts_at, this.zone, lang),
      end: clockTime(slot.ends_at, this.zone, lang),
      zone: zoneLabel(this.zone, lang),
    });
    const counts = [t('reservations.staff.taken', { taken: slot.taken, capacity: slot.capacity })];
    if (slot.requests > 0) counts.push(t('reservations.staff.requests', { count: slot.requests }));
    if (slot.waitlist > 0) counts.push(t('reservations.staff.waitlist', { count: slot.waitlist }));
    const row = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
    return h(
      'li',
      { class: 'card', dataset: { startsAt: slot.starts_at } },
      h(
        'h3',
        { class: 'card-title' },
        h('time', { datetime: slot.starts_at }, time),
        slot.mode === 'lottery'
          ? [' ', h('span', { class: 'badge badge-muted' }, t('reservations.mode.lottery'))]
          : null,
      ),
      h('p', { class: 'slot-counts' }, counts.join(' · ')),
      slot.bookings.length === 0
        ? h('p', { class: 'hint' }, t('reservations.staff.empty'))
        : h(
            'ul',
            {
              class: 'plain-list slot-bookings',
              'aria-label': t('reservations.staff.list_label', { time }),
            },
            slot.bookings.map((b) =>
              h(
                'li',
                { dataset: { bookingId: b.id, state: b.state } },
                h(
                  'dl',
                  { class: 'card-facts' },
                  row(t('reservations.staff.candidate'), [
                    h('code', {}, short(b.candidate_id)),
                    ' ',
                    candidateSummary(this.#summaries, b.candidate_id, {
                      key: 'booking',
                      repaint: () => this.#paint(),
                    }),
                  ]),
                  row(
                    t('reservations.staff.state'),
                    h(
                      'span',
                      { class: 'booking-state' },
                      bookingStateText(b.state, b.waitlist_place),
                    ),
                  ),
                  row(t('reservations.staff.booking'), h('code', {}, short(b.id))),
                  row(
                    t('reservations.staff.booked_at'),
                    h(
                      'time',
                      { datetime: b.booked_at },
                      t('reservations.staff.booked_when', {
                        time: formatInstant(b.booked_at, this.zone, lang),
                        zone: zoneLabel(this.zone, lang),
                      }),
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
  }
}

customElements.define('lf-booth-bookings', BoothBookings);
