// Deleting my account (/me/delete): what goes (profile, resumes, assessment, the
// download log, sign-in), what stays without my name (applications and interviews,
// counted in the fair's statistics), and the password to confirm it. Afterwards the
// browser is signed out and lands on the home page.

import { api } from '../api.js';
import { FormModel, field, formNode, input, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { peopleTabs, signedIn } from '../components/people.js';
import { signInPrompt } from '../components/signed-in.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { refresh } from '../session.js';

class DeleteAccountPage extends LivePage {
  async load() {
    const account = await signedIn();
    return { account, form: new FormModel('delete-account', { password: '' }) };
  }

  heading() {
    return t('people.delete.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    const form = model.form;
    return [
      peopleTabs('delete'),
      h(
        'div',
        { class: 'callout callout-wait' },
        h('p', {}, t('people.delete.intro')),
        h(
          'ul',
          {},
          h('li', {}, t('people.delete.removes')),
          h('li', {}, t('people.delete.keeps')),
          h('li', {}, t('people.delete.final')),
        ),
      ),
      formNode(form, {
        label: t('people.delete.submit'),
        className: 'form-danger',
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, ['password']),
        content: () => [
          field(form, {
            name: 'password',
            label: t('people.delete.password'),
            hint: t('people.delete.password_hint'),
            control: input(form, 'password', {
              type: 'password',
              autocomplete: 'current-password',
            }),
          }),
        ],
        submit: async (values) => {
          await api('/api/me', { method: 'DELETE', body: { password: values.password } });
          await refresh();
          go('/', { notice: () => t('people.delete.done') });
        },
      }),
    ];
  }
}

customElements.define('lf-delete-account-page', DeleteAccountPage);
