// <lf-booth-line-status>: the booth's line as its staff run it, in the booth console:
// whether it is open, paused or closed (live, from booth:<id>), and buttons to open,
// pause or close it (PUT /api/booths/<id>/queue-status). Closing stops joins; those in
// line are still served until the last staff member leaves, and 24:00 fair time closes
// the line and expires who is left (docs/queues.md). Set `boothId` before connecting.

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import * as store from './queue-store.js';

const STATUSES = ['open', 'paused', 'closed'];

class BoothLineStatus extends HTMLElement {
  boothId = '';
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

  async #set(status) {
    this.#busy = true;
    this.#error = null;
    this.#paint();
    try {
      await api(`/api/booths/${encodeURIComponent(this.boothId)}/queue-status`, {
        method: 'PUT',
        body: { status },
      });
    } catch (error) {
      this.#error = error;
    }
    this.#busy = false;
    this.#paint();
    this.querySelector(this.#error ? '#console-line-error' : `#console-line-${status}`)?.focus();
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
      ),
    );
  }
}

customElements.define('lf-booth-line-status', BoothLineStatus);
