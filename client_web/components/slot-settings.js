// <lf-slot-settings>: on the booth's settings page, how the booth takes reservations —
// on or off, first come or lottery, places per slot (定员), the buffer between slots,
// when booking opens and closes, and the grace after a slot's start (PUT
// /api/booths/<id>/slot-settings; booth staff only). Set `boothId` before connecting.
// Slots already booked keep what they had. Strings: the "reservations" catalogue.

import { api, errorMessage } from '../api.js';
import { field, FormModel, formNode, input, missing, select } from './form.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

// The number fields (their bounds are the API's: server/domain/slots.py).
const NUMBERS = [
  { name: 'capacity', min: 1, max: 50, label: () => t('reservations.settings.capacity') },
  { name: 'buffer_minutes', min: 0, max: 60, label: () => t('reservations.settings.buffer') },
  { name: 'opens_hours', min: 1, max: 720, label: () => t('reservations.settings.opens') },
  {
    name: 'closes_minutes',
    min: 0,
    max: 1440,
    label: () => t('reservations.settings.closes'),
    hint: () => t('reservations.settings.closes_hint'),
  },
  {
    name: 'grace_minutes',
    min: 1,
    max: 120,
    label: () => t('reservations.settings.grace'),
    hint: () => t('reservations.settings.grace_hint'),
  },
];
const NAMES = NUMBERS.map(({ name }) => name);

class SlotSettings extends HTMLElement {
  boothId = '';
  #model = null;
  #loadError = null;
  #saved = false;
  #started = false;
  #onLanguage = () => this.#paint();

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    if (this.#started) return;
    this.#started = true;
    this.#paint();
    api(`/api/booths/${encodeURIComponent(this.boothId)}/slot-settings`).then(
      (settings) => {
        const values = { enabled: settings.enabled ? 'on' : 'off', mode: settings.mode };
        for (const name of NAMES) values[name] = String(settings[name]);
        this.#model = new FormModel('slot-settings', values);
        this.#paint();
      },
      (error) => {
        this.#loadError = error;
        this.#paint();
      },
    );
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  #paint(options = {}) {
    if (!this.#model) {
      this.replaceChildren(
        this.#section(
          this.#loadError
            ? h('p', { class: 'notice notice-error', role: 'alert' }, errorMessage(this.#loadError))
            : h('p', { class: 'loading' }, t('shell.loading')),
        ),
      );
      return;
    }
    const model = this.#model;
    const number = (name, min, max) =>
      input(model, name, { type: 'number', inputmode: 'numeric', min, max, required: true });
    const form = formNode(model, {
      label: t('reservations.settings.save'),
      repaint: (opts) => this.#paint(opts),
      content: () => [
        field(model, {
          name: 'enabled',
          label: t('reservations.settings.enabled'),
          control: select(model, 'enabled', [
            { value: 'off', label: t('reservations.settings.off') },
            { value: 'on', label: t('reservations.settings.on') },
          ]),
        }),
        field(model, {
          name: 'mode',
          label: t('reservations.settings.mode'),
          hint: t('reservations.settings.mode_hint'),
          control: select(model, 'mode', [
            { value: 'first_come', label: t('reservations.mode.first_come') },
            { value: 'lottery', label: t('reservations.mode.lottery') },
          ]),
        }),
        ...NUMBERS.map(({ name, min, max, label, hint }) =>
          field(model, {
            name,
            label: label(),
            hint: hint ? hint() : null,
            control: number(name, min, max),
          }),
        ),
      ],
      submit: async (values) => {
        const body = { enabled: values.enabled === 'on', mode: values.mode };
        for (const name of NAMES) body[name] = Number(values[name]);
        this.#saved = false;
        await api(`/api/booths/${encodeURIComponent(this.boothId)}/slot-settings`, {
          method: 'PUT',
          body,
        });
        this.#saved = true;
        this.#paint({ focus: '#slot-settings-saved' });
      },
      check: (values) => missing(values, NAMES),
    });
    this.replaceChildren(
      this.#section(
        form,
        h(
          'p',
          { id: 'slot-settings-saved', role: 'status', tabindex: '-1' },
          this.#saved ? t('reservations.settings.saved') : null,
        ),
      ),
    );
    if (options.focus) this.querySelector(options.focus)?.focus();
  }

  #section(...content) {
    return h(
      'section',
      { 'aria-labelledby': 'slot-settings-title', class: 'subsection' },
      h('h2', { id: 'slot-settings-title' }, t('reservations.settings.title')),
      h('p', { class: 'hint' }, t('reservations.settings.intro')),
      content,
    );
  }
}

customElements.define('lf-slot-settings', SlotSettings);
