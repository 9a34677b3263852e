// <lf-my-lines-panel>: the signed-in candidate's lines (components/queue-store.js), each
// with the booth, the place in line (tokens ahead that are not busy elsewhere), the wait
// range for that place, the state, and what can be done: leave, or answer a call
// (accept / decline, with the ring's countdown; accepting goes straight into the
// interview room).
//
// - "You're next, get ready" and "you are being called" go to a role="alert" region,
//   once per change; the tab title flashes while the tab is hidden; a desktop
//   notification is shown if the visitor allowed it (the "notify me" button asks, on a
//   click: browsers only ask after a user gesture).
// - A ticket stays `notified` when the booth's last recruiter goes offline (the server
//   does not take "next" back): while nobody serves (queue-store.js serving()) the card
//   says the recruiter stepped away and the place is kept, said politely once, with no
//   alert or flashing title; when someone serves again "get ready" is alerted again
//   (a reconnect's snapshot that changes nothing alerts nothing).
// - Leaving a line is asked once more in place (components/confirm.js confirmQuestion):
//   "Leave the line? You will lose your place (…)", Leave or Stay; Stay or Escape gives
//   focus back to the leave button.
// - Changes of position go to an aria-live="polite" region at most every 30 s (a screen
//   reader user hears the latest, not every step).
// - A handoff to another employer's booth (a recruiter suggests the candidate talk to
//   that booth next) waits for the candidate's answer: accept (a ticket in that line,
//   ahead of walk-ins) or decline, before it expires; it is announced like a call.
// - With the `compact` attribute it shows only the alerts and the tickets being called
//   (for the shell, on every page) and hides itself on the "my lines" page.
//
// Strings: the "queue" catalogue (load it with the page's features or useFeatures()).

import { errorMessage } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { boothName } from './structure-text.js';
import { confirmQuestion } from './confirm.js';
import { h } from '../lib/dom.js';
import { go } from './navigate.js';
import { language, t, tCode } from '../lib/i18n.js';
import * as store from './queue-store.js';

const ANNOUNCE_EVERY_MS = 30000;
const FLASH_MS = 1000;

/** "3–6 min" from a [low, high] range in seconds; "under a minute" when short. */
export function waitText(range) {
  if (!range) return t('queue.wait.none');
  const low = Math.floor(range[0] / 60);
  const high = Math.max(1, Math.ceil(range[1] / 60));
  if (high <= 1) return t('queue.wait.soon');
  return t('queue.wait.range', { low, high });
}

export function positionText(position) {
  if (position === null) return '';
  if (position === 0) return t('queue.position.first');
  return t('queue.position.ahead', { count: position });
}

/** The ticket's state as the candidate should read it: "next" with nobody serving is
 * not "get ready". */
export function stateText(ticket) {
  if (ticket.state === 'notified' && store.serving(ticket) === false) {
    return t('queue.state.notified_away');
  }
  return tCode('queue.state.', ticket.state, 'queue.state.unknown');
}

let audio = null;

/** Called from a click (joining a line): browsers only let sound play after a gesture. */
export function unlockAudio() {
  try {
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    audio?.resume?.();
  } catch {
    audio = null;
  }
}

function chime() {
  if (!audio || audio.state !== 'running') return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 880;
  gain.gain.value = 0.1;
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.3);
}

let flashTimer = null;
let savedTitle = '';

function stopFlash() {
  if (flashTimer === null) return;
  window.clearInterval(flashTimer);
  flashTimer = null;
  document.title = savedTitle;
}

let flashText = '';

function flashTitle(text) {
  if (!document.hidden) return;
  flashText = text; // already blinking: the next blink shows the newer news
  if (flashTimer !== null) return;
  savedTitle = document.title;
  let on = false;
  flashTimer = window.setInterval(() => {
    on = !on;
    document.title = on ? flashText : savedTitle;
  }, FLASH_MS);
}

