// <lf-booth-slots>: a booth's reservation slots on its page (/booths/<id>), one fair day
// at a time: each slot's time (fair time, 北京时间), its free places — or, for a lottery,
// how many have asked and the wait-list — whether booking is open, and the visitor's own
// booking with a button to book, ask (lottery) or cancel. Nothing shows while the booth
// takes no reservations. The counts follow slot.counts on booth:<id> live, through the
// line's own subscription (queue-store.js); a new snapshot of that topic reads the slots
// again. Set `boothId`, `account` (GET /api/me or null) and `zone` before connecting it.
// Strings: the "reservations" catalogue (docs/reservations.md).

import { api, errorMessage } from '../api.js';
import { h, replaceKeepingFocus } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { formatDate, zoneLabel } from '../lib/time.js';
import * as store from './queue-store.js';
import { clockTime, formatInstant } from './when.js';

const CANCELLABLE = new Set(['requested', 'confirmed', 'waitlisted']);

/** A booking's state in words, with its wait-list place when it has one. */
export function bookingStateText(state, place) {
  const text = tCode('reservations.state.', state, 'reservations.state.unknown');
  return place ? t('reservations.state.with_place', { state: text, place }) : text;
}

/**
 * "Day": a select of a slot listing's fair days (none when there is only one). `from`:
 * the first day to offer (the day shown is always offered).
 */
export function dayPicker(data, id, zone, lang, onPick, { from = null } = {}) {
  const days = data.days.filter((day) => from === null || day >= from || day === data.date);
  if (days.length < 2) return null;
  return h(
    'p',
    {},
    h('label', { for: id }, t('reservations.slots.day')),
    ' ',
    h(
      'select',
      { id, onchange: (event) => onPick(event.target.value) },
      days.map((day) =>
        h(
          'option',
          { value: day, selected: day === data.date },
          formatDate(day, zone, lang, 'weekday'),
        ),
      ),
    ),
  );
}

class BoothSlots extends HTMLElement {
  boothId = '';
  account = null;
  zone = 'Asia/Shanghai';
  #data = null;
  #error = null;
  #busy = false;
  #done = null; // the last action that succeeded: 'booked' or 'cancelled'
  #started = false;
  #firstDay = null; // the day the server shows first: earlier days have no slot to start
  #loads = 0; // loads started: only the latest one's answer is shown
  #snapshot = null; // the booth topic's snapshot the shown slots were read after
  #seq = 0; // the last slot.counts event the shown slots include
  #stopWatch = null;
  #stopChange = null;
  #onLanguage = () => this.#paint();

