// The page for any path no route matches. (The server answers such paths with the
// shell and status 200; this page says plainly that nothing lives there.)

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';

class NotFoundPage extends Page {
  heading() {
    return t('shell.notfound.title');
  }

  render() {
    return [
      h('p', {}, t('shell.notfound.body', { path: window.location.pathname })),
      h('p', { class: 'actions' }, h('a', { href: '/', class: 'button' }, t('shell.error.home'))),
    ];
  }
}

customElements.define('lf-not-found-page', NotFoundPage);
