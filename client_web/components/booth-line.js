// <lf-booth-line>: a booth's line on its page (/booths/<id>): open or not, how many
// wait (live, from booth:<id>), and for a signed-in candidate a "join the line" button —
// or, once in line, their place and a link to "my lines". Set `boothId` and `account`
// (GET /api/me or null) before connecting it. Where the booth has a key-group lane, the
// candidate may agree to use it (its staff then see that they belong to a key group;
// joinQueue ?key_group_lane=true). Set `outsideHours` when the fair's clock is outside the
// booth's opening hours: an open line then says that nobody may be serving and that a
// place not called by the day's close lapses. Strings: the "queue" catalogue, key groups
// from "jobs".

import { ApiError, api, errorMessage } from '../api.js';
import { keyGroupText } from './job-text.js';
import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';
import { positionText, stateText, unlockAudio, waitText } from './my-lines-panel.js';
import * as store from './queue-store.js';

class BoothLine extends HTMLElement {
  boothId = '';
  account = null;
  outsideHours = false;
  #stopWatch = null;
  #stopChange = null;
  #error = null;
  #watching = false;
  #busy = false;
  #lanes = null; // the booth's key-group lane ({key_groups, ratio}), for candidates
  #useLane = false;
  #onLanguage = () => this.#paint();

  get #candidate() {
    return (this.account?.grants ?? []).some((grant) => grant.role === 'candidate');
  }

  connectedCallback() {
    this.#stopWatch = store.watchBooth(this.boothId);
    if (this.#candidate) {
      store.start();
      api(`/api/booths/${encodeURIComponent(this.boothId)}/lanes`)
        .then((lanes) => {
          this.#lanes = lanes;
          this.#paint();
        })
        .catch(() => {}); // no lane offer then; joining still works
    }
    this.#stopChange = store.onChange(() => this.#paint());
    window.addEventListener('languagechange', this.#onLanguage);
    this.#paint();
  }

  disconnectedCallback() {
    this.#stopWatch?.();
    this.#stopChange?.();
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  async #join() {
    unlockAudio(); // this click is the gesture that lets the call's chime play later
    this.#busy = true;
    this.#error = null;
    this.#paint();
    try {
      await store.join(this.boothId, { keyGroupLane: this.#useLane });
      this.#busy = false;
      this.#paint();
      this.querySelector('#booth-line-mine')?.focus();
    } catch (error) {
      this.#busy = false;
      this.#error = error;
      this.#paint();
      this.querySelector('#booth-line-error')?.focus();
    }
  }

  async #watch() {
    try {
      await api(`/api/booths/${encodeURIComponent(this.boothId)}/watch`, { method: 'POST' });
      this.#watching = true;
      this.#error = null;
    } catch (error) {
      this.#error = error;
    }
    this.#paint();
  }

  #paint() {
    const booth = store.booth(this.boothId);
    const active = document.activeElement;
    const activeId = active && this.contains(active) ? active.id : '';
    this.replaceChildren(...this.#body(booth).flat(Infinity).filter(Boolean));
    if (activeId) this.querySelector(`#${CSS.escape(activeId)}`)?.focus();
  }

  #body(booth) {
    if (booth?.error) return []; // a booth without a line (not approved): nothing to say
    const nodes = [h('h2', { id: 'booth-line-title' }, t('queue.booth.title'))];
    if (!booth) {
      nodes.push(h('p', { class: 'loading' }, t('queue.booth.loading')));
      return [h('section', { 'aria-labelledby': 'booth-line-title', class: 'subsection' }, nodes)];
    }
    const open = booth.status === 'open';
    nodes.push(
      h(
        'p',
        { class: 'badges' },
        h(
          'span',
          { class: `badge ${open ? 'badge-ok' : 'badge-muted'}` },
          tCode('queue.status.', booth.status, 'queue.status.unknown'),
        ),
        ' ',
        h(
          'span',
          { class: 'booth-line-length', id: 'booth-line-length' },
          t('queue.booth.length', { count: booth.length ?? booth.line.length }),
        ),
      ),
    );
    if (open && this.outsideHours) {
      nodes.push(
        h('p', { class: 'hint', id: 'booth-line-after-hours' }, t('queue.booth.after_hours')),
      );
    }
    const mine = this.#candidate ? store.ticketAt(this.boothId) : null;
    if (mine) {
      const position = store.position(mine);
      nodes.push(
        h(
          'p',
          { id: 'booth-line-mine', tabindex: '-1', class: 'callout' },
          // "Next" while nobody serves says so, not "get ready" (my-lines-panel.js).
          t('queue.booth.in_line', { state: stateText(mine) }),
          // One sentence, not two phrases run together: "…第一位；预计等候：约3–6分钟。"
          position !== null
            ? [
                ' ',
                t('queue.booth.place_wait', {
                  position: positionText(position),
                  wait: waitText(store.waitRange(mine)),
                }),
              ]
            : null,
        ),
        h('p', {}, h('a', { href: '/me/lines' }, t('queue.booth.see_mine'))),
      );
    } else if (!this.account) {
      nodes.push(
        h(
          'p',
          {},
          h(
            'a',
            { href: `/login?next=/booths/${this.boothId}`, class: 'button button-secondary' },
            t('queue.booth.sign_in'),
          ),
        ),
      );
    } else if (this.#candidate && open) {
      const groups = this.#lanes?.key_groups ?? [];
      if (groups.length > 0) {
        const box = h('input', {
          type: 'checkbox',
          id: 'booth-join-lane',
          checked: this.#useLane,
          'aria-describedby': 'booth-join-lane-hint',
        });
        box.addEventListener('change', () => {
          this.#useLane = box.checked;
        });
        nodes.push(
          h(
            'p',
            { class: 'check' },
            box,
            h(
              'label',
              { for: 'booth-join-lane' },
              t('queue.booth.use_lane', {
                groups: groups.map(keyGroupText).join(t('queue.lanes.separator')),
              }),
            ),
            h('span', { class: 'hint', id: 'booth-join-lane-hint' }, t('queue.booth.use_lane_hint')),
          ),
        );
      }
      nodes.push(
        h(
          'p',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              id: 'booth-join',
              disabled: this.#busy,
              onclick: () => this.#join(),
            },
            t('queue.booth.join'),
          ),
        ),
      );
    } else if (!open) {
      nodes.push(h('p', { class: 'hint' }, t('queue.booth.not_open')));
    }
    if (this.#error) {
      const full = this.#error instanceof ApiError && this.#error.code === 'queue.full';
      nodes.push(
        h(
          'div',
          { class: 'notice notice-error', id: 'booth-line-error', tabindex: '-1' },
          h('p', {}, errorMessage(this.#error)),
          full && !this.#watching
            ? h(
                'button',
                { type: 'button', class: 'button button-secondary', onclick: () => this.#watch() },
                t('queue.booth.watch'),
              )
            : null,
        ),
      );
    }
    if (this.#watching) nodes.push(h('p', { class: 'notice' }, t('queue.booth.watching')));
    return [h('section', { 'aria-labelledby': 'booth-line-title', class: 'subsection' }, nodes)];
  }
}

customElements.define('lf-booth-line', BoothLine);
