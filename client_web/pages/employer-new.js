// Register an employer (/manage/employers/new): any signed-in person may, and becomes
// its admin. It stays private until a venue admin of its region verifies it.

import { api } from '../api.js';
import {
  REQUIRED_FIELDS,
  employerBody,
  employerFields,
  employerValues,
} from '../components/employer-form.js';
import { FormModel, formNode, missing } from '../components/form.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { me, refresh } from '../session.js';

class EmployerNewPage extends LivePage {
  async load() {
    return {
      account: await me(),
      form: new FormModel('employer-new', employerValues()),
    };
  }

  heading() {
    return t('structure.employer_new.title');
  }

  body(model) {
    if (!model.account) return signInPrompt(t('structure.employer_new.sign_in_first'));
    const form = model.form;
    return [
      h('p', { class: 'intro' }, t('structure.employer_new.intro')),
      h(
        'ol',
        { class: 'steps' },
        h('li', {}, t('structure.employer_new.step_register')),
        h('li', {}, t('structure.employer_new.step_verify')),
        h('li', {}, t('structure.employer_new.step_booth')),
      ),
      formNode(form, {
        label: t('structure.employer_new.submit'),
        repaint: (options) => this.repaint(options),
        check: (values) => missing(values, REQUIRED_FIELDS),
        content: () => employerFields(form, language()),
        submit: async (values) => {
          const employer = await api('/api/employers', {
            method: 'POST',
            body: employerBody(values),
          });
          await refresh(); // the account is now this employer's admin
          go(`/manage/employers/${employer.id}`, {
            notice: () =>
              t('structure.employer_new.created', {
                name: employer.name,
                region: regionName(employer.region_code),
              }),
          });
        },
      }),
    ];
  }
}

customElements.define('lf-employer-new-page', EmployerNewPage);
