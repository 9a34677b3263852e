// <lf-language-switch>: one button that switches between zh-CN and en. The button is
// labelled with the other language's name in that language (English / 中文), the
// convention people look for; the choice is remembered (lib/i18n.js).

import { h } from '../lib/dom.js';
import { language, setLanguage, t } from '../lib/i18n.js';
import { announce } from '../notices.js';

class LanguageSwitch extends HTMLElement {
  #button = null;
  #busy = false;
  #onLanguage = () => this.#label();

  connectedCallback() {
    if (!this.#button) {
      this.#button = h('button', { type: 'button', class: 'language-switch' });
      this.#button.addEventListener('click', () => this.#toggle());
      this.append(this.#button);
    }
    window.addEventListener('languagechange', this.#onLanguage);
    this.#label();
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  #other() {
    return language() === 'en' ? 'zh-CN' : 'en';
  }

  #label() {
    this.#button.lang = this.#other();
    this.#button.textContent = t('shell.language.other');
  }

  async #toggle() {
    if (this.#busy) return; // not `disabled`: that would take focus off the button
    this.#busy = true;
    try {
      await setLanguage(this.#other());
      announce(t('shell.language.changed'));
    } catch (error) {
      console.error(error);
      announce(t('shell.error.load_failed'), { kind: 'error' });
    } finally {
      this.#busy = false;
    }
  }
}

customElements.define('lf-language-switch', LanguageSwitch);