/** A booth's name in an alert (`nameOf`), with its venue (`venueOf`, or null while
 * unknown) when another of the candidate's tickets (`all`) has the same name: one
 * employer with booths at two venues. */
export function alertName(ticket, all, nameOf, venueOf) {
  const name = nameOf(ticket);
  const venue = venueOf(ticket);
  const twice = all.some((other) => other.id !== ticket.id && nameOf(other) === name);
  return twice && venue ? t('queue.alert.where', { booth: name, venue }) : name;
}

/** The hidden tab's blinking title for what needs the candidate now: `urgent`, their
 * tickets called or told to get ready (none: handoff offers only). Being called says
 * so; getting ready says it is soon, not now. */
export function alertTitle(urgent) {
  if (urgent.some((ticket) => ticket.state === 'called')) return t('queue.title.flash_called');
  return urgent.length > 0 ? t('queue.title.flash') : t('queue.title.flash_handoff');
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) stopFlash();
});

class MyLinesPanel extends HTMLElement {
  #alert = null;
  #polite = null;
  #list = null;
  #stop = null;
  #ticker = null;
  #alertKey = '';
  #urgent = new Set();
  #positions = new Map();
  #lastAnnounced = 0;
  #pendingAnnouncement = null;
  #announceTimer = null;
  #error = null;
  #leaving = null; // the ticket whose "leave the line?" question is open
  #away = new Set(); // notified tickets whose booth nobody serves (said once)
  #venues = new Map(); // the fair's venues by id: a card says where its booth is
  #onLanguage = () => this.#paint();
  #onView = () => this.#paint();

  get compact() {
    return this.hasAttribute('compact');
  }

