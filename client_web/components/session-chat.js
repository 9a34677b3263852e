// <lf-session-chat>: a featured session's chat — the messages (a role="log" that
// screen readers follow politely), a form to send one (≤ 500 characters, signed in),
// and for moderators (feed.me.moderator) each message's delete / mute / ban. Set `feed`
// (SessionFeed), `account` (GET /api/me or null) and `zone` before connecting it.
// The form is built once, so a draft survives every new message and language change.
// Strings: the "live" catalogue.

import { errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { actions } from './session-feed.js';
import { clockTime } from './session-text.js';

export const MAX_MESSAGE = 500;

class SessionChat extends HTMLElement {
  feed = null;
  account = null;
  zone = 'Asia/Shanghai';
  #stop = null;
  #log = null;
  #form = null;
  #status = null;
  #error = null;
  #sending = false;
  #onLanguage = () => this.#build();

  connectedCallback() {
    this.#stop = this.feed.onChange((kind) => {
      if (kind === 'chat' || kind === 'snapshot') this.#paintLog();
      if (kind === 'state' || kind === 'me') this.#paintForm();
      if (kind === 'snapshot') this.#paintForm();
    });
    window.addEventListener('languagechange', this.#onLanguage);
    this.#build();
  }

  disconnectedCallback() {
    this.#stop?.();
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  #build() {
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
    this.#status = h('p', { class: 'visually-hidden', role: 'status', id: 'chat-status' });
    this.replaceChildren(
      h(
        'section',
        { class: 'live-panel', 'aria-labelledby': 'chat-title' },
        h('h2', { id: 'chat-title' }, t('live.chat.title')),
        log,
        this.#form,
        this.#status,
      ),
    );
    this.#paintLog();
    this.#paintForm(draft);
  }

  #paintLog() {
    if (!this.#log) return;
    const box = this.#log.parentElement;
    const atBottom = !box || box.scrollHeight - box.scrollTop - box.clientHeight < 24;
    const lang = language();
    const active = document.activeElement;
    const activeId = active && this.#log.contains(active) ? active.id : '';
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
        this.feed.me?.moderator ? this.#tools(message) : null,
      ),
    );
    this.#log.replaceChildren(
      ...(items.length ? items : [h('li', { class: 'hint' }, t('live.chat.empty'))]),
    );
    if (activeId) this.#log.querySelector(`#${CSS.escape(activeId)}`)?.focus();
    if (atBottom && box) box.scrollTop = box.scrollHeight;
  }

  #tools(message) {
    const author = message.author_name || t('live.chat.someone');
    const mine = message.author_id && message.author_id === this.account?.id;
    const session = this.feed.sessionId;
    const button = (verb, text, label, run) =>
      h(
        'button',
        {
          type: 'button',
          class: `button button-small ${verb === 'delete' ? 'button-danger' : 'button-secondary'}`,
          id: `chat-${verb}-${message.id}`,
          'aria-label': label,
          onclick: () => this.#moderate(run, verb),
        },
        text,
      );
    return h(
      'p',
      { class: 'chat-tools' },
      button('delete', t('live.moderate.delete'), t('live.moderate.delete_label', { author }), () =>
        actions.deleteMessage(session, message.id),
      ),
      mine || !message.author_id
        ? null
        : [
            button('mute', t('live.moderate.mute'), t('live.moderate.mute_label', { author }), () =>
              actions.mute(session, message.author_id),
            ),
            button('ban', t('live.moderate.ban'), t('live.moderate.ban_label', { author }), () =>
              actions.ban(session, message.author_id),
            ),
          ],
    );
  }

  async #moderate(run, verb) {
    try {
      await run();
      if (verb === 'delete') this.#say(t('live.moderate.deleted'));
      if (verb === 'mute') this.#say(t('live.moderate.muted'));
      if (verb === 'ban') this.#say(t('live.moderate.banned'));
      this.#error = null;
    } catch (error) {
      this.#error = error;
    }
    this.#paintForm();
  }

  #say(text) {
    this.#status.textContent = '';
    this.#status.textContent = text;
  }

  #paintForm(draft = null) {
    if (!this.#form) return;
    const keep = draft ?? this.#form.querySelector('textarea')?.value ?? '';
    const focused = this.#form.contains(document.activeElement) ? document.activeElement.id : '';
    const nodes = [];
    if (!this.account) {
      nodes.push(
        h(
          'p',
          {},
          h(
            'a',
            {
              href: `/login?next=${encodeURIComponent(location.pathname)}`,
              class: 'button button-secondary',
            },
            t('live.chat.sign_in'),
          ),
        ),
      );
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
        { class: 'form form-compact', novalidate: true, onsubmit: (e) => this.#send(e, area) },
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
            { type: 'submit', class: 'button', id: 'chat-send', disabled: this.#sending },
            t('live.chat.send'),
          ),
        ),
      );
      nodes.push(form);
    }
    if (this.#error) {
      nodes.push(
        h(
          'div',
          { class: 'notice notice-error', role: 'alert', id: 'chat-error' },
          h('p', {}, errorMessage(this.#error)),
        ),
      );
    }
    this.#form.replaceChildren(...nodes);
    if (focused) this.#form.querySelector(`#${CSS.escape(focused)}`)?.focus();
  }

  async #send(event, area) {
    event.preventDefault();
    const text = area.value.trim();
    if (!text || this.#sending) return;
    this.#sending = true;
    this.#error = null;
    try {
      await actions.postMessage(this.feed.sessionId, text);
      area.value = '';
    } catch (error) {
      this.#error = error;
    }
    this.#sending = false;
    this.#paintForm();
    this.querySelector('#chat-input')?.focus();
  }
}

customElements.define('lf-session-chat', SessionChat);
