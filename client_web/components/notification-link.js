// <lf-notification-link>: in the header, beside the signed-in person's name, a bell
// leading to /me/notifications with the unread count as a badge. Its accessible name
// carries the count ("通知，3 条未读"); the word is shown on wide screens, the bell and
// the badge alone on a phone (styles/shell.css). The count follows `me` live
// (notification-store.js): a new notification raises it on whatever page is open.

import { onChange, start, unreadCount } from './notification-store.js';
import { h } from '../lib/dom.js';
import { t, useFeatures } from '../lib/i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_SHOWN = 99;

function bell() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'notification-bell');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const shape = document.createElementNS(SVG, 'path');
  shape.setAttribute(
    'd',
    'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5' +
      ' 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z',
  );
  shape.setAttribute('fill', 'currentColor');
  svg.append(shape);
  return svg;
}

class NotificationLink extends HTMLElement {
  static observedAttributes = ['data-account'];
  #ready = false;
  #stop = null;
  #onLanguage = () => this.#render();
  #onView = () => this.#render(); // aria-current follows the page

  async connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    window.addEventListener('livefair:view', this.#onView);
    this.#stop = onChange((change) => {
      if (change.type === 'count' || change.type === 'created') this.#render();
    });
    start();
    await useFeatures(['notifications']);
    this.#ready = true;
    if (this.isConnected) this.#render();
  }

  attributeChangedCallback() {
    if (this.isConnected) start(); // someone else signed in: their count
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
    window.removeEventListener('livefair:view', this.#onView);
    this.#stop?.();
    this.#stop = null;
  }

  #render() {
    if (!this.#ready) return;
    const count = unreadCount() ?? 0;
    const hadFocus = this.contains(document.activeElement);
    const name =
      count > 0 ? t('notifications.link.unread', { count }) : t('notifications.link.label');
    const link = h(
      'a',
      {
        href: '/me/notifications',
        class: 'notification-link',
        id: 'header-notifications',
        'aria-label': name,
        'aria-current': window.location.pathname === '/me/notifications' ? 'page' : null,
        dataset: { unread: String(count) },
      },
      bell(),
      h('span', { class: 'notification-label' }, t('notifications.link.label')),
      count > 0
        ? h(
            'span',
            { class: 'notification-count', 'aria-hidden': 'true' },
            count > MAX_SHOWN ? `${MAX_SHOWN}+` : String(count),
          )
        : null,
    );
    this.replaceChildren(link);
    if (hadFocus) link.focus();
  }
}

customElements.define('lf-notification-link', NotificationLink);
