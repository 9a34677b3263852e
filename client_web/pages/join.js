// Join an employer (/join): a signed-in person enters the one-time invitation code an
// employer's admin gave them and becomes one of its recruiters (acceptInvitation).

import { api } from '../api.js';
import { FormModel, field, formNode, input, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { signInPrompt } from '../components/signed-in.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { me, refresh } from '../session.js';

class JoinPage extends LivePage {
  async load() {
    return {
      account: await me(),
      form: new FormModel('join', { code: this.query.get('code') ?? '' }),
    };
  }

  heading() {
    return t('identity.join.title');
  }

  body(model) {
    if (!model.account) return signInPrompt(t('identity.join.sign_in_first'));
    const form = model.form;
    return [
      h('p', { class: 'intro' }, t('identity.join.intro')),
      formNode(form, {
        label: t('identity.join.submit'),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, ['code']),
        content: () => [
          field(form, {
            name: 'code',
            label: t('identity.join.code'),
            hint: t('identity.join.code_hint'),
            control: input(form, 'code', {
              autocomplete: 'off',
              autocapitalize: 'characters',
              spellcheck: 'false',
              maxlength: 40,
              class: 'input-code',
            }),
          }),
        ],
        submit: async (values) => {
          const accepted = await api('/api/invitations/accept', {
            method: 'POST',
            body: { code: values.code.trim() },
          });
          await refresh();
          const name = accepted.employer.name;
          go(`/manage/employers/${accepted.employer.id}`, {
            notice: () => t('identity.join.joined', { employer: name }),
          });
        },
      }),
    ];
  }
}

customElements.define('lf-join-page', JoinPage);
