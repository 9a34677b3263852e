// <lf-session-chat>: a featured session's chat — the messages (a role="log" that
// screen readers follow politely), a form to send one (≤ 500 characters, signed in),
// and for moderators (feed.me.moderator) each message's delete / mute / ban. Set `feed`
// (SessionFeed), `account` (GET /api/me or null) and `zone` before connecting it
// (components/session-panel.js). The draft survives every new message and language
// change. Strings: the "live" catalogue.

import { h, replaceKeepingFocus } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { actions } from './session-feed.js';
import { SessionPanel, errorNotice, signInLink } from './session-panel.js';
import { clockTime } from './session-text.js';

export const MAX_MESSAGE = 500;

// A moderator's actions: the button's text, its accessible name, and what is said after.
const MODERATION = {
  delete: {
    text: () => t('live.moderate.delete'),
    label: (author) => t('live.moderate.delete_label', { author }),
    done: () => t('live.moderate.deleted'),
  },
  mute: {
    text: () => t('live.moderate.mute'),
    label: (author) => t('live.moderate.mute_label', { author }),
    done: () => t('live.moderate.muted'),
  },
  unmute: {
    text: () => t('live.moderate.unmute'),
    label: (author) => t('live.moderate.unmute_label', { author }),
    done: () => t('live.moderate.unmuted'),
  },
  ban: {
    text: () => t('live.moderate.ban'),
    label: (author) => t('live.moderate.ban_label', { author }),
    done: () => t('live.moderate.banned'),
  },
  unban: {
    text: () => t('live.moderate.unban'),
    label: (author) => t('live.moderate.unban_label', { author }),
    done: () => t('live.moderate.unbanned'),
  },
};

class SessionChat extends SessionPanel {
  #log = null;
  #form = null;
  #status = null;
  #restricted = null;

  changed(kind) {
    // Moderation ends with the session: its tools go with it.
    const log = ['chat', 'snapshot', 'state', 'restricted'];
    if (log.includes(kind)) this.#paintLog();
    if (log.includes(kind) || kind === 'me') this.#paintRestricted();
    if (kind === 'state' || kind === 'me') this.paintForm();
    if (kind === 'snapshot') this.paintForm();
  }

  build() {
    const draft = this.#form?.querySelector('textarea')?.value ?? '';
    this.#log = h('ol', { class: 'chat-messages' });
    // A scrolling log: focusable, so keyboard users can scroll it too.
    const log = h(
      'div',
      {
        class: 'chat-log',
        id: 'chat-log',
        role: 'log',
        'aria-live': 'polite',
        'aria-labelledby': 'chat-title',
        tabindex: '0',
      },
      this.#log,
    );
    this.#form = h('div', { class: 'chat-compose' });
    this.#restricted = h('div', { class: 'chat-restricted-list' });
    this.#status = h('p', { class: 'visually-hidden', role: 'status', id: 'chat-status' });
    this.replaceChildren(
      h(
        'section',
        { class: 'live-panel', 'aria-labelledby': 'chat-title' },
        h('h2', { id: 'chat-title' }, t('live.chat.title')),
        log,
        this.#form,
        this.#restricted,
        this.#status,
      ),
    );
    this.#paintLog();
    this.#paintRestricted();
    this.paintForm(draft);
  }

  #paintLog() {
    if (!this.#log) return;
    const box = this.#log.parentElement;
    const atBottom = !box || box.scrollHeight - box.scrollTop - box.clientHeight < 24;
    const lang = language();
    const items = [...this.feed.messages.values()].map((message) =>
      h(
        'li',
        { class: 'chat-message', dataset: { message: message.id } },
        h(
          'p',
          { class: 'chat-meta' },
          h('span', { class: 'chat-author' }, message.author_name || t('live.chat.someone')),
          ' ',
          h('time', { datetime: message.at }, clockTime(message.at, this.zone, lang)),
        ),
        h('p', { class: 'chat-text' }, message.text),
        this.feed.me?.moderator && this.feed.state !== 'ended' ? this.#tools(message) : null,
      ),
    );
    replaceKeepingFocus(
      this.#log,
      items.length ? items : [h('li', { class: 'hint' }, t('live.chat.empty'))],
    );
    if (atBottom && box) box.scrollTop = box.scrollHeight;
  }

