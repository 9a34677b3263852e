// <lf-line-count>: a booth's line in one line of text — open or not, and how many wait —
// live from booth:<id> (queue-store.js). Set `boothId`, and `status` and `waiting` as
// the page's HTTP answer gave them: shown until the topic's snapshot arrives. The text
// is a polite live region, so a screen reader hears the count change.

import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import * as store from './queue-store.js';

class LineCount extends HTMLElement {
  boothId = '';
  status = 'closed';
  waiting = 0;
  #stopWatch = null;
  #stopChange = null;
  #onLanguage = () => this.#paint();

  connectedCallback() {
    this.#stopWatch = store.watchBooth(this.boothId);
    this.#stopChange = store.onChange(() => this.#paint());
    window.addEventListener('languagechange', this.#onLanguage);
    this.setAttribute('aria-live', 'polite');
    this.#paint();
  }

  disconnectedCallback() {
    this.#stopWatch?.();
    this.#stopChange?.();
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  #paint() {
    const live = store.booth(this.boothId);
    const status = live?.status ?? this.status;
    const waiting = live ? live.length : this.waiting;
    this.dataset.status = status;
    this.dataset.waiting = String(waiting);
    this.replaceChildren(
      h(
        'span',
        { class: `badge ${status === 'open' ? 'badge-ok' : 'badge-muted'}` },
        tCode('queue.status.', status, 'queue.status.unknown'),
      ),
      ' ',
      t('queue.booth.length', { count: waiting }),
    );
  }
}

customElements.define('lf-line-count', LineCount);

/** The element for one booth, showing `status` and `waiting` until the live snapshot. */
export function lineCount(boothId, status, waiting) {
  const element = document.createElement('lf-line-count');
  Object.assign(element, { boothId, status, waiting });
  return element;
}
