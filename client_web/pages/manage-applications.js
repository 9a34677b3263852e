// Applications received (/manage/applications?employer=<id>&status=): the inbox of an
// employer the visitor recruits for. Each application shows the candidate as they
// chose to be shown (contact, key groups and assessment only if they opted in), the
// job, the resume to download (audited: the candidate sees it), and the status to set.
// Someone who does not work for the employer is told so (the API answers 403).

import { ApiError, api, errorMessage } from '../api.js';
import {
  APPLICATION_STATUSES,
  EMPLOYER_STATUSES,
  applicationBadge,
  applicationStatusText,
  educationText,
  keyGroupText,
} from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { resumeLabel, when } from '../components/people.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me } from '../session.js';
import { queryString } from '../components/listing.js';

class ManageApplicationsPage extends LivePage {
  async load(signal) {
    const account = await me();
    if (!account) return { account: null };
    const [employers, fair] = await Promise.all([
      api('/api/employers?mine=true&limit=200', { signal }),
      currentFair(),
    ]);
    const employerId = this.query.get('employer') || employers.items[0]?.id || '';
    const status = this.query.get('status') ?? '';
    const model = {
      account,
      fair,
      employers: employers.items,
      employerId,
      status,
      applications: [],
      drafts: {},
      failure: null,
    };
    if (!employerId) return model;
    try {
      model.applications = await this.#fetch(model, signal);
    } catch (error) {
      // Not one of this employer's recruiters or admins: say so, not "try again".
      if (!(error instanceof ApiError && error.status === 403)) throw error;
      model.refused = true;
    }
    return model;
  }

