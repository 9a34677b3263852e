// <lf-account-link>: in the header, "登录 / Sign in" for a visitor, or the signed-in
// person's name leading to their account page (sessions, roles, sign out), after their
// notifications (<lf-notification-link>, with the unread count). session.js puts it
// there and sets `account` whenever who is signed in changes.

import './notification-link.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** The sign-in page, coming back here afterwards (not from the sign-in pages). */
function signInHref() {
  const here = window.location.pathname;
  if (here === '/' || here === '/login' || here === '/signup') return '/login';
  return `/login?next=${encodeURIComponent(here + window.location.search)}`;
}

class AccountLink extends HTMLElement {
  #account = null;
  #notifications = null; // one <lf-notification-link>, kept across renders
  #onLanguage = () => this.#render();
  #onView = () => {
    const link = this.querySelector('a[href^="/login"]');
    if (link) link.setAttribute('href', signInHref());
  };

  set account(account) {
    this.#account = account;
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
    const account = this.#account;
    const hadFocus = this.contains(document.activeElement);
    const link = account
      ? h(
          'a',
          { href: '/account', class: 'account-link' },
          h('span', { class: 'visually-hidden' }, t('shell.account.label')),
          h('span', { class: 'account-name' }, account.display_name),
        )
      : h('a', { href: signInHref(), class: 'account-link' }, t('shell.account.sign_in'));
    if (account) {
      // Not moved once in place: moving it would drop its focus and redraw it.
      this.#notifications ??= h('lf-notification-link', { class: 'header-notifications' });
      this.#notifications.dataset.account = account.id;
      if (this.firstElementChild !== this.#notifications) this.prepend(this.#notifications);
      for (const child of [...this.children]) if (child !== this.#notifications) child.remove();
      this.append(link);
    } else {
      this.replaceChildren(link);
    }
    if (hadFocus && !this.contains(document.activeElement)) link.focus();
  }
}

customElements.define('lf-account-link', AccountLink);
