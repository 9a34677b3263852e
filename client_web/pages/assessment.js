// The career assessment (/me/assessment, 职业测评): a RIASEC interest questionnaire
// (the item bank and its attribution come from the API), scored by the server into a
// three-letter code with a score per dimension, shown with the job categories it
// suggests and open jobs in them, and shared with recruiters only if the candidate
// opts in (and can opt out again).

import { api, errorMessage } from '../api.js';
import { FormModel, formNode } from '../components/form.js';
import { jobCard } from '../components/job-card.js';
import { categoryText } from '../components/job-text.js';
import { LivePage } from '../components/live-page.js';
import { peopleTabs, when } from '../components/people.js';
import { signInPrompt } from '../components/signed-in.js';
import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { dataSuffix, t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { me } from '../session.js';

const MATCHING_JOBS = 5;
const MAX_SCORE = 40; // docs/people.md: each dimension scores 0..40

function pick(item) {
  return item[dataSuffix()] ?? item.zh;
}

class AssessmentPage extends LivePage {
  async load(signal) {
    const [account, bank, fair] = await Promise.all([
      me(),
      api('/api/assessment', { signal }),
      currentFair(),
    ]);
    const model = {
      account,
      bank,
      fair,
      result: bank.result,
      retaking: false,
      jobs: null,
      sharingFailure: null,
      form: new FormModel('assessment', { answers: {}, share: false }),
    };
    if (model.result) model.jobs = await this.#matchingJobs(model.result, signal);
    return model;
  }

  async #matchingJobs(result, signal) {
    const category = result.categories[0];
    if (!category) return { items: [], total: 0 };
    const query = new URLSearchParams({ category, per_page: String(MATCHING_JOBS) });
    return api(`/api/jobs?${query}`, { signal });
  }

  heading() {
    return t('people.assessment.title');
  }

  body(model) {
    const attribution = model.bank.attribution;
    const credit = h(
      'p',
      { class: 'hint attribution', id: 'assessment-attribution' },
      pick(attribution),
      ' ',
      h(
        'a',
        { href: attribution.source_url, rel: 'noopener external' },
        t('people.assessment.source'),
      ),
      ' ',
      t('people.assessment.license', { license: attribution.license }),
    );
    if (!model.account) {
      return [h('p', { class: 'intro' }, t('people.assessment.intro')), credit, signInPrompt()];
    }
    const showResult = model.result && !model.retaking;
    return [
      peopleTabs('assessment'),
      showResult ? this.#result(model) : this.#questionnaire(model),
      credit,
    ];
  }

  #questionnaire(model) {
    const form = model.form;
    const scale = model.bank.scale;
    const items = model.bank.items;
    const answered = items.filter((item) => form.values.answers[item.id]).length;
    return [
      h('p', { class: 'intro' }, t('people.assessment.intro')),
      h(
        'p',
        { class: 'hint', id: 'assessment-scale' },
        t('people.assessment.scale', {
          low: pick(scale[0]),
          high: pick(scale[scale.length - 1]),
        }),
      ),
      formNode(form, {
        label: t('people.assessment.submit'),
        className: 'questionnaire',
        repaint: (options) => this.repaint(options),
        // One line for every unanswered item would bury the summary: name the first.
        check: (values) => {
          const first = items.find((item) => !values.answers[item.id]);
          return first ? [[`/answers/${first.id}`, 'required']] : [];
        },
        content: () => [
          h(
            'p',
            { class: 'count', id: 'assessment-progress' },
            t('people.assessment.progress', { answered, total: items.length }),
          ),
          h(
            'ol',
            { class: 'questions' },
            items.map((item, index) => this.#question(form, item, index, scale)),
          ),
          h(
            'div',
            { class: 'check' },
            this.#shareBox(form),
            h('label', { for: 'assessment-share' }, t('people.assessment.share')),
            h(
              'p',
              { class: 'hint', id: 'assessment-share-hint' },
              t('people.assessment.share_hint'),
            ),
          ),
        ],
        submit: async (values) => {
          model.result = await api('/api/me/assessment', {
            method: 'POST',
            body: { answers: values.answers, share_with_recruiters: values.share },
          });
          model.retaking = false;
          model.jobs = await this.#matchingJobs(model.result);
          this.repaint({ focus: '#assessment-code' });
          announce(t('people.assessment.scored', { code: model.result.code }));
        },
      }),
    ];
  }

  #shareBox(form) {
    const box = h('input', {
      type: 'checkbox',
      id: 'assessment-share',
      'aria-describedby': 'assessment-share-hint',
    });
    box.checked = form.values.share;
    box.addEventListener('change', () => {
      form.values.share = box.checked;
    });
    return box;
  }

  #question(form, item, index, scale) {
    const legendId = `question-${item.id}`;
    const text = pick(item);
    form.fields.set(`/answers/${item.id}`, {
      id: `answer-${item.id}-0`,
      label: t('people.assessment.item', { number: index + 1, text }),
      explain: () =>
        t('people.assessment.unanswered', {
          count: this.model.bank.items.filter((i) => !form.values.answers[i.id]).length,
        }),
    });
    const progress = () => {
      const node = document.getElementById('assessment-progress');
      const answered = Object.keys(form.values.answers).length;
      if (node)
        node.textContent = t('people.assessment.progress', {
          answered,
          total: this.model.bank.items.length,
        });
    };
    return h(
      'li',
      { class: 'question' },
      h(
        'fieldset',
        { class: 'fieldset scale', 'aria-labelledby': legendId },
        h('legend', { id: legendId }, text),
        h(
          'div',
          { class: 'scale-options' },
          scale.map((step, stepIndex) => {
            const id = `answer-${item.id}-${stepIndex}`;
            const radio = h('input', {
              type: 'radio',
              id,
              name: `answer-${item.id}`,
              value: String(step.value),
            });
            radio.checked = form.values.answers[item.id] === step.value;
            radio.addEventListener('change', () => {
              form.values.answers[item.id] = step.value;
              progress();
            });
            return h('div', { class: 'scale-option' }, radio, h('label', { for: id }, pick(step)));
          }),
        ),
      ),
    );
  }

  #result(model) {
    const result = model.result;
    const dimensions = model.bank.dimensions;
    return [
      h(
        'section',
        { 'aria-labelledby': 'assessment-code' },
        h(
          'h2',
          { id: 'assessment-code', tabindex: '-1' },
          t('people.assessment.code', { code: result.code }),
        ),
        h(
          'p',
          { class: 'hint' },
          t('people.assessment.taken'),
          ' ',
          when(result.taken_at, model.fair),
        ),
        h(
          'p',
          {},
          t('people.assessment.code_means', {
            names: Array.from(result.code)
              .map((letter) => {
                const dimension = dimensions.find((d) => d.code === letter);
                return dimension ? pick(dimension) : letter;
              })
              .join(t('people.assessment.and')),
          }),
        ),
        h(
          'ul',
          { class: 'scores', id: 'assessment-scores' },
          dimensions.map((dimension) => {
            const score = result.scores[dimension.code] ?? 0;
            const label = t('people.assessment.score', {
              name: pick(dimension),
              letter: dimension.code,
              score,
              max: MAX_SCORE,
            });
            const bar = h(
              'span',
              { class: 'score-bar', 'aria-hidden': 'true' },
              h('span', { class: 'score-fill' }),
            );
            bar.firstChild.style.width = `${Math.round((100 * score) / MAX_SCORE)}%`;
            return h(
              'li',
              { dataset: { dimension: dimension.code } },
              h('span', { class: 'score-label' }, label),
              bar,
            );
          }),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'assessment-categories' },
        h('h2', { id: 'assessment-categories' }, t('people.assessment.categories')),
        h(
          'ul',
          { class: 'inline-list', id: 'assessment-category-list' },
          result.categories.map((category) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: `/jobs?category=${encodeURIComponent(category)}` },
                categoryText(category),
              ),
            ),
          ),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'assessment-jobs' },
        h('h2', { id: 'assessment-jobs' }, t('people.assessment.jobs')),
        model.jobs && model.jobs.items.length > 0
          ? h(
              'ul',
              { class: 'cards', id: 'assessment-job-list' },
              model.jobs.items.map((job) => jobCard(job)),
            )
          : h('p', {}, t('people.assessment.no_jobs')),
      ),
      this.#sharing(model),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'assessment-retake',
            onclick: () => {
              model.retaking = true;
              model.form = new FormModel('assessment', {
                answers: {},
                share: result.share_with_recruiters,
              });
              this.repaint({ focus: 'h1' });
            },
          },
          t('people.assessment.retake'),
        ),
      ),
    ];
  }

  #sharing(model) {
    const shared = model.result.share_with_recruiters;
    return h(
      'section',
      { 'aria-labelledby': 'assessment-sharing' },
      h('h2', { id: 'assessment-sharing', tabindex: '-1' }, t('people.assessment.sharing')),
      model.sharingFailure
        ? h(
            'div',
            { class: 'notice notice-error', role: 'alert' },
            h('p', {}, model.sharingFailure()),
          )
        : null,
      h(
        'p',
        { id: 'assessment-shared' },
        shared ? t('people.assessment.shared_yes') : t('people.assessment.shared_no'),
      ),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: 'assessment-share-toggle',
            onclick: () => this.#share(!shared),
          },
          shared ? t('people.assessment.stop_sharing') : t('people.assessment.start_sharing'),
        ),
      ),
    );
  }

  async #share(share) {
    const model = this.model;
    try {
      model.result = await api('/api/me/assessment', {
        method: 'PATCH',
        body: { share_with_recruiters: share },
      });
      model.sharingFailure = null;
      announce(share ? t('people.assessment.shared_yes') : t('people.assessment.shared_no'));
    } catch (error) {
      model.sharingFailure = () => errorMessage(error);
    }
    this.repaint({ focus: '#assessment-share-toggle' });
  }
}

customElements.define('lf-assessment-page', AssessmentPage);
