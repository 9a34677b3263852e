// My lines (/me/lines): the signed-in candidate's places in booths' lines, live
// (components/my-lines-panel.js). Anonymous visitors are asked to sign in.

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { me } from '../session.js';
import '../components/my-lines-panel.js';

class MyLinesPage extends Page {
  async load() {
    return { account: await me().catch(() => null) };
  }

  heading() {
    return t('queue.mine.title');
  }

  render({ account }) {
    if (!account) {
      return [
        h('p', { class: 'intro' }, t('queue.mine.sign_in')),
        h(
          'p',
          {},
          h('a', { href: '/login?next=/me/lines', class: 'button' }, t('queue.mine.sign_in_link')),
        ),
      ];
    }
    return [
      h('p', { class: 'intro' }, t('queue.mine.intro')),
      h('lf-my-lines-panel', {}),
      h('p', {}, h('a', { href: '/me/bookings' }, t('queue.mine.bookings'))),
    ];
  }
}

customElements.define('lf-my-lines-page', MyLinesPage);
