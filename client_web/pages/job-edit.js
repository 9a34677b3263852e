// The job editor: a new job (/manage/jobs/new?employer=<id>) or an existing one
// (/manage/jobs/<id>), for the employer's recruiters and admins. A job of an employer
// not yet verified is saved but stays private until verification (the page says so).

import { api } from '../api.js';
import {
  FormModel,
  checkbox,
  checkboxes,
  field,
  formNode,
  input,
  missing,
  notNumbers,
  select,
  wholeNumber,
} from '../components/form.js';
import { CATEGORIES } from '../components/job-card.js';
import {
  EDUCATION,
  KEY_GROUPS,
  categoryText,
  educationText,
  keyGroupText,
} from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { go } from '../components/navigate.js';
import { REGIONS, regionName } from '../components/regions.js';
import { signInPrompt } from '../components/signed-in.js';
import { INDUSTRIES, industryText } from '../components/structure-text.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me } from '../session.js';

const REQUIRED = ['title', 'openings', 'education', 'region_code', 'category', 'industry'];

function values(job, employer) {
  const salary = job?.salary ?? { negotiable: false, min: null, max: null };
  return {
    title: job?.title ?? '',
    openings: job ? String(job.openings) : '1',
    negotiable: salary.negotiable,
    salary_min: salary.min === null ? '' : String(salary.min),
    salary_max: salary.max === null ? '' : String(salary.max),
    education: job?.education ?? 'any',
    region_code: job?.region_code ?? employer?.region_code ?? '',
    category: job?.category ?? '',
    urgent_shortage: job?.urgent_shortage ?? false,
    industry: job?.industry ?? employer?.industry ?? '',
    key_groups: [...(job?.key_groups ?? [])],
    description: job?.description ?? '',
    status: job?.status ?? 'open',
  };
}


function body(form) {
  return {
    title: form.title.trim(),
    openings: wholeNumber(form.openings),
    salary: form.negotiable
      ? { negotiable: true, min: null, max: null }
      : {
          negotiable: false,
          min: wholeNumber(form.salary_min),
          max: wholeNumber(form.salary_max),
        },
    education: form.education,
    region_code: form.region_code,
    category: form.category,
    urgent_shortage: form.urgent_shortage,
    industry: form.industry,
    key_groups: form.key_groups,
    description: form.description.trim(),
  };
}

class JobEditPage extends LivePage {
  get isNew() {
    return !this.params.id;
  }

  async load(signal) {
    const account = await me();
    if (!account) return { account: null };
    const fair = await currentFair();
    let job = null;
    let employerId = this.query.get('employer');
    if (!this.isNew) {
      job = await api(`/api/jobs/${encodeURIComponent(this.params.id)}`, { signal });
      employerId = job.employer.id;
    }
    const employers = await api('/api/employers?mine=true&limit=200', { signal });
    const mine = employers.items.find((e) => e.id === employerId);
    // Anyone may read an open job; only its employer's recruiters and admins edit it.
    if (job && !mine) return { account, refused: true };
    const employer = mine ?? employers.items[0] ?? null;
    return {
      account,
      fair,
      job,
      employer,
      employers: employers.items,
      form: new FormModel('job', values(job, employer)),
    };
  }

  heading(model) {
    return model.job ? model.job.title : t('jobs.editor.new_title');
  }

  body(model) {
    if (!model.account) return signInPrompt();
    if (model.refused) {
      return h(
        'div',
        { class: 'notice notice-error' },
        h('p', { 'data-error-code': 'auth.forbidden' }, t('jobs.editor.refused')),
      );
    }
    if (!model.employer) {
      return h(
        'p',
        {},
        t('jobs.editor.no_employer'),
        ' ',
        h('a', { href: '/manage/employers' }, t('jobs.manage.employers')),
      );
    }
    const form = model.form;
    return [
      h('p', { class: 'back' }, h('a', { href: '/manage/jobs' }, t('jobs.editor.back'))),
      model.employer.verified
        ? null
        : h('p', { class: 'callout callout-wait', id: 'job-private' }, t('jobs.editor.unverified')),
      model.job
        ? h(
            'p',
            { id: 'job-state', tabindex: '-1' },
            model.job.public
              ? h('a', { href: `/jobs/${model.job.id}` }, t('jobs.editor.public_link'))
              : t('jobs.editor.private'),
          )
        : null,
      formNode(form, {
        label: model.job ? t('jobs.editor.save') : t('jobs.editor.create'),
        repaint: (options) => this.repaint(options),
        check: (current) => {
          const refused = missing(current, REQUIRED);
          refused.push(...notNumbers(current, ['openings']));
          if (!current.negotiable) {
            refused.push(
              ...notNumbers(current, ['salary_min', 'salary_max'], {
                salary_min: '/salary',
                salary_max: '/salary/max',
              }),
            );
          }
          if (!current.negotiable && current.salary_min.trim() === '')
            refused.push(['/salary', 'required']);
          if (!current.negotiable && current.salary_max.trim() === '') {
            refused.push(['/salary/max', 'required']);
          }
          return refused;
        },
        content: () => this.#fields(model, form),
        submit: async (current) => {
          if (model.job) {
            model.job = await api(`/api/jobs/${encodeURIComponent(model.job.id)}`, {
              method: 'PATCH',
              body: { ...body(current), status: current.status },
            });
            model.form = new FormModel('job', values(model.job, model.employer));
            this.repaint({ focus: '#job-state' });
            announce(t('jobs.editor.saved', { title: model.job.title }));
          } else {
            const job = await api('/api/jobs', {
              method: 'POST',
              body: { ...body(current), fair_id: model.fair.id, employer_id: model.employer.id },
            });
            go(`/manage/jobs/${job.id}`, {
              notice: () => t('jobs.editor.created', { title: job.title }),
            });
          }
        },
      }),
    ];
  }

