// My bookings (/me/bookings): the signed-in candidate's reservations from today on —
// which booth, when (fair time, 北京时间), where each stands (booked, asked in a
// lottery, on the wait-list and where, admitted into the line, …) — with "cancel"
// while the slot has not started. Anonymous visitors are asked to sign in.

import { api, errorMessage } from '../api.js';
import { currentFair } from '../fair.js';
import { bookingStateText } from '../components/booth-slots.js';
import { LivePage } from '../components/live-page.js';
import { clockTime, formatInstant } from '../components/when.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';
import { me } from '../session.js';

const CANCELLABLE = new Set(['requested', 'confirmed', 'waitlisted']);

class MyBookingsPage extends LivePage {
  async load(signal) {
    const [account, fair] = await Promise.all([
      me().catch(() => null),
      currentFair().catch(() => null),
    ]);
    const items = account ? (await api('/api/me/bookings', { signal })).items : [];
    return { account, zone: fair?.time_zone ?? 'Asia/Shanghai', items, error: null, busy: false };
  }

  heading() {
    return t('reservations.mine.title');
  }

  async #cancel(model, booking) {
    model.busy = true;
    model.error = null;
    this.repaint();
    try {
      const changed = await api(`/api/bookings/${encodeURIComponent(booking.id)}`, {
        method: 'DELETE',
      });
      model.items = model.items.map((b) => (b.id === changed.id ? { ...b, ...changed } : b));
      model.busy = false;
      this.repaint({ focus: `#booking-${CSS.escape(booking.id)}` });
    } catch (error) {
      model.busy = false;
      model.error = error;
      this.repaint({ focus: '#my-bookings-error' });
    }
  }

  body(model) {
    if (!model.account) {
      return [
        h('p', { class: 'intro' }, t('reservations.mine.sign_in')),
        h(
          'p',
          {},
          h('a', { href: '/login?next=/me/bookings', class: 'button' }, t('reservations.mine.sign_in_link')),
        ),
      ];
    }
    const lang = language();
    const zone = model.zone;
    return [
      h('p', { class: 'intro' }, t('reservations.mine.intro')),
      model.error
        ? h(
            'div',
            { class: 'notice notice-error', id: 'my-bookings-error', tabindex: '-1', role: 'alert' },
            h('p', {}, errorMessage(model.error)),
          )
        : null,
      model.items.length === 0
        ? h('p', { class: 'hint' }, t('reservations.mine.empty'))
        : h(
            'ul',
            { class: 'booking-list', id: 'my-bookings' },
            model.items.map((booking) =>
              h(
                'li',
                { id: `booking-${booking.id}`, tabindex: '-1', class: 'booking' },
                h(
                  'p',
                  {},
                  h(
                    'a',
                    { href: `/booths/${booking.booth_id}` },
                    booking.booth_name || t('reservations.mine.unnamed'),
                  ),
                ),
                h(
                  'p',
                  {},
                  h(
                    'time',
                    { datetime: booking.starts_at },
                    t('reservations.mine.when', {
                      start: formatInstant(booking.starts_at, zone, lang),
                      end: clockTime(booking.ends_at, zone, lang),
                      zone: zoneLabel(zone, lang),
                    }),
                  ),
                ),
                h(
                  'p',
                  { class: 'booking-state' },
                  bookingStateText(booking.state, booking.waitlist_place),
                ),
                booking.state === 'admitted'
                  ? h('p', {}, h('a', { href: '/me/lines' }, t('reservations.mine.to_lines')))
                  : null,
                CANCELLABLE.has(booking.state)
                  ? h(
                      'p',
                      { class: 'actions' },
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'button button-secondary',
                          disabled: model.busy,
                          onclick: () => this.#cancel(model, booking),
                        },
                        t('reservations.slots.cancel'),
                      ),
                    )
                  : null,
              ),
            ),
          ),
    ];
  }
}

customElements.define('lf-my-bookings-page', MyBookingsPage);
