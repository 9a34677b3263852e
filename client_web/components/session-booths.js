// <lf-session-booths>: the booths a featured session brings, each with its live line
// (open or not, how many wait) from components/queue-store.js — the same store as the
// booth page and "my lines", so a line joined here shows everywhere at once. With
// `joinable` (the viewer page) a signed-in candidate gets "join the line" next to the
// stream: watching leads straight into a booth's line. Set `boothIds`, `account` and
// `joinable` before connecting. Strings: the "live" and "queue" catalogues.

import { errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { positionText, unlockAudio, waitText } from './my-lines-panel.js';
import * as store from './queue-store.js';
import { boothName } from './structure-text.js';

class SessionBooths extends HTMLElement {
  boothIds = [];
  account = null;
  joinable = false;
  #stops = [];
  #busy = new Set();
  #errors = new Map();
  #onLanguage = () => this.#paint();

  get #candidate() {
    return (this.account?.grants ?? []).some((grant) => grant.role === 'candidate');
  }

  connectedCallback() {
    this.#stops = this.boothIds.map((id) => store.watchBooth(id));
    if (this.#candidate) store.start();
    this.#stops.push(store.onChange(() => this.#paint()));
    window.addEventListener('languagechange', this.#onLanguage);
    this.#paint();
  }

  disconnectedCallback() {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  async #join(boothId) {
    unlockAudio(); // the click that lets the call's chime play later
    this.#busy.add(boothId);
    this.#errors.delete(boothId);
    this.#paint();
    try {
      await store.join(boothId);
      this.#busy.delete(boothId);
      this.#paint();
      this.querySelector(`#session-booth-mine-${CSS.escape(boothId)}`)?.focus();
    } catch (error) {
      this.#busy.delete(boothId);
      this.#errors.set(boothId, error);
      this.#paint();
      this.querySelector(`#session-booth-error-${CSS.escape(boothId)}`)?.focus();
    }
  }

  #paint() {
    const active = document.activeElement;
    const activeId = active && this.contains(active) ? active.id : '';
    this.replaceChildren(
      h(
        'section',
        { class: 'live-panel', 'aria-labelledby': 'session-booths-title' },
        h('h2', { id: 'session-booths-title' }, t('live.booths.title')),
        this.joinable ? h('p', { class: 'hint' }, t('live.booths.intro')) : null,
        this.boothIds.length === 0
          ? h('p', { class: 'hint' }, t('live.booths.none'))
          : h(
              'ul',
              { class: 'session-booths' },
              this.boothIds.map((id) => this.#booth(id)),
            ),
      ),
    );
    if (activeId) this.querySelector(`#${CSS.escape(activeId)}`)?.focus();
  }

  #booth(id) {
    const info = store.describeBooth(id);
    const line = store.booth(id);
    const open = line?.status === 'open';
    const name = info ? boothName(info) : t('queue.booth.unnamed');
    const mine = this.#candidate ? store.ticketAt(id) : null;
    const error = this.#errors.get(id);
    let action = null;
    if (mine) {
      const position = store.position(mine);
      action = h(
        'p',
        { class: 'callout', id: `session-booth-mine-${id}`, tabindex: '-1' },
        t('queue.booth.in_line', {
          state: tCode('queue.state.', mine.state, 'queue.state.unknown'),
        }),
        position !== null
          ? [' ', positionText(position), ' ', waitText(store.waitRange(mine))]
          : null,
        ' ',
        h('a', { href: '/me/lines' }, t('queue.booth.see_mine')),
      );
    } else if (this.joinable && !this.account && line) {
      action = h(
        'a',
        {
          href: `/login?next=${encodeURIComponent(location.pathname)}`,
          class: 'button button-secondary button-small',
        },
        t('queue.booth.sign_in'),
      );
    } else if (this.joinable && this.#candidate && open) {
      action = h(
        'button',
        {
          type: 'button',
          class: 'button button-small',
          id: `session-booth-join-${id}`,
          'aria-label': t('live.booths.join_label', { booth: name }),
          disabled: this.#busy.has(id),
          onclick: () => this.#join(id),
        },
        t('queue.booth.join'),
      );
    }
    return h(
      'li',
      { class: 'session-booth', dataset: { booth: id } },
      h('p', { class: 'session-booth-name' }, h('a', { href: `/booths/${id}` }, name)),
      line && !line.error
        ? h(
            'p',
            { class: 'badges' },
            h(
              'span',
              { class: `badge ${open ? 'badge-ok' : 'badge-muted'}` },
              tCode('queue.status.', line.status, 'queue.status.unknown'),
            ),
            ' ',
            h(
              'span',
              { class: 'session-booth-length', id: `session-booth-length-${id}` },
              t('queue.booth.length', { count: line.line.length }),
            ),
          )
        : h('p', { class: 'loading' }, t('queue.booth.loading')),
      action,
      error
        ? h(
            'p',
            {
              class: 'notice notice-error',
              id: `session-booth-error-${id}`,
              tabindex: '-1',
              role: 'alert',
            },
            errorMessage(error),
          )
        : null,
    );
  }
}

customElements.define('lf-session-booths', SessionBooths);
