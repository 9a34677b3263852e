// Pieces shared by pages that need a signed-in visitor: the prompt shown instead of the
// page to someone who is not signed in, and section tabs for the admin pages.

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { herePath } from './navigate.js';

/** "Sign in to see this page", with links that come back here afterwards. */
export function signInPrompt(reason = null) {
  const next = encodeURIComponent(herePath());
  return h(
    'div',
    { class: 'callout', 'data-sign-in-prompt': '' },
    h('p', {}, reason ?? t('shell.account.needed')),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: `/login?next=${next}`, class: 'button' }, t('shell.account.sign_in')),
      h(
        'a',
        { href: `/signup?next=${next}`, class: 'button button-secondary' },
        t('shell.account.sign_up'),
      ),
    ),
  );
}

/**
 * Links between the pages of one thing (an employer's profile, recruiters, booths):
 * a labelled <nav>, the current one marked with aria-current="page".
 */
export function sectionTabs(label, items, current) {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': label },
    h(
      'ul',
      {},
      items.map((item) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: item.href, 'aria-current': item.id === current ? 'page' : null },
            item.label,
          ),
        ),
      ),
    ),
  );
}