  connectedCallback() {
    if (!this.#list) {
      this.#alert = h('div', { role: 'alert', class: 'queue-alert' });
      this.#polite = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
      this.#list = h('div', { class: 'my-lines-list' });
      this.append(this.#alert, this.#polite, this.#list);
    }
    store.start();
    this.#stop = store.onChange(() => this.#paint());
    // One employer may have booths at several venues: the cards name the venue. The
    // booth (describeBooth) gives its venue_id; the fair (loaded once per page) its name.
    currentFair()
      .then((fair) => {
        this.#venues = new Map((fair?.venues ?? []).map((venue) => [venue.id, venue]));
        if (this.isConnected) this.#paint();
      })
      .catch(() => {}); // the cards still show the booth; the venue row stays out
    window.addEventListener('languagechange', this.#onLanguage);
    window.addEventListener('livefair:view', this.#onView);
    this.#paint();
  }

  disconnectedCallback() {
    this.#stop?.();
    window.removeEventListener('languagechange', this.#onLanguage);
    window.removeEventListener('livefair:view', this.#onView);
    window.clearInterval(this.#ticker);
    this.#ticker = null;
    window.clearTimeout(this.#announceTimer);
    this.#announceTimer = null;
  }

  #hiddenHere() {
    return this.compact && document.querySelector('lf-my-lines-panel:not([compact])') !== null;
  }

  #name(ticket) {
    const booth = store.describeBooth(ticket.booth_id);
    return booth ? boothName(booth) : t('queue.booth.unnamed');
  }

  #alertName(ticket, all) {
    return alertName(ticket, all, (x) => this.#name(x), (x) => this.#venueName(x));
  }

  /** The name of the venue the ticket's booth is at, once both are known, else null. */
  #venueName(ticket) {
    const booth = store.describeBooth(ticket.booth_id);
    const venue = booth ? this.#venues.get(booth.venue_id) : null;
    return venue ? pick(venue, 'name', language()) : null;
  }

  #paint() {
    const all = [...store.tickets.values()];
    const offers = [...store.handoffs.values()];
    if (this.#hiddenHere()) {
      this.hidden = true;
      return;
    }
    if (this.compact) {
      this.setAttribute('role', 'complementary');
      this.setAttribute('aria-label', t('queue.mine.title'));
    }
    if (this.#leaving !== null && !all.some((x) => x.id === this.#leaving && this.#inLine(x))) {
      this.#leaving = null; // called, or out of the line, while the question was open
    }
    this.#alerts(all, offers);
    this.#announceAway(all);
    this.#announcePositions(all);
    // In an interview, the way into its room stays in view (but not inside the room).
    const inRoom = (ticket) => window.location.pathname === `/interviews/${ticket.id}`;
    const shown = this.compact
      ? all.filter((x) => x.state === 'called' || (x.state === 'in_interview' && !inRoom(x)))
      : all;
    this.hidden =
      this.compact &&
      shown.length === 0 &&
      offers.length === 0 &&
      store.endings.size === 0 &&
      this.#alert.textContent === '';
    const active = document.activeElement;
    const activeId = active && this.contains(active) ? active.id : '';
    this.#list.replaceChildren(
      ...[this.#endings(), this.#offers(offers), this.#body(shown)].flat(Infinity).filter(Boolean),
    );
    if (activeId) this.querySelector(`#${CSS.escape(activeId)}`)?.focus();
    this.#tick();
  }

  #body(shown) {
    const nodes = [];
    if (this.#error) {
      nodes.push(h('div', { class: 'notice notice-error' }, h('p', {}, errorMessage(this.#error))));
    }
    if (!this.compact && store.isLoaded() && shown.length === 0 && store.handoffs.size === 0) {
      nodes.push(
        h('p', { class: 'intro' }, t('queue.mine.empty')),
        h('p', {}, h('a', { href: '/venues' }, t('queue.mine.browse'))),
      );
    }
    if (shown.length > 0) {
      const cards = shown.map((ticket) => this.#card(ticket));
      nodes.push(h('ul', { class: 'cards cards-single my-lines' }, cards));
    }
    if (this.compact && (shown.length > 0 || this.#alertKey !== '')) {
      nodes.push(h('p', {}, h('a', { href: '/me/lines' }, t('queue.booth.see_mine'))));
    }
    if (
      !this.compact &&
      shown.length > 0 &&
      'Notification' in window &&
      Notification.permission === 'default'
    ) {
      nodes.push(
        h(
          'p',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              id: 'queue-notify-me',
              class: 'button button-secondary',
              onclick: () => Notification.requestPermission().then(() => this.#paint()),
            },
            t('queue.mine.notify_me'),
          ),
        ),
      );
    }
    return nodes;
  }

  /** Lines that ended without the candidate (removed by staff, expired): said once, with
   * what to do next, until dismissed; otherwise the place would just vanish. */
  #endings() {
    return [...store.endings].map(([id, ending]) =>
      h(
        'div',
        { class: 'notice notice-error ticket-ended', id: `ticket-${id}-ended` },
        h(
          'p',
          {},
          tCode('queue.ended.', ending.state, 'queue.ended.unknown', {
            booth: this.#name(ending),
          }),
        ),
        h(
          'p',
          { class: 'actions' },
          h('a', { href: `/booths/${ending.booth_id}` }, t('queue.ended.booth')),
          h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              id: `ticket-${id}-ended-dismiss`,
              onclick: () => store.dismissEnding(id),
            },
            t('queue.ended.dismiss'),
          ),
        ),
      ),
    );
  }

  /** Handoffs to another employer's booth, waiting for the candidate's answer. */
  #offers(offers) {
    if (offers.length === 0) return [];
    const name = (id) => {
      const booth = store.describeBooth(id);
      return booth ? boothName(booth) : t('queue.booth.unnamed');
    };
    return h(
      'ul',
      { class: 'cards cards-single my-handoffs' },
      offers.map((offer) => {
        const headingId = `handoff-${offer.id}-name`;
        const left = Date.parse(offer.expires_at) - Date.now();
        const minutes = Math.max(1, Math.ceil(left / 60000));
        const act = (verb) => (event) => this.#run(event, () => store.answerHandoff(offer, verb));
        return h(
          'li',
          { class: 'card handoff', 'aria-labelledby': headingId, dataset: { handoff: offer.id } },
          h(
            'h2',
            { class: 'card-title', id: headingId },
            t('queue.handoff.offer_title', { booth: name(offer.to_booth_id) }),
          ),
          h(
            'p',
            {},
            t('queue.handoff.offer_text', {
              from: name(offer.from_booth_id),
              to: name(offer.to_booth_id),
            }),
          ),
          h('p', { class: 'hint' }, t('queue.handoff.answer_within', { minutes })),
          h(
            'p',
            { class: 'actions' },
            h(
              'button',
              {
                type: 'button',
                id: `handoff-${offer.id}-accept`,
                class: 'button',
                onclick: act('accept'),
              },
              t('queue.handoff.accept'),
            ),
            h(
              'button',
              {
                type: 'button',
                id: `handoff-${offer.id}-decline`,
                class: 'button button-secondary',
                onclick: act('decline'),
              },
              t('queue.handoff.decline'),
            ),
          ),
        );
      }),
    );
  }

  async #run(event, action) {
    const button = event.currentTarget;
    button.disabled = true;
    this.#error = null;
    try {
      await action();
    } catch (error) {
      this.#error = error;
      button.disabled = false;
    }
    this.#paint();
  }

  #card(ticket) {
    const position = store.position(ticket);
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    const inLine = this.#inLine(ticket);
    const headingId = `ticket-${ticket.id}-name`;
    const venue = this.#venueName(ticket);
    return h(
      'li',
      {
        class: `card ticket ticket-${ticket.state}`,
        'aria-labelledby': headingId,
        dataset: { ticket: ticket.id, state: ticket.state },
      },
      h(
        'h2',
        { class: 'card-title', id: headingId },
        h('a', { href: `/booths/${ticket.booth_id}` }, this.#name(ticket)),
      ),
      h(
        'dl',
        { class: 'card-facts' },
        venue ? row(t('queue.ticket.venue'), h('span', { class: 'ticket-venue' }, venue)) : null,
        row(
          t('queue.ticket.state'),
          h('span', { class: 'ticket-state' }, stateText(ticket)),
        ),
        ticket.kind && ticket.kind !== 'walk_in'
          ? row(
              t('queue.ticket.kind'),
              h(
                'span',
                { class: 'ticket-kind' },
                tCode('queue.ticket.kind_', ticket.kind, 'queue.ticket.kind_unknown'),
              ),
            )
          : null,
        inLine && position !== null
          ? row(
              t('queue.ticket.position'),
              h('span', { class: 'ticket-position' }, positionText(position)),
            )
          : null,
        inLine
          ? row(
              t('queue.ticket.wait'),
              h('span', { class: 'ticket-wait' }, waitText(store.waitRange(ticket))),
            )
          : null,
        ticket.passes > 0
          ? row(t('queue.ticket.passes'), t('queue.ticket.passes_text', { count: ticket.passes }))
          : null,
      ),
      ticket.state === 'notified' ? this.#nextCallout(ticket) : null,
      ticket.state === 'called'
        ? h(
            'p',
            { class: 'callout attention' },
            h('span', { 'data-ring': ticket.ring_until ?? '' }, this.#ringText(ticket)),
          )
        : null,
      h(
        'p',
        { class: 'actions' },
        ticket.state === 'called'
          ? [
              this.#button(ticket, 'accept', 'button', t('queue.ticket.accept'), async () => {
                // Accepting is going in: straight to the interview room, where the
                // recruiter who called is waiting (the click also lets its sound play).
                const updated = await store.answer(ticket, 'accept');
                if (updated.state === 'in_interview') go(`/interviews/${ticket.id}`);
              }),
              this.#button(
                ticket,
                'decline',
                'button button-secondary',
                t('queue.ticket.decline'),
                () => store.answer(ticket, 'decline'),
              ),
            ]
          : null,
        ticket.state === 'in_interview'
          ? h(
              'a',
              {
                href: `/interviews/${ticket.id}`,
                class: 'button',
                id: `ticket-${ticket.id}-interview`,
              },
              t('queue.ticket.open_interview'),
            )
          : null,
        inLine && this.#leaving !== ticket.id
          ? h(
              'button',
              {
                type: 'button',
                id: `ticket-${ticket.id}-leave`,
                class: 'button button-secondary',
                onclick: () => {
                  this.#leaving = ticket.id;
                  this.#error = null;
                  this.#paint();
                  this.querySelector(`#ticket-${ticket.id}-leave-confirm`)?.focus();
                },
              },
              t('queue.ticket.leave'),
            )
          : null,
      ),
      inLine && this.#leaving === ticket.id ? this.#leaveQuestion(ticket, position) : null,
    );
  }

