// My applications (/me/applications): every job I applied to, with its status as the
// employer set it (submitted → viewed → interview → offer / not suitable), the resume
// sent, and withdrawing one that is still open.

import { api, errorMessage } from '../api.js';
import { confirmButton } from '../components/confirm.js';
import { applicationBadge } from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { peopleTabs, resumeLabel, signedIn, when } from '../components/people.js';
import { signInPrompt } from '../components/signed-in.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';

const FINAL = new Set(['withdrawn', 'not_suitable']);

class ApplicationsPage extends LivePage {
  async load(signal) {
    const account = await signedIn();
    if (!account) return { account: null };
    const [applications, fair] = await Promise.all([
      api('/api/applications', { signal }),
      currentFair(),
    ]);
    return { account, fair, applications: applications.items, confirming: null, failure: null };
  }

  heading() {
    return t('people.applications.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    return [
      peopleTabs('applications'),
      model.failure
        ? h(
            'div',
            {
              class: 'notice notice-error',
              role: 'alert',
              id: 'applications-error',
              tabindex: '-1',
            },
            h('p', {}, model.failure()),
          )
        : null,
      model.applications.length === 0
        ? h(
            'p',
            { id: 'applications-none' },
            t('people.applications.none'),
            ' ',
            h('a', { href: '/jobs' }, t('people.applications.find')),
          )
        : h(
            'ul',
            { class: 'cards cards-single', id: 'application-list' },
            model.applications.map((application) => this.#item(model, application)),
          ),
    ];
  }

  #item(model, application) {
    const titleId = `application-${application.id}-title`;
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    return h(
      'li',
      { class: 'card', dataset: { application: application.id } },
      h(
        'h2',
        { class: 'card-title', id: titleId, tabindex: '-1' },
        h('a', { href: `/jobs/${application.job.id}` }, application.job.title),
      ),
      h(
        'p',
        { class: 'card-meta' },
        h('span', {}, application.job.employer_name),
        applicationBadge(application.status),
      ),
      h(
        'dl',
        { class: 'card-facts' },
        row(t('people.applications.sent'), when(application.created_at, model.fair)),
        row(t('people.applications.changed'), when(application.updated_at, model.fair)),
        row(
          t('people.applications.resume'),
          application.resume
            ? resumeLabel(application.resume)
            : t('people.applications.resume_deleted'),
        ),
      ),
      FINAL.has(application.status)
        ? null
        : h(
            'p',
            { class: 'actions' },
            confirmButton(this, {
              verb: 'withdraw',
              key: application.id,
              describedBy: titleId,
              label: t('people.applications.withdraw'),
              confirm: t('people.applications.withdraw_confirm', { title: application.job.title }),
              cancel: t('people.form.cancel'),
              run: () => this.#withdraw(application),
            }),
          ),
    );
  }

  async #withdraw(application) {
    const model = this.model;
    try {
      const changed = await api(`/api/applications/${encodeURIComponent(application.id)}`, {
        method: 'PATCH',
        body: { status: 'withdrawn' },
      });
      model.applications = model.applications.map((a) => (a.id === changed.id ? changed : a));
      model.confirming = null;
      model.failure = null;
      this.repaint({ focus: `#application-${application.id}-title` });
      announce(t('people.applications.withdrawn', { title: application.job.title }));
    } catch (error) {
      model.confirming = null;
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#applications-error' });
    }
  }
}

customElements.define('lf-applications-page', ApplicationsPage);
