// Our jobs (/manage/jobs): every job, open or closed, of the employers the visitor
// recruits for (listJobs?mine=true), filtered by employer and keyword, each linking to
// its editor; a new job for each employer.

import { api } from '../api.js';
import { jobCard } from '../components/job-card.js';
import { ListPage, apiQuery, keywordFilter } from '../components/listing.js';
import { signInPrompt } from '../components/signed-in.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { me } from '../session.js';

class ManageJobsPage extends ListPage {
  get listId() {
    return 'our-jobs';
  }

  async prepare(signal) {
    const account = await me();
    if (!account) return { account: null, employers: [] };
    const employers = await api('/api/employers?mine=true&limit=200', { signal });
    return { account, employers: employers.items };
  }

  canList(model) {
    return Boolean(model.account) && model.employers.length > 0;
  }

  heading() {
    return t('jobs.manage.title');
  }

  filters(model = this.model) {
    return [
      keywordFilter(),
      {
        name: 'employer',
        kind: 'select',
        label: t('jobs.manage.employer'),
        any: t('jobs.manage.all_employers'),
        options: (model?.employers ?? []).map((e) => ({ value: e.id, label: e.name })),
      },
    ];
  }

  async fetch(values, page, signal) {
    return api(`/api/jobs${apiQuery(values, page, { mine: 'true' })}`, { signal });
  }

  item(job) {
    return jobCard(job, {
      extra: h(
        'p',
        { class: 'actions' },
        // A closed job is not public either: say the reason that matters.
        job.status === 'closed'
          ? h('span', { class: 'badge badge-muted' }, t('jobs.status.closed'))
          : job.public
            ? null
            : h('span', { class: 'badge badge-muted' }, t('jobs.editor.private_badge')),
        h(
          'a',
          {
            href: `/manage/jobs/${job.id}`,
            class: 'button button-secondary button-small',
            'aria-describedby': `job-${job.id}-title`,
          },
          t('jobs.manage.edit'),
        ),
      ),
    });
  }

  empty() {
    return t('jobs.manage.none');
  }

  before(model) {
    if (!model.account) return signInPrompt();
    if (model.employers.length === 0) {
      return h(
        'p',
        {},
        t('jobs.editor.no_employer'),
        ' ',
        h('a', { href: '/manage/employers' }, t('jobs.manage.employers')),
      );
    }
    return h(
      'ul',
      { class: 'inline-list list-actions', id: 'new-job-links' },
      model.employers.map((employer) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: `/manage/jobs/new?employer=${employer.id}`, class: 'button' },
            t('jobs.manage.new_for', { name: employer.name }),
          ),
        ),
      ),
      h(
        'li',
        {},
        h(
          'a',
          { href: '/manage/applications', class: 'button button-secondary' },
          t('jobs.inbox.title'),
        ),
      ),
    );
  }

  body(model) {
    if (!this.canList(model)) return this.before(model);
    return super.body(model);
  }
}

customElements.define('lf-manage-jobs-page', ManageJobsPage);
