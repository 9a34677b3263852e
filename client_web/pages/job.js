// A job (/jobs/<id>): everything about it, and applying with one of one's resumes
// (one application per job). Visitors who are not signed in are asked to; candidates
// without a resume are sent to upload one first.

import { api, errorMessage } from '../api.js';
import {
  categoryText,
  dataLang,
  educationText,
  fact,
  keyGroupText,
  salaryText,
  urgentBadge,
  applicationBadge,
} from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { industryText, paragraphs } from '../components/structure-text.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me, scopesOf } from '../session.js';
import { resumeLabel } from '../components/people.js';

class JobPage extends LivePage {
  async load(signal) {
    const id = encodeURIComponent(this.params.id);
    const [job, account] = await Promise.all([api(`/api/jobs/${id}`, { signal }), me()]);
    const model = { job, account, resumes: [], application: null, chosen: '', failure: null };
    if (account) {
      // My applications (not ?job=, which is the employer's inbox of that job).
      const [resumes, applications] = await Promise.all([
        api('/api/me/resumes', { signal }),
        api('/api/applications', { signal }),
      ]);
      model.resumes = resumes.items;
      model.application = applications.items.find((a) => a.job.id === job.id) ?? null;
      model.chosen = model.resumes[0]?.id ?? '';
    }
    return model;
  }

  heading(model) {
    return model.job.title;
  }

  body(model) {
    const job = model.job;
    return [
      h(
        'p',
        { class: 'job-employer' },
        h(
          'a',
          { href: `/employers/${job.employer.id}`, lang: dataLang(job.employer.name) },
          job.employer.name,
        ),
        ' ',
        urgentBadge(job),
      ),
      h(
        'dl',
        { class: 'facts' },
        fact(t('jobs.job.salary'), salaryText(job.salary)),
        fact(t('jobs.job.openings'), t('jobs.job.openings_count', { count: job.openings })),
        fact(t('jobs.job.education'), educationText(job.education)),
        fact(t('jobs.job.region'), regionName(job.region_code)),
        fact(t('jobs.job.category'), categoryText(job.category)),
        fact(t('jobs.job.industry'), industryText(job.industry)),
        job.key_groups?.length
          ? fact(
              t('jobs.job.key_groups'),
              job.key_groups.map(keyGroupText).join(t('jobs.list.separator')),
            )
          : null,
      ),
      h(
        'section',
        { 'aria-labelledby': 'job-description' },
        h('h2', { id: 'job-description' }, t('jobs.job.description')),
        job.description
          ? h('div', { lang: dataLang(job.description) }, paragraphs(job.description))
          : h('p', {}, t('jobs.job.no_description')),
      ),
      this.#apply(model),
    ];
  }

  #apply(model) {
    const section = (...content) =>
      h(
        'section',
        { 'aria-labelledby': 'apply-title', class: 'subsection' },
        h('h2', { id: 'apply-title', tabindex: '-1' }, t('jobs.apply.title')),
        ...content,
      );
    if (!model.account) return section(signInPrompt(t('jobs.apply.sign_in')));
    // The employer's own people see what candidates see, without an offer to apply.
    const employerId = model.job.employer?.id;
    const admin = scopesOf(model.account, 'employer_admin').includes(employerId);
    if (admin || scopesOf(model.account, 'recruiter').includes(employerId)) {
      return section(
        h('p', { id: 'apply-own' }, t('jobs.apply.own_employer')),
        admin
          ? h('p', {}, h('a', { href: `/manage/jobs/${model.job.id}` }, t('jobs.manage.edit')))
          : null,
      );
    }
    if (model.application) {
      return section(
        h(
          'p',
          { id: 'apply-done' },
          t('jobs.apply.applied'),
          ' ',
          applicationBadge(model.application.status),
        ),
        h('p', {}, h('a', { href: '/me/applications' }, t('jobs.apply.see_applications'))),
      );
    }
    if (model.job.status === 'closed') return section(h('p', {}, t('jobs.apply.closed')));
    if (model.resumes.length === 0) {
      return section(
        h('p', {}, t('jobs.apply.no_resume')),
        h(
          'p',
          {},
          h(
            'a',
            {
              // the resumes page leads back here once a resume is uploaded
              href: `/me/resumes?next=${encodeURIComponent(`/jobs/${model.job.id}`)}`,
              class: 'button',
              id: 'apply-upload',
            },
            t('jobs.apply.upload'),
          ),
        ),
      );
    }
    const options = model.resumes.map((resume, index) => {
      const id = `apply-resume-${index}`;
      const radio = h('input', { type: 'radio', id, name: 'resume', value: resume.id });
      radio.checked = model.chosen === resume.id;
      radio.addEventListener('change', () => {
        model.chosen = resume.id;
      });
      return h('div', { class: 'check' }, radio, h('label', { for: id }, resumeLabel(resume)));
    });
    return section(
      model.failure
        ? h(
            'div',
            { class: 'notice notice-error', role: 'alert', id: 'apply-error', tabindex: '-1' },
            h('p', {}, model.failure()),
          )
        : null,
      h(
        'form',
        {
          class: 'form',
          id: 'apply-form',
          novalidate: true,
          onsubmit: (event) => {
            event.preventDefault();
            this.#submit();
          },
        },
        h('fieldset', { class: 'fieldset' }, h('legend', {}, t('jobs.apply.choose')), options),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'submit', class: 'button', id: 'apply-submit' },
            t('jobs.apply.submit'),
          ),
        ),
      ),
    );
  }

  async #submit() {
    const model = this.model;
    if (model.busy) return;
    model.busy = true;
    try {
      model.application = await api(`/api/jobs/${encodeURIComponent(model.job.id)}/applications`, {
        method: 'POST',
        body: { resume_id: model.chosen },
      });
      model.failure = null;
      this.repaint({ focus: '#apply-title' });
      announce(t('jobs.apply.sent'));
    } catch (error) {
      model.failure = () => errorMessage(error);
      this.repaint({ focus: '#apply-error' });
    } finally {
      model.busy = false;
    }
  }
}

customElements.define('lf-job-page', JobPage);