  get #candidate() {
    return (this.account?.grants ?? []).some((grant) => grant.role === 'candidate');
  }

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    this.#stopWatch = store.watchBooth(this.boothId);
    this.#stopChange = store.onChange(() => this.#follow());
    if (!this.#started) {
      this.#started = true;
      this.#load(null);
    }
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
    this.#stopWatch?.();
    this.#stopChange?.();
  }

  async #load(date, focus = null) {
    const query = date ? `?date=${encodeURIComponent(date)}` : '';
    const load = ++this.#loads;
    // Counts announced before this read are in its answer; later ones are applied on top.
    const live = store.slotCounts(this.boothId);
    const snapshot = live?.snapshot ?? null;
    const seq = Math.max(0, ...[...(live?.slots.values() ?? [])].map((c) => c.seq));
    try {
      const data = await api(`/api/booths/${encodeURIComponent(this.boothId)}/slots${query}`);
      if (load !== this.#loads) return;
      this.#data = data;
      this.#seq = seq;
      // Without a date the server picks the first day from today on with a slot still to
      // start; the days before it are over, every slot closed: not offered.
      if (!date && this.#firstDay === null) this.#firstDay = data.date;
    } catch (error) {
      if (load !== this.#loads) return;
      this.#error = error;
    }
    this.#snapshot = snapshot; // (a failed read is not retried until the next snapshot)
    this.#paint(focus);
    this.#follow();
  }

  /** Apply the slot.counts events newer than the shown slots (or read them again after
   * a new snapshot of the booth's topic: events before it may never arrive). */
  #follow() {
    const live = store.slotCounts(this.boothId);
    const data = this.#data;
    if (!live || !data || (!data.enabled && data.items.length === 0)) return; // none shown
    if (live.snapshot !== this.#snapshot) {
      this.#snapshot = live.snapshot;
      this.#load(data.date);
      return;
    }
    let changed = false;
    for (const slot of data.items) {
      const counts = live.slots.get(Date.parse(slot.starts_at));
      if (!counts || counts.seq <= this.#seq) continue;
      const { taken, free, requests, waitlist } = counts;
      Object.assign(slot, { taken, free, requests, waitlist });
      changed = true;
    }
    this.#seq = Math.max(this.#seq, ...[...live.slots.values()].map((c) => c.seq));
    if (changed) this.#paint();
  }

  async #act(path, options, done) {
    this.#busy = true;
    this.#error = null;
    this.#done = null;
    this.#paint();
    try {
      await api(path, options);
      this.#busy = false;
      this.#done = done;
      await this.#load(this.#data.date, '#booth-slots-status');
    } catch (error) {
      this.#busy = false;
      this.#error = error;
      this.#paint('#booth-slots-error');
    }
  }

  #paint(focus = null) {
    replaceKeepingFocus(this, this.#body(), focus);
  }

  #body() {
    const data = this.#data;
    if (!data || (!data.enabled && data.items.length === 0)) {
      return this.#error ? this.#section([this.#errorNode()]) : [];
    }
    const lang = language();
    const nodes = [h('p', { class: 'hint' }, t('reservations.slots.intro'))];
    nodes.push(
      dayPicker(
        data,
        'booth-slots-date',
        this.zone,
        lang,
        (day) => this.#load(day, '#booth-slots-date'),
        { from: this.#firstDay },
      ),
    );
    if (!this.account) {
      nodes.push(
        h(
          'p',
          {},
          h(
            'a',
            { href: `/login?next=/booths/${this.boothId}`, class: 'button button-secondary' },
            t('reservations.slots.sign_in'),
          ),
        ),
      );
    }
    nodes.push(
      data.items.length === 0
        ? h('p', { class: 'hint' }, t('reservations.slots.none'))
        : [
            h('p', { class: 'hint' }, t('reservations.slots.zone', { zone: zoneLabel(this.zone, lang) })),
            h(
              'ul',
              { class: 'slot-list', id: 'booth-slots-list' },
              data.items.map((slot, index) => this.#slot(slot, index, lang)),
            ),
          ],
    );
    nodes.push(this.#errorNode());
    if (this.#candidate) {
      nodes.push(h('p', {}, h('a', { href: '/me/bookings' }, t('reservations.slots.see_mine'))));
    }
    return this.#section(nodes);
  }

  #section(nodes) {
    return h(
      'section',
      { 'aria-labelledby': 'booth-slots-title', class: 'subsection' },
      h('h2', { id: 'booth-slots-title' }, t('reservations.slots.title')),
      h(
        'p',
        { id: 'booth-slots-status', tabindex: '-1', role: 'status' },
        this.#done ? tCode('reservations.done.', this.#done, 'reservations.done.saved') : null,
      ),
      nodes,
    );
  }

  #errorNode() {
    if (!this.#error) return null;
    return h(
      'div',
      { class: 'notice notice-error', id: 'booth-slots-error', tabindex: '-1', role: 'alert' },
      h('p', {}, errorMessage(this.#error)),
    );
  }

  #slot(slot, index, lang) {
    const lottery = slot.mode === 'lottery';
    const drawn = Boolean(slot.seed);
    // The zone is said once above the grid; each slot shows its times only.
    const time = h(
      'time',
      { datetime: slot.starts_at },
      t('reservations.slots.span', {
        start: clockTime(slot.starts_at, this.zone, lang),
        end: clockTime(slot.ends_at, this.zone, lang),
      }),
    );
    let places;
    if (!lottery) {
      places = t('reservations.slots.free', { free: slot.free, capacity: slot.capacity });
    } else if (!drawn) {
      places = t('reservations.slots.requests', { count: slot.requests, capacity: slot.capacity });
    } else {
      places = t('reservations.slots.drawn', { count: slot.waitlist, capacity: slot.capacity });
    }
    const windowText = {
      not_open: t('reservations.slots.opens', {
        time: formatInstant(slot.opens_at, this.zone, lang),
        zone: zoneLabel(this.zone, lang),
      }),
      open: null,
      closed: t('reservations.slots.closed'),
    }[slot.window];
    const mine = slot.mine;
    let action = null;
    if (this.#candidate && mine && CANCELLABLE.has(mine.state)) {
      action = h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          id: `booth-slot-cancel-${index}`,
          disabled: this.#busy,
          onclick: () =>
            this.#act(
              `/api/bookings/${encodeURIComponent(mine.booking_id)}`,
              { method: 'DELETE' },
              'cancelled',
            ),
        },
        t('reservations.slots.cancel'),
      );
    } else if (this.#candidate && !mine && slot.window === 'open' && (lottery || slot.free > 0)) {
      // The time is on the button ("09:00–09:20 预约"): one control per slot, in a grid.
      action = h(
        'button',
        {
          type: 'button',
          class: 'button slot-book',
          id: `booth-slot-book-${index}`,
          'aria-describedby': `booth-slot-places-${index}`,
          disabled: this.#busy,
          onclick: () =>
            this.#act(
              `/api/booths/${encodeURIComponent(this.boothId)}/bookings`,
              { method: 'POST', body: { starts_at: slot.starts_at } },
              'booked',
            ),
        },
        h('span', { class: 'slot-time' }, time),
        ' ',
        h(
          'span',
          { class: 'slot-verb' },
          lottery ? t('reservations.slots.request') : t('reservations.slots.book'),
        ),
      );
    }
    const booking = action?.classList.contains('slot-book');
    return h(
      'li',
      {
        class: `slot slot-${slot.window}${mine ? ' slot-mine-here' : ''}`,
        dataset: { startsAt: slot.starts_at },
      },
      booking ? action : h('p', { class: 'slot-time' }, h('strong', {}, time)),
      lottery ? h('span', { class: 'badge badge-muted' }, t('reservations.mode.lottery')) : null,
      h('p', { class: 'slot-places', id: `booth-slot-places-${index}` }, places),
      windowText ? h('p', { class: 'hint' }, windowText) : null,
      mine
        ? h(
            'p',
            { class: 'slot-mine callout' },
            t('reservations.slots.mine', {
              state: bookingStateText(mine.state, mine.waitlist_place),
            }),
          )
        : null,
      action && !booking ? h('p', { class: 'actions' }, action) : null,
    );
  }
}

customElements.define('lf-booth-slots', BoothSlots);
