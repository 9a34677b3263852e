// <lf-nav>: the main navigation, built from nav.js for the visitor's roles.
//
// Wide screens show the links in a row. Narrow screens (the breakpoint is in
// styles/shell.css) show a "Menu" button (aria-expanded, aria-controls) that opens the
// list; Escape closes it and returns focus to the button, and following a link closes
// it. The link of the current section carries aria-current ("page" on the section's
// own page, "true" on a page inside it such as /venues/<id>).

import { currentItem } from '../nav.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

class SiteNav extends HTMLElement {
  #items = [];
  #open = false;
  #nav = null;
  #toggle = null;
  #list = null;
  #onLanguage = () => this.#render();
  #onView = () => {
    this.#setOpen(false);
    this.#markCurrent();
  };

  set items(items) {
    this.#items = items;
    if (this.isConnected) this.#render();
  }

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    window.addEventListener('livefair:view', this.#onView);
    this.#render();
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
    window.removeEventListener('livefair:view', this.#onView);
  }

  #render() {
    const hadFocus = this.contains(document.activeElement);
    const focusedHref = document.activeElement?.getAttribute?.('href');
    const focusedToggle = document.activeElement === this.#toggle;
    this.#toggle = h(
      'button',
      {
        type: 'button',
        class: 'nav-toggle',
        'aria-controls': 'site-nav-list',
        'aria-expanded': String(this.#open),
        onclick: () => this.#setOpen(!this.#open),
      },
      h('span', { class: 'nav-toggle-icon', 'aria-hidden': 'true' }),
      t('shell.nav.menu'),
    );
    this.#list = h(
      'ul',
      { id: 'site-nav-list', class: 'nav-list' },
      this.#items.map((item) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: item.href, dataset: { nav: item.id }, onclick: () => this.#setOpen(false) },
            t(item.label),
          ),
        ),
      ),
    );
    this.#nav = h(
      'nav',
      {
        class: `site-nav${this.#open ? ' open' : ''}`,
        'aria-label': t('shell.nav.label'),
        onkeydown: (event) => {
          if (event.key === 'Escape' && this.#open) {
            this.#setOpen(false);
            this.#toggle.focus();
          }
        },
      },
      h('div', { class: 'container' }, this.#toggle, this.#list),
    );
    this.replaceChildren(this.#nav);
    this.#markCurrent();
    if (hadFocus) {
      const again = focusedToggle ? this.#toggle : this.querySelector(`a[href="${focusedHref}"]`);
      again?.focus();
    }
  }

  #setOpen(open) {
    this.#open = open;
    if (!this.#nav) return;
    this.#nav.classList.toggle('open', open);
    this.#toggle.setAttribute('aria-expanded', String(open));
  }

  #markCurrent() {
    const current = currentItem(this.#items, window.location.pathname);
    for (const link of this.querySelectorAll('a[data-nav]')) {
      if (current && link.dataset.nav === current.id) {
        link.setAttribute(
          'aria-current',
          current.href === window.location.pathname ? 'page' : 'true',
        );
      } else {
        link.removeAttribute('aria-current');
      }
    }
  }
}

customElements.define('lf-nav', SiteNav);
