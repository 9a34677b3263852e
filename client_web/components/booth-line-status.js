// <lf-booth-line-status>: the booth's line as its staff run it, in the booth console:
// whether it is open, paused or closed (live, from booth:<id>), and buttons to open,
// pause or close it (PUT /api/booths/<id>/queue-status). Closing stops joins; those in
// line are still served until the last staff member leaves, and 24:00 fair time closes
// the line and expires who is left (docs/queues.md). A checkbox lets the line follow
// the booth's opening hours (PUT /api/booths/<id>/follow-hours): the hours then open
// and close it at each boundary. Whether it follows them comes from booth:<id>:staff,
// which the console hands over frame by frame (onStaffFrame). Set `boothId` (and
// `hours`, `zone` to show the hours it follows) before connecting.

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { hoursNode } from './hours.js';
import * as store from './queue-store.js';

const STATUSES = ['open', 'paused', 'closed'];

class BoothLineStatus extends HTMLElement {
  boothId = '';
  hours = [];
  zone = 'Asia/Shanghai';
  #follow = null; // following the hours? null until the staff snapshot
  #stopWatch = null;
  #stopChange = null;
  #busy = false;
  #error = null;
  #onLanguage = () => this.#paint();

  connectedCallback() {
    if (!this.#stopWatch) {
      this.#stopWatch = store.watchBooth(this.boothId);
      this.#stopChange = store.onChange(() => this.#paint());
    }
    window.addEventListener('languagechange', this.#onLanguage);
    this.#paint();
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
    // The console repaints by taking this element out and putting it back in the same
    // task: keep following the line then, rather than drop booth:<id> and wait for a new
    // snapshot (the buttons would go "connecting" and disabled on every repaint).
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#stopWatch?.();
      this.#stopChange?.();
      this.#stopWatch = null;
      this.#stopChange = null;
    });
  }

  /** A frame of booth:<id>:staff (the console's subscription). */
  onStaffFrame(frame) {
    if (frame.op === 'snapshot') {
      this.#follow = frame.data.follow_hours === true;
    } else if (frame.op === 'event' && frame.type === 'queue.follow_hours') {
      this.#follow = frame.data.follow === true;
    } else {
      return;
    }
    this.#paint();
  }

  #setFollow(follow) {
    const body = { follow_hours: follow };
    this.#put('follow-hours', body, '#console-line-follow', () => {
      this.#follow = follow; // the event confirms it
    });
  }

  #set(status) {
    this.#put('queue-status', { status }, `#console-line-${status}`);
  }

  /** PUT one of the line's settings; then focus `focus`, or the error if refused. */
  async #put(path, body, focus, then = null) {
    this.#busy = true;
    this.#error = null;
    this.#paint();
    try {
      const booth = encodeURIComponent(this.boothId);
      await api(`/api/booths/${booth}/${path}`, { method: 'PUT', body });
      then?.();
    } catch (error) {
      this.#error = error;
    }
    this.#busy = false;
    this.#paint();
    this.querySelector(this.#error ? '#console-line-error' : focus)?.focus();
  }

  #paint() {
    const status = store.booth(this.boothId)?.status ?? null;
    this.replaceChildren(
      h(
        'section',
        { 'aria-labelledby': 'console-line-title', class: 'subsection' },
        h('h2', { id: 'console-line-title' }, t('queue.line.title')),
        h(
          'p',
          { id: 'console-line-status', role: 'status', dataset: status ? { status } : {} },
          status === null
            ? t('queue.console.connecting')
            : tCode('queue.status.', status, 'queue.status.unknown'),
        ),
        this.#error
          ? h(
              'p',
              {
                class: 'notice notice-error',
                id: 'console-line-error',
                tabindex: '-1',
                role: 'alert',
              },
              errorMessage(this.#error),
            )
          : null,
        h(
          'p',
          { class: 'actions' },
          STATUSES.map((value) =>
            h(
              'button',
              {
                type: 'button',
                class: value === 'open' ? 'button' : 'button button-secondary',
                id: `console-line-${value}`,
                'aria-pressed': status === value ? 'true' : 'false',
                disabled: status === null || this.#busy,
                onclick: () => this.#set(value),
              },
              tCode('queue.line.set_', value, 'queue.line.title'),
            ),
          ),
        ),
        h('p', { class: 'hint' }, t('queue.line.hint')),
        h(
          'p',
          { class: 'check' },
          h('input', {
            type: 'checkbox',
            id: 'console-line-follow',
            checked: this.#follow === true,
            disabled: this.#follow === null || this.#busy,
            'aria-describedby': 'console-line-follow-hint',
            onchange: (event) => this.#setFollow(event.currentTarget.checked),
          }),
          h('label', { for: 'console-line-follow' }, t('queue.line.follow_hours')),
        ),
        h(
          'div',
          { id: 'console-line-follow-hint' },
          h('p', { class: 'hint' }, t('queue.line.follow_hours_hint')),
          hoursNode(this.hours ?? [], this.zone, language()),
        ),
      ),
    );
  }
}

customElements.define('lf-booth-line-status', BoothLineStatus);
