// <lf-session-questions>: a featured session's Q&A — questions ordered by votes, then
// the earliest; answered ones last. Signed-in viewers ask (≤ 300 characters) and upvote
// (one vote per account: the button says when one's vote is in); moderators mark a
// question answered. Set `feed` (SessionFeed), `account` and `zone` before connecting
// (components/session-panel.js). Strings: the "live" catalogue.

import { h, replaceKeepingFocus } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { actions } from './session-feed.js';
import { SessionPanel, errorNotice, signInLink } from './session-panel.js';
import { clockTime } from './session-text.js';

export const MAX_QUESTION = 300;

class SessionQuestions extends SessionPanel {
  #list = null;
  #form = null;
  #status = null;

  changed(kind) {
    const list = ['questions', 'snapshot', 'me', 'state'];
    if (list.includes(kind)) this.#paintList(); // voting and answering end with the session
    if (kind === 'state' || kind === 'me' || kind === 'snapshot') this.paintForm();
  }

  build() {
    const draft = this.#form?.querySelector('textarea')?.value ?? '';
    this.#list = h('ol', { class: 'question-list', id: 'question-list' });
    this.#form = h('div', { class: 'question-compose' });
    this.#status = h('p', { class: 'visually-hidden', role: 'status', id: 'question-status' });
    this.replaceChildren(
      h(
        'section',
        { class: 'live-panel', 'aria-labelledby': 'questions-title' },
        h('h2', { id: 'questions-title' }, t('live.questions.title')),
        this.#form,
        this.#list,
        this.#status,
      ),
    );
    this.paintForm(draft);
    this.#paintList();
  }

  #say(text) {
    this.#status.textContent = text;
  }

  #paintList() {
    if (!this.#list) return;
    const lang = language();
    const open = this.feed.state !== 'ended';
    const moderator = Boolean(this.feed.me?.moderator) && open;
    const items = this.feed.orderedQuestions().map((question) => {
      const mine = question.author_id && question.author_id === this.account?.id;
      const author = question.author_name || t('live.chat.someone');
      return h(
        'li',
        {
          class: `question${question.answered ? ' question-answered' : ''}`,
          dataset: { question: question.id },
        },
        h(
          'p',
          { class: 'question-votes', id: `question-votes-${question.id}` },
          t('live.questions.votes', { count: question.votes }),
        ),
        h(
          'div',
          { class: 'question-body' },
          h('p', { class: 'question-text' }, question.text),
          h(
            'p',
            { class: 'chat-meta' },
            h('span', { class: 'chat-author' }, author),
            ' ',
            h('time', { datetime: question.asked_at }, clockTime(question.asked_at, this.zone, lang)),
            question.answered
              ? [' ', h('span', { class: 'badge badge-ok' }, t('live.questions.answered'))]
              : null,
          ),
          h(
            'p',
            { class: 'chat-tools' },
            this.account && open && !mine && !question.answered
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button-small button-secondary',
                    id: `question-vote-${question.id}`,
                    'aria-pressed': question.voted ? 'true' : 'false',
                    'aria-describedby': `question-votes-${question.id}`,
                    disabled: question.voted || this.feed.me?.banned,
                    onclick: () => this.#vote(question),
                  },
                  question.voted ? t('live.questions.voted') : t('live.questions.upvote'),
                )
              : null,
            moderator && !question.answered
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button-small',
                    id: `question-answer-${question.id}`,
                    'aria-label': t('live.questions.mark_answered_label', { author }),
                    onclick: () => this.#answer(question),
                  },
                  t('live.questions.mark_answered'),
                )
              : null,
          ),
        ),
      );
    });
    replaceKeepingFocus(
      this.#list,
      items.length ? items : [h('li', { class: 'hint' }, t('live.questions.empty'))],
    );
  }

  async #vote(question) {
    await this.act(async () => {
      this.feed.putQuestion(await actions.upvote(this.feed.sessionId, question.id));
      this.#say(t('live.questions.vote_done'));
    });
    this.#list.querySelector(`#question-vote-${CSS.escape(question.id)}`)?.focus();
  }

  #answer(question) {
    return this.act(async () => {
      this.feed.putQuestion(await actions.answer(this.feed.sessionId, question.id));
      this.#say(t('live.questions.answer_done'));
    });
  }

  paintForm(draft = null) {
    if (!this.#form) return;
    const keep = draft ?? this.#form.querySelector('textarea')?.value ?? '';
    const nodes = [];
    const state = this.feed.state;
    if (!this.account) {
      nodes.push(signInLink(t('live.questions.sign_in')));
    } else if (state !== 'lobby' && state !== 'live') {
      if (state === 'ended') nodes.push(h('p', { class: 'hint' }, t('live.questions.closed')));
    } else if (this.feed.me?.banned) {
      nodes.push(h('p', { class: 'notice' }, t('live.chat.banned')));
    } else if (!this.feed.me?.host) {
      const area = h('textarea', {
        id: 'question-input',
        name: 'text',
        rows: '2',
        maxlength: String(MAX_QUESTION),
        'aria-describedby': 'question-hint',
      });
      area.value = keep;
      nodes.push(
        h(
          'form',
          {
            class: 'form form-compact',
            novalidate: true,
            onsubmit: (event) =>
              this.send(event, area, async (text) => {
                this.feed.putQuestion(await actions.ask(this.feed.sessionId, text));
                this.#say(t('live.questions.asked'));
              }),
          },
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'question-input' }, t('live.questions.label')),
            area,
            h('p', { class: 'hint', id: 'question-hint' }, t('live.questions.hint', { max: MAX_QUESTION })),
          ),
          h(
            'p',
            { class: 'actions' },
            h(
              'button',
              { type: 'submit', class: 'button', id: 'question-send', disabled: this.sending },
              t('live.questions.ask'),
            ),
          ),
        ),
      );
    }
    nodes.push(errorNotice(this.error, 'question-error'));
    replaceKeepingFocus(this.#form, nodes);
  }
}

customElements.define('lf-session-questions', SessionQuestions);
