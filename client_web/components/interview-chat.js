// The interview's text chat: kept with the interview record (postInterviewChat), shown
// from the `interview:<id>` topic (one's own message comes back too: de-duplicated by
// id). The log is role="log" (screen readers hear new messages); the form keeps what was
// typed across repaints because its elements are made once.

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';
import { instantNode } from './when.js';

const MAX_LENGTH = 2000;

export class InterviewChat {
  messages = [];
  #ids = new Set();
  #list = h('ol', {});
  // role="log" on a wrapper: on the <ol> itself it would hide the list from readers.
  // It scrolls, so it takes focus (keyboard users scroll it too).
  #log = h(
    'div',
    {
      class: 'interview-chat-log',
      role: 'log',
      'aria-live': 'polite',
      'aria-labelledby': 'interview-chat-title',
      tabindex: '0',
    },
    this.#list,
  );
  #input = h('textarea', {
    id: 'interview-chat-text',
    name: 'text',
    rows: '2',
    maxlength: String(MAX_LENGTH),
    autocomplete: 'off',
  });
  #error = h('p', { class: 'field-error', id: 'interview-chat-error', hidden: true });
  #button = null;

  constructor({ interviewId, zone, names }) {
    this.interviewId = interviewId;
    this.zone = zone;
    /** account id → display name */
    this.names = names;
  }

  /** Add messages (from the record, the topic or our own post); returns how many were new. */
  add(messages) {
    let added = 0;
    for (const message of messages) {
      if (this.#ids.has(message.id)) continue;
      this.#ids.add(message.id);
      this.messages.push(message);
      this.#list.append(this.#item(message));
      added += 1;
    }
    if (added) this.#log.scrollTop = this.#log.scrollHeight;
    return added;
  }

  #item(message) {
    const who =
      this.names.get(message.author_id) ??
      tCode('interview.role.', message.role, 'interview.role.unknown');
    return h(
      'li',
      { class: `interview-chat-message interview-chat-${message.role}` },
      h(
        'p',
        { class: 'interview-chat-meta' },
        h('span', { class: 'interview-chat-author' }, who),
        ' ',
        instantNode(message.at, this.zone, language()),
      ),
      h('p', { class: 'interview-chat-text' }, message.text),
    );
  }

  async #send(event) {
    event.preventDefault();
    const text = this.#input.value.trim();
    this.#error.hidden = true;
    if (!text) {
      this.#showError(t('interview.chat.empty'));
      return;
    }
    this.#button.disabled = true;
    try {
      const message = await api(`/api/interviews/${encodeURIComponent(this.interviewId)}/chat`, {
        method: 'POST',
        body: { text },
      });
      this.add([message]);
      this.#input.value = '';
    } catch (error) {
      this.#showError(errorMessage(error));
    }
    this.#button.disabled = false;
    this.#input.focus();
  }

  #showError(text) {
    this.#error.textContent = text;
    this.#error.hidden = false;
    this.#input.setAttribute('aria-invalid', 'true');
  }

  /** The chat section, in the current language (the log and the draft are kept). */
  render({ closed }) {
    this.#list.replaceChildren(...this.messages.map((message) => this.#item(message)));
    this.#input.setAttribute('aria-describedby', 'interview-chat-error');
    this.#input.removeAttribute('aria-invalid');
    this.#button = h(
      'button',
      { type: 'submit', class: 'button', id: 'interview-chat-send' },
      t('interview.chat.send'),
    );
    return h(
      'section',
      { class: 'interview-chat', 'aria-labelledby': 'interview-chat-title' },
      h('h2', { id: 'interview-chat-title' }, t('interview.chat.title')),
      this.messages.length === 0
        ? h('p', { class: 'hint', id: 'interview-chat-none' }, t('interview.chat.none'))
        : null,
      this.#log,
      closed
        ? h('p', { class: 'hint' }, t('interview.chat.closed'))
        : h(
            'form',
            { class: 'interview-chat-form', novalidate: true, onsubmit: (e) => this.#send(e) },
            h('label', { for: 'interview-chat-text' }, t('interview.chat.label')),
            this.#input,
            this.#error,
            h('p', { class: 'actions' }, this.#button),
          ),
    );
  }
}
