// Sign in (/login?next=/somewhere): mobile number or e-mail and password. Afterwards
// the header and the navigation show the account's roles, and the visitor goes back
// to where they came from (?next=, a path of this site) or to their account page.

import { api } from '../api.js';
import { FormModel, field, formNode, input, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { go, keepNext, nextPath } from '../components/navigate.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { me, refresh } from '../session.js';

class LoginPage extends LivePage {
  async load() {
    return {
      account: await me().catch(() => null),
      form: new FormModel('login', { identifier: '', password: '' }),
    };
  }

  heading() {
    return t('identity.login.title');
  }

  body(model) {
    if (model.account) {
      return h(
        'div',
        { class: 'callout' },
        h('p', {}, t('identity.signup.already', { name: model.account.display_name })),
        h('p', {}, h('a', { href: nextPath(this.query) }, t('identity.login.continue'))),
      );
    }
    const form = model.form;
    const signup = keepNext('/signup', this.query);
    return [
      formNode(form, {
        label: t('identity.login.submit'),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, ['identifier', 'password']),
        content: () => [
          field(form, {
            name: 'identifier',
            label: t('identity.contact.label'),
            hint: t('identity.contact.hint'),
            control: input(form, 'identifier', {
              autocomplete: 'username',
              autocapitalize: 'off',
              spellcheck: 'false',
              maxlength: 254,
            }),
          }),
          field(form, {
            name: 'password',
            label: t('identity.password.label'),
            control: input(form, 'password', {
              type: 'password',
              autocomplete: 'current-password',
              maxlength: 256,
            }),
          }),
        ],
        submit: async (values) => {
          const signed = await api('/api/auth/login', {
            method: 'POST',
            body: { identifier: values.identifier.trim(), password: values.password },
          });
          await refresh();
          const name = signed.account.display_name;
          go(nextPath(this.query), { notice: () => t('identity.login.welcome', { name }) });
        },
      }),
      h(
        'p',
        {},
        h(
          'a',
          { href: keepNext('/reset-password', this.query), id: 'login-forgot' },
          t('identity.reset.forgot'),
        ),
      ),
      h(
        'p',
        {},
        t('identity.login.no_account'),
        ' ',
        h('a', { href: signup }, t('identity.signup.title')),
      ),
    ];
  }
}

customElements.define('lf-login-page', LoginPage);