  #fields(model, form) {
    const salaryError = (error) =>
      error.code === 'job.salary_range' ? t('jobs.editor.salary_range') : null;
    return [
      model.job || model.employers.length < 2
        ? h(
            'p',
            { class: 'hint', id: 'job-employer' },
            t('jobs.editor.employer', { name: model.employer.name }),
          )
        : field(form, {
            name: 'employer',
            pointer: '/employer_id',
            label: t('jobs.editor.employer_choice'),
            control: (() => {
              const control = select(
                form,
                'employer',
                model.employers.map((e) => ({ value: e.id, label: e.name })),
              );
              control.value = model.employer.id;
              control.addEventListener('change', () => {
                model.employer =
                  model.employers.find((e) => e.id === control.value) ?? model.employer;
                this.repaint();
              });
              return control;
            })(),
          }),
      field(form, {
        name: 'title',
        label: t('jobs.editor.title'),
        control: input(form, 'title', { maxlength: 100, required: true }),
      }),
      field(form, {
        name: 'openings',
        label: t('jobs.editor.openings'),
        control: input(form, 'openings', {
          inputmode: 'numeric',
          class: 'input-short',
          required: true,
        }),
      }),
      h(
        'fieldset',
        { class: 'fieldset fieldset-stack' },
        h('legend', {}, t('jobs.editor.salary')),
        checkbox(
          form,
          'negotiable',
          t('jobs.salary.negotiable'),
          t('jobs.editor.negotiable_hint'),
          () => this.repaint(),
        ),
        form.values.negotiable
          ? null
          : h(
              'div',
              { class: 'field-row' },
              field(form, {
                name: 'salary_min',
                pointer: '/salary',
                label: t('jobs.editor.salary_min'),
                explain: salaryError,
                control: input(form, 'salary_min', { inputmode: 'numeric', class: 'input-short' }),
              }),
              field(form, {
                name: 'salary_max',
                pointer: '/salary/max',
                label: t('jobs.editor.salary_max'),
                explain: salaryError,
                control: input(form, 'salary_max', { inputmode: 'numeric', class: 'input-short' }),
              }),
            ),
      ),
      field(form, {
        name: 'education',
        label: t('jobs.editor.education'),
        control: select(
          form,
          'education',
          EDUCATION.map((level) => ({ value: level, label: educationText(level) })),
        ),
      }),
      field(form, {
        name: 'region_code',
        label: t('jobs.editor.region'),
        control: select(form, 'region_code', [
          { value: '', label: t('jobs.editor.choose') },
          ...REGIONS.map((region) => ({ value: region.code, label: regionName(region.code) })),
        ]),
      }),
      field(form, {
        name: 'category',
        label: t('jobs.editor.category'),
        control: select(form, 'category', [
          { value: '', label: t('jobs.editor.choose') },
          ...CATEGORIES.map((category) => ({ value: category, label: categoryText(category) })),
        ]),
      }),
      checkbox(form, 'urgent_shortage', t('jobs.job.urgent_shortage'), t('jobs.editor.urgent_hint')),
      field(form, {
        name: 'industry',
        label: t('jobs.editor.industry'),
        control: select(form, 'industry', [
          { value: '', label: t('jobs.editor.choose') },
          ...INDUSTRIES.map((code) => ({ value: code, label: industryText(code) })),
        ]),
      }),
      checkboxes(form, {
        name: 'key_groups',
        legend: t('jobs.editor.key_groups'),
        options: KEY_GROUPS.map((group) => ({ value: group, label: keyGroupText(group) })),
      }),
      field(form, {
        name: 'description',
        label: t('jobs.editor.description'),
        hint: t('jobs.editor.description_hint'),
        control: input(form, 'description', { multiline: true, rows: 8, maxlength: 8000 }),
      }),
      model.job
        ? field(form, {
            name: 'status',
            label: t('jobs.editor.status'),
            control: select(form, 'status', [
              { value: 'open', label: t('jobs.status.open') },
              { value: 'closed', label: t('jobs.status.closed') },
            ]),
          })
        : null,
    ];
  }
}

customElements.define('lf-job-edit-page', JobEditPage);
