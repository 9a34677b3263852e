// <lf-slot-settings>: on the booth console, how the booth takes reservations — on or
// off, first come or lottery, places per slot (定员), the buffer between slots, when
// booking opens and closes, and the grace after a slot's start (PUT
// /api/booths/<id>/slot-settings; booth staff only). Set `boothId` before connecting.
// Slots already booked keep what they had. Strings: the "reservations" catalogue.

import { api } from '../api.js';
import { field, FormModel, formNode, input, missing, select } from './form.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const NUMBERS = ['capacity', 'buffer_minutes', 'opens_hours', 'closes_minutes', 'grace_minutes'];

class SlotSettings extends HTMLElement {
  boothId = '';
  #model = null;
  #saved = false;
  #started = false;
  #onLanguage = () => this.#paint();

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    if (this.#started) return;
    this.#started = true;
    api(`/api/booths/${encodeURIComponent(this.boothId)}/slot-settings`).then(
      (settings) => {
        const values = { enabled: settings.enabled ? 'on' : 'off', mode: settings.mode };
        for (const name of NUMBERS) values[name] = String(settings[name]);
        this.#model = new FormModel('slot-settings', values);
        this.#paint();
      },
      () => {}, // the console shows the booth's own errors; nothing to set here
    );
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  #paint(options = {}) {
    if (!this.#model) return;
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
        field(model, {
          name: 'capacity',
          label: t('reservations.settings.capacity'),
          control: number('capacity', 1, 50),
        }),
        field(model, {
          name: 'buffer_minutes',
          label: t('reservations.settings.buffer'),
          control: number('buffer_minutes', 0, 60),
        }),
        field(model, {
          name: 'opens_hours',
          label: t('reservations.settings.opens'),
          control: number('opens_hours', 1, 720),
        }),
        field(model, {
          name: 'closes_minutes',
          label: t('reservations.settings.closes'),
          hint: t('reservations.settings.closes_hint'),
          control: number('closes_minutes', 0, 1440),
        }),
        field(model, {
          name: 'grace_minutes',
          label: t('reservations.settings.grace'),
          hint: t('reservations.settings.grace_hint'),
          control: number('grace_minutes', 1, 120),
        }),
      ],
      submit: async (values) => {
        const body = { enabled: values.enabled === 'on', mode: values.mode };
        for (const name of NUMBERS) body[name] = Number(values[name]);
        this.#saved = false;
        await api(`/api/booths/${encodeURIComponent(this.boothId)}/slot-settings`, {
          method: 'PUT',
          body,
        });
        this.#saved = true;
        this.#paint({ focus: '#slot-settings-saved' });
      },
      check: (values) => missing(values, NUMBERS),
    });
    this.replaceChildren(
      h(
        'section',
        { 'aria-labelledby': 'slot-settings-title', class: 'subsection' },
        h('h2', { id: 'slot-settings-title' }, t('reservations.settings.title')),
        h('p', { class: 'hint' }, t('reservations.settings.intro')),
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
}

customElements.define('lf-slot-settings', SlotSettings);