  async #fetch(model, signal) {
    const list = await api(
      `/api/applications${queryString({ employer: model.employerId, status: model.status })}`,
      { signal },
    );
    return list.items;
  }

  heading() {
    return t('jobs.inbox.title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    if (!model.employerId) return h('p', {}, t('jobs.editor.no_employer'));
    if (model.refused) {
      return h(
        'div',
        { class: 'notice notice-error' },
        h('p', { 'data-error-code': 'auth.forbidden' }, t('jobs.inbox.refused')),
      );
    }
    return [
      this.#filters(model),
      model.failure
        ? h(
            'div',
            { class: 'notice notice-error', role: 'alert', id: 'inbox-error', tabindex: '-1' },
            h('p', {}, model.failure()),
          )
        : null,
      h(
        'h2',
        { id: 'inbox-count', tabindex: '-1' },
        t('jobs.inbox.count', { count: model.applications.length }),
      ),
      model.applications.length === 0
        ? h('p', { id: 'inbox-none' }, t('jobs.inbox.none'))
        : h(
            'ul',
            { class: 'cards cards-single', id: 'inbox-list' },
            model.applications.map((application) => this.#card(model, application)),
          ),
    ];
  }

  #filters(model) {
    const employer = h(
      'select',
      { id: 'inbox-employer', name: 'employer' },
      model.employers.map((e) => h('option', { value: e.id }, e.name)),
    );
    employer.value = model.employerId;
    const status = h(
      'select',
      { id: 'inbox-status', name: 'status' },
      h('option', { value: '' }, t('jobs.list.any')),
      APPLICATION_STATUSES.map((value) => h('option', { value }, applicationStatusText(value))),
    );
    status.value = model.status;
    return h(
      'form',
      {
        class: 'form filters',
        id: 'inbox-filters',
        role: 'search',
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          model.employerId = employer.value;
          model.status = status.value;
          window.history.replaceState(
            null,
            '',
            `/manage/applications${queryString({ employer: model.employerId, status: model.status })}`,
          );
          try {
            model.applications = await this.#fetch(model);
            model.failure = null;
            this.repaint({ focus: '#inbox-count' });
            announce(t('jobs.inbox.count', { count: model.applications.length }));
          } catch (error) {
            model.failure = () => errorMessage(error);
            this.repaint({ focus: '#inbox-error' });
          }
        },
      },
      h(
        'div',
        { class: 'filter-fields' },
        model.employers.length > 1 || !model.employers.some((e) => e.id === model.employerId)
          ? h(
              'div',
              { class: 'field' },
              h('label', { for: 'inbox-employer' }, t('jobs.manage.employer')),
              employer,
            )
          : null,
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'inbox-status' }, t('jobs.inbox.status')),
          status,
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button', id: 'inbox-show' }, t('jobs.inbox.show')),
      ),
    );
  }

  #card(model, application) {
    const candidate = application.candidate;
    const titleId = `application-${application.id}-name`;
    const row = (label, ...value) => h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
    const statusId = `status-${application.id}`;
    const choice = h(
      'select',
      { id: statusId, name: 'status' },
      EMPLOYER_STATUSES.map((value) => h('option', { value }, applicationStatusText(value))),
    );
    choice.value =
      model.drafts[application.id] ??
      (EMPLOYER_STATUSES.includes(application.status) ? application.status : 'viewed');
    choice.addEventListener('change', () => {
      model.drafts[application.id] = choice.value;
    });
    const closed = application.status === 'withdrawn';
    return h(
      'li',
      { class: 'card', dataset: { application: application.id } },
      h(
        'h3',
        { class: 'card-title', id: titleId, tabindex: '-1' },
        candidate?.name || t('jobs.inbox.anonymous'),
      ),
      h(
        'p',
        { class: 'card-meta' },
        h('a', { href: `/jobs/${application.job.id}` }, application.job.title),
        applicationBadge(application.status),
      ),
      candidate
        ? h(
            'dl',
            { class: 'card-facts' },
            candidate.region_code
              ? row(t('people.profile.region'), regionName(candidate.region_code))
              : null,
            candidate.education
              ? row(t('people.profile.education'), educationText(candidate.education))
              : null,
            candidate.graduation_year
              ? row(t('people.profile.graduation_year'), String(candidate.graduation_year))
              : null,
            candidate.desired_jobs?.length
              ? row(t('people.profile.desired_jobs'), candidate.desired_jobs.join('、'))
              : null,
            candidate.phone ? row(t('people.profile.phone'), candidate.phone) : null,
            candidate.email ? row(t('people.profile.email'), candidate.email) : null,
            candidate.key_groups?.length
              ? row(
                  t('people.profile.key_groups'),
                  candidate.key_groups.map(keyGroupText).join('、'),
                )
              : null,
            candidate.assessment
              ? row(t('jobs.inbox.assessment'), candidate.assessment.code)
              : null,
            row(t('people.applications.sent'), when(application.created_at, model.fair)),
          )
        : null,
      h(
        'p',
        {},
        application.resume
          ? h(
              'a',
              {
                href: `/api/resumes/${application.resume.id}`,
                download: application.resume.filename,
                class: 'button button-secondary',
                id: `resume-${application.id}`,
                'aria-describedby': titleId,
              },
              t('jobs.inbox.download', { name: resumeLabel(application.resume) }),
            )
          : t('people.applications.resume_deleted'),
      ),
      closed
        ? null
        : h(
            'form',
            {
              class: 'form form-compact field-inline',
              novalidate: true,
              onsubmit: (event) => {
                event.preventDefault();
                this.#setStatus(application, choice.value);
              },
            },
            h(
              'div',
              { class: 'field' },
              h('label', { for: statusId }, t('jobs.inbox.set_status')),
              choice,
            ),
            h(
              'button',
              {
                type: 'submit',
                class: 'button',
                id: `status-save-${application.id}`,
                'aria-describedby': titleId,
              },
              t('jobs.inbox.save_status'),
            ),
          ),
    );
  }

  async #setStatus(application, status) {
    const model = this.model;
    try {
      const changed = await api(`/api/applications/${encodeURIComponent(application.id)}`, {
        method: 'PATCH',
        body: { status },
      });
      model.applications = model.applications.map((a) => (a.id === changed.id ? changed : a));
      delete model.drafts[application.id];
      model.failure = null;
      this.repaint({ focus: `#application-${application.id}-name` });
      announce(t('jobs.inbox.status_saved', { status: applicationStatusText(changed.status) }));
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#inbox-error' });
    }
  }
}

customElements.define('lf-manage-applications-page', ManageApplicationsPage);