  /** "Next": get ready while someone serves; with nobody serving, the truth. */
  #nextCallout(ticket) {
    if (store.serving(ticket) === false) {
      return h(
        'p',
        { class: 'callout callout-wait ticket-away', id: `ticket-${ticket.id}-away` },
        t('queue.ticket.next_away'),
      );
    }
    return h('p', { class: 'callout callout-wait' }, t('queue.ticket.get_ready'));
  }

  /** "Leave the line? You will lose your place (…)": Leave, or Stay (or Escape). */
  #leaveQuestion(ticket, position) {
    const id = `ticket-${ticket.id}-leave-confirm`;
    const stay = () => {
      this.#leaving = null;
      this.#paint();
      this.querySelector(`#ticket-${ticket.id}-leave`)?.focus();
    };
    let text = t('queue.leave.question');
    if (position === 0) text = t('queue.leave.question_first');
    else if (position !== null) text = t('queue.leave.question_ahead', { count: position });
    return confirmQuestion({
      id,
      text,
      confirm: t('queue.leave.confirm'),
      cancel: t('queue.leave.stay'),
      confirmId: `ticket-${ticket.id}-leave-yes`,
      cancelId: `ticket-${ticket.id}-leave-stay`,
      onConfirm: (event) =>
        this.#run(event, async () => {
          const booth = this.#name(ticket);
          await store.leave(ticket);
          this.#leaving = null;
          this.#polite.textContent = t('queue.leave.done', { booth });
          // The card is gone: the page's heading is where the reader goes on from.
          window.setTimeout(() => document.querySelector('h1')?.focus());
        }),
      onCancel: stay,
    });
  }

  #inLine(ticket) {
    return ticket.state === 'waiting' || ticket.state === 'notified';
  }

  #button(ticket, action, className, label, run) {
    return h(
      'button',
      {
        type: 'button',
        id: `ticket-${ticket.id}-${action}`,
        class: className,
        onclick: (event) => this.#run(event, run),
      },
      label,
    );
  }

  #ringText(ticket) {
    if (!ticket.ring_until) return t('queue.ticket.called');
    const left = Math.max(0, Math.ceil((Date.parse(ticket.ring_until) - Date.now()) / 1000));
    return t('queue.ticket.called_countdown', { seconds: left });
  }

  /** Update the countdowns every second while someone is calling. */
  #tick() {
    const ringing = [...store.tickets.values()].some((ticket) => ticket.state === 'called');
    if (!ringing) {
      window.clearInterval(this.#ticker);
      this.#ticker = null;
      return;
    }
    if (this.#ticker !== null) return;
    this.#ticker = window.setInterval(() => {
      for (const span of this.querySelectorAll('[data-ring]')) {
        const ticket = store.tickets.get(span.closest('[data-ticket]')?.dataset.ticket);
        if (ticket) span.textContent = this.#ringText(ticket);
      }
    }, 1000);
  }

  /** A notified ticket is urgent while someone serves its line; before its booth's
   * snapshot (serving() null, e.g. the venue changed what it shows) it stays as it was,
   * so a fresh snapshot that changes nothing alerts nothing. */
  #urgentNow(ticket) {
    if (ticket.state === 'called') return true;
    if (ticket.state !== 'notified') return false;
    const serving = store.serving(ticket);
    return serving === null ? this.#urgent.has(`${ticket.id}:notified`) : serving;
  }

  /** "The recruiter stepped away", said politely once when it happens (not again after
   * a fresh snapshot of the booth that still has nobody serving). */
  #announceAway(all) {
    const isAway = (ticket) => {
      if (ticket.state !== 'notified') return false;
      const serving = store.serving(ticket);
      return serving === null ? this.#away.has(ticket.id) : !serving;
    };
    const away = all.filter(isAway);
    const fresh = away.filter((ticket) => !this.#away.has(ticket.id));
    this.#away = new Set(away.map((ticket) => ticket.id));
    if (fresh.length === 0) return;
    this.#polite.textContent = fresh
      .map((ticket) => t('queue.announce.away', { booth: this.#name(ticket) }))
      .join(' ');
  }

  #alerts(all, offers) {
    const urgent = all.filter((ticket) => this.#urgentNow(ticket));
    const texts = urgent.map((ticket) =>
      ticket.state === 'called'
        ? t('queue.alert.called', { booth: this.#alertName(ticket, all) })
        : t('queue.alert.next', { booth: this.#alertName(ticket, all) }),
    );
    for (const offer of offers) {
      const booth = store.describeBooth(offer.to_booth_id);
      texts.push(
        t('queue.alert.handoff', { booth: booth ? boothName(booth) : t('queue.booth.unnamed') }),
      );
    }
    const shown = texts.join('\n');
    if (shown !== this.#alertKey) {
      this.#alertKey = shown;
      this.#alert.replaceChildren(...texts.map((text) => h('p', { class: 'notice' }, text)));
    }
    const keys = new Set([
      ...urgent.map((ticket) => `${ticket.id}:${ticket.state}`),
      ...offers.map((offer) => `handoff:${offer.id}`),
    ]);
    const grew = [...keys].some((key) => !this.#urgent.has(key));
    this.#urgent = keys;
    if (keys.size === 0) stopFlash(); // nothing to act on any more (nobody serves)
    if (!grew) return;
    const title = alertTitle(urgent);
    flashTitle(title);
    if (urgent.some((ticket) => ticket.state === 'called')) chime();
    if (document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      try {
        new Notification(title, { body: texts.join(' ') });
      } catch {
        // some in-app browsers expose Notification but refuse to construct it
      }
    }
  }

  #announcePositions(all) {
    if (this.compact) return;
    const changes = [];
    for (const ticket of all) {
      const position = store.position(ticket);
      const before = this.#positions.get(ticket.id);
      this.#positions.set(ticket.id, position);
      if (position !== null && before !== undefined && before !== null && before !== position) {
        changes.push(
          t('queue.announce.position', {
            booth: this.#name(ticket),
            position: positionText(position),
          }),
        );
      }
    }
    if (changes.length === 0) return;
    this.#pendingAnnouncement = changes.join(' ');
    const wait = this.#lastAnnounced + ANNOUNCE_EVERY_MS - Date.now();
    if (wait <= 0) {
      this.#flushAnnouncement();
    } else if (this.#announceTimer === null) {
      this.#announceTimer = window.setTimeout(() => this.#flushAnnouncement(), wait);
    }
  }

  #flushAnnouncement() {
    this.#announceTimer = null;
    if (!this.#pendingAnnouncement) return;
    this.#lastAnnounced = Date.now();
    this.#polite.textContent = this.#pendingAnnouncement;
    this.#pendingAnnouncement = null;
  }
}

customElements.define('lf-my-lines-panel', MyLinesPanel);