  #tools(message) {
    const author = message.author_name || t('live.chat.someone');
    const mine = message.author_id && message.author_id === this.account?.id;
    const where = ['chat', message.id];
    return h(
      'p',
      { class: 'chat-tools' },
      this.#button(where, 'delete', MODERATION.delete.label(author), () =>
        actions.deleteMessage(this.feed.sessionId, message.id),
      ),
      mine || !message.author_id ? null : this.#restrictButtons(where, message.author_id, author),
    );
  }

  /** A moderator's button: `verb` names its text and what is said once it is done;
   * `where` ([scope, key]) makes its id `<scope>-<verb>-<key>`. */
  #button([scope, key], verb, label, run) {
    const kind = verb === 'delete' ? 'button-danger' : 'button-secondary';
    return h(
      'button',
      {
        type: 'button',
        class: `button button-small ${kind}`,
        id: `${scope}-${verb}-${key}`,
        'aria-label': label,
        onclick: () => this.#moderate(run, verb),
      },
      MODERATION[verb].text(),
    );
  }

  /** Mute and ban, or lifting them where they are in force. */
  #restrictButtons(where, accountId, author) {
    const session = this.feed.sessionId;
    const now = this.feed.restricted.get(accountId);
    const button = (verb, run) =>
      this.#button(where, verb, MODERATION[verb].label(author), () => run(session, accountId));
    return [
      now?.muted ? button('unmute', actions.unmute) : button('mute', actions.mute),
      now?.banned ? button('unban', actions.unban) : button('ban', actions.ban),
    ];
  }

  /** For moderators while the session is open: everyone muted or banned, to lift it
   * (their messages may have scrolled away, or been deleted). */
  #paintRestricted() {
    if (!this.#restricted) return;
    const people = [...this.feed.restricted.values()];
    if (!this.feed.me?.moderator || this.feed.state === 'ended' || people.length === 0) {
      this.#restricted.replaceChildren();
      return;
    }
    replaceKeepingFocus(this.#restricted, [
      h('h3', { id: 'chat-restricted-title' }, t('live.moderate.restricted_title')),
      h(
        'ul',
        { class: 'plain-list', 'aria-labelledby': 'chat-restricted-title' },
        people.map((person) => {
          const author = person.name || t('live.chat.someone');
          return h(
            'li',
            { dataset: { account: person.account_id } },
            h('span', {}, author, ' · ', [
              person.muted ? t('live.moderate.is_muted') : null,
              person.muted && person.banned ? t('live.moderate.and') : null,
              person.banned ? t('live.moderate.is_banned') : null,
            ]),
            ' ',
            this.#restrictButtons(['restricted', person.account_id], person.account_id, author),
          );
        }),
      ),
    ]);
  }

  #moderate(run, verb) {
    return this.act(async () => {
      await run();
      this.#say(MODERATION[verb].done());
    });
  }

  #say(text) {
    this.#status.textContent = '';
    this.#status.textContent = text;
  }

  paintForm(draft = null) {
    if (!this.#form) return;
    const keep = draft ?? this.#form.querySelector('textarea')?.value ?? '';
    const nodes = [];
    if (!this.account) {
      nodes.push(signInLink(t('live.chat.sign_in')));
    } else if (this.feed.state === 'ended') {
      nodes.push(h('p', { class: 'hint' }, t('live.chat.closed')));
    } else if (this.feed.state !== 'lobby' && this.feed.state !== 'live') {
      nodes.push(h('p', { class: 'hint' }, t('live.chat.not_open')));
    } else if (this.feed.me?.banned) {
      nodes.push(h('p', { class: 'notice', id: 'chat-restricted' }, t('live.chat.banned')));
    } else if (this.feed.me?.muted) {
      nodes.push(h('p', { class: 'notice', id: 'chat-restricted' }, t('live.chat.muted')));
    } else {
      const area = h('textarea', {
        id: 'chat-input',
        name: 'text',
        rows: '2',
        maxlength: String(MAX_MESSAGE),
        'aria-describedby': 'chat-hint',
      });
      area.value = keep;
      const count = h('span', { id: 'chat-count' }, t('live.chat.count', { count: keep.length }));
      area.addEventListener('input', () => {
        count.textContent = t('live.chat.count', { count: area.value.length });
      });
      area.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      const form = h(
        'form',
        {
          class: 'form form-compact',
          novalidate: true,
          onsubmit: (event) =>
            this.send(event, area, (text) => actions.postMessage(this.feed.sessionId, text)),
        },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'chat-input' }, t('live.chat.label')),
          area,
          h(
            'p',
            { class: 'hint', id: 'chat-hint' },
            t('live.chat.hint', { max: MAX_MESSAGE }),
            ' ',
            count,
          ),
        ),
        h(
          'p',
          { class: 'actions' },
          h(
            'button',
            { type: 'submit', class: 'button', id: 'chat-send', disabled: this.sending },
            t('live.chat.send'),
          ),
        ),
      );
      nodes.push(form);
    }
    nodes.push(errorNotice(this.error, 'chat-error'));
    replaceKeepingFocus(this.#form, nodes);
  }
}

customElements.define('lf-session-chat', SessionChat);
