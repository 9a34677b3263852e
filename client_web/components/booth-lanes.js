// <lf-booth-lanes>: on the booth's settings page, the booth's key-group lane (暖心送岗,
// docs/queues.md) — which key groups it serves and the ratio of key-group to general
// tickets called (getBoothLanes / setBoothLanes; booth staff only). Set `boothId` before
// connecting. "Now:" shows what the server last answered; another staff member's change
// shows on the next load (this page follows no topic). Strings: the "queue" catalogue;
// key-group names from "jobs".

import { api, errorMessage } from '../api.js';
import { KEY_GROUPS, keyGroupText } from './job-text.js';
import { h, replaceKeepingFocus } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const WEIGHTS = Array.from({ length: 10 }, (_, i) => i + 1);

class BoothLanes extends HTMLElement {
  boothId = '';
  #lanes = null; // {key_groups, ratio: {key_group, general}} as the server has them
  #draft = null;
  #error = null;
  #busy = false;
  #started = false;
  #onLanguage = () => this.#paint();

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    if (this.#started) return;
    this.#started = true;
    this.#paint();
    api(this.#path()).then(
      (lanes) => this.#set(lanes),
      (error) => {
        this.#error = error;
        this.#paint();
      },
    );
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  #path() {
    return `/api/booths/${encodeURIComponent(this.boothId)}/lanes`;
  }

  #set(lanes, focus = null) {
    this.#lanes = lanes;
    this.#draft = structuredClone(lanes);
    this.#paint(focus);
  }

  async #save() {
    this.#busy = true;
    this.#error = null;
    this.#paint();
    let saved = null;
    try {
      saved = await api(this.#path(), { method: 'PUT', body: this.#draft });
    } catch (error) {
      this.#error = error;
    }
    this.#busy = false;
    if (saved) this.#set(saved, '#lanes-title');
    else this.#paint('#lanes-error');
  }

  #paint(focus = null) {
    replaceKeepingFocus(
      this,
      h(
        'section',
        { 'aria-labelledby': 'lanes-title', class: 'subsection' },
        h('h2', { id: 'lanes-title', tabindex: '-1' }, t('queue.lanes.title')),
        h('p', { class: 'hint' }, t('queue.lanes.explain')),
        this.#error
          ? h(
              'p',
              { class: 'notice notice-error', id: 'lanes-error', tabindex: '-1', role: 'alert' },
              errorMessage(this.#error),
            )
          : null,
        this.#draft ? this.#form() : null,
        this.#draft || this.#error ? null : h('p', { class: 'loading' }, t('shell.loading')),
      ),
      focus,
    );
  }

  #form() {
    const draft = this.#draft;
    const lanes = this.#lanes;
    const ratioSelect = (which) =>
      h(
        'select',
        {
          id: `lanes-${which}`,
          onchange: (event) => {
            draft.ratio[which] = Number(event.currentTarget.value);
          },
        },
        WEIGHTS.map((w) =>
          h('option', { value: String(w), selected: draft.ratio[which] === w }, String(w)),
        ),
      );
    return h(
      'form',
      {
        class: 'stacked-form',
        id: 'lanes-form',
        onsubmit: (event) => {
          event.preventDefault();
          this.#save();
        },
      },
      h(
        'fieldset',
        {},
        h('legend', {}, t('queue.lanes.groups')),
        KEY_GROUPS.map((group) =>
          h(
            'p',
            { class: 'check' },
            h('input', {
              type: 'checkbox',
              id: `lanes-group-${group}`,
              checked: draft.key_groups.includes(group),
              onchange: (event) => {
                const rest = draft.key_groups.filter((g) => g !== group);
                draft.key_groups = event.currentTarget.checked ? [...rest, group] : rest;
              },
            }),
            h('label', { for: `lanes-group-${group}` }, keyGroupText(group)),
          ),
        ),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, t('queue.lanes.ratio')),
        h(
          'p',
          {},
          h('label', { for: 'lanes-key_group' }, t('queue.lanes.key_group_weight')),
          ' ',
          ratioSelect('key_group'),
        ),
        h(
          'p',
          {},
          h('label', { for: 'lanes-general' }, t('queue.lanes.general_weight')),
          ' ',
          ratioSelect('general'),
        ),
      ),
      h(
        'p',
        { id: 'lanes-current' },
        lanes.key_groups.length === 0
          ? t('queue.lanes.closed')
          : t('queue.lanes.open', {
              groups: lanes.key_groups.map(keyGroupText).join(t('queue.lanes.separator')),
              key_group: lanes.ratio.key_group,
              general: lanes.ratio.general,
            }),
      ),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'submit', class: 'button', id: 'lanes-save', disabled: this.#busy },
          t('queue.lanes.save'),
        ),
      ),
    );
  }
}

customElements.define('lf-booth-lanes', BoothLanes);
