// <lf-booth-slots>: a booth's reservation slots on its page (/booths/<id>), one fair day
// at a time: each slot's time (fair time, 北京时间), its free places — or, for a lottery,
// how many have asked and the wait-list — whether booking is open, and the visitor's own
// booking with a button to book, ask (lottery) or cancel. Nothing shows while the booth
// takes no reservations. Set `boothId`, `account` (GET /api/me or null) and `zone`
// before connecting it. Strings: the "reservations" catalogue (docs/reservations.md).

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { formatDate, zoneLabel } from '../lib/time.js';
import { clockTime, formatInstant } from './when.js';

const CANCELLABLE = new Set(['requested', 'confirmed', 'waitlisted']);

/** A booking's state in words, with its wait-list place when it has one. */
export function bookingStateText(state, place) {
  const text = tCode('reservations.state.', state, 'reservations.state.unknown');
  return place ? t('reservations.state.with_place', { state: text, place }) : text;
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
  #onLanguage = () => this.#paint();

  get #candidate() {
    return (this.account?.grants ?? []).some((grant) => grant.role === 'candidate');
  }

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    if (!this.#started) {
      this.#started = true;
      this.#load(null);
    }
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  async #load(date, focus = null) {
    const query = date ? `?date=${encodeURIComponent(date)}` : '';
    try {
      this.#data = await api(`/api/booths/${encodeURIComponent(this.boothId)}/slots${query}`);
    } catch (error) {
      this.#error = error;
    }
    this.#paint(focus);
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
    const active = document.activeElement;
    const activeId = active && this.contains(active) ? active.id : '';
    this.replaceChildren(...[this.#body()].flat(Infinity).filter(Boolean));
    const target =
      (focus && this.querySelector(focus)) ||
      (activeId && this.querySelector(`#${CSS.escape(activeId)}`));
    if (target) target.focus();
  }

  #body() {
    const data = this.#data;
    if (!data || (!data.enabled && data.items.length === 0)) {
      return this.#error ? this.#section([this.#errorNode()]) : [];
    }
    const lang = language();
    const nodes = [h('p', { class: 'hint' }, t('reservations.slots.intro'))];
    if (data.days.length > 1) {
      nodes.push(
        h(
          'p',
          {},
          h('label', { for: 'booth-slots-date' }, t('reservations.slots.day')),
          ' ',
          h(
            'select',
            {
              id: 'booth-slots-date',
              onchange: (event) => this.#load(event.target.value, '#booth-slots-date'),
            },
            data.days.map((day) =>
              h(
                'option',
                { value: day, selected: day === data.date },
                formatDate(day, this.zone, lang, 'weekday'),
              ),
            ),
          ),
        ),
      );
    }
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
        : h(
            'ul',
            { class: 'slot-list', id: 'booth-slots-list' },
            data.items.map((slot, index) => this.#slot(slot, index, lang)),
          ),
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
    const time = t('reservations.slots.time', {
      start: clockTime(slot.starts_at, this.zone, lang),
      end: clockTime(slot.ends_at, this.zone, lang),
      zone: zoneLabel(this.zone, lang),
    });
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
      action = h(
        'button',
        {
          type: 'button',
          class: 'button',
          id: `booth-slot-book-${index}`,
          disabled: this.#busy,
          onclick: () =>
            this.#act(
              `/api/booths/${encodeURIComponent(this.boothId)}/bookings`,
              { method: 'POST', body: { starts_at: slot.starts_at } },
              'booked',
            ),
        },
        lottery ? t('reservations.slots.request') : t('reservations.slots.book'),
      );
    }
    return h(
      'li',
      { class: 'slot', dataset: { startsAt: slot.starts_at } },
      h('strong', {}, h('time', { datetime: slot.starts_at }, time)),
      ' ',
      lottery ? h('span', { class: 'badge badge-muted' }, t('reservations.mode.lottery')) : null,
      h('p', { class: 'slot-places' }, places),
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
      action ? h('p', { class: 'actions' }, action) : null,
    );
  }
}

customElements.define('lf-booth-slots', BoothSlots);
