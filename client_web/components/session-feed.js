// A featured session's live state in the page: one subscription to session:<id>
// (the stream sends a topic's snapshot once, to whoever subscribed first, so the
// studio's and the viewer page's parts all read this one feed). docs/sessions-live.md.
//
//   snapshot {session, chat, questions, me, presence}   → everything is replaced
//   event session.state {state}                         → lobby / live / ended …
//   event chat.message ChatMessage                      → appended (in seq order); a
//         replayed one redacted by a deletion ({id, redacted: true}) is dropped
//   event chat.deleted {id}                             → removed
//   event chat.muted / chat.unmuted / chat.banned / chat.unbanned {account_id}
//         → the caller's standing (me); for moderators also `restricted`
//   event question.asked Question, question.voted {id, votes},
//         question.answered {id, answered_at}, question.deleted {id}
//   presence {count}                                    → viewers
//
// Nothing here renders: components call feed.onChange(listener) and read the fields.
// The HTTP actions of the session live below the class (one place for the paths).

import { api } from '../api.js';
import { subscribe, unsubscribe } from '../stream.js';

export class SessionFeed {
  /** SessionLive without "me" (state, starts_at, booths, whep_url, …), null before */
  session = null;
  /** The caller's standing: {account_id, host, moderator, muted, banned, votes}, or null */
  me = null;
  viewers = null;
  /** id → ChatMessage {id, author_id, author_name, text, at}, in the order posted */
  messages = new Map();
  /** id → Question {id, author_id, author_name, text, votes, voted, answered, asked_at} */
  questions = new Map();
  /** For moderators: account id → {account_id, name, muted, muted_until, banned}, whom a
   * moderator muted or banned (from the snapshot's me.restricted, then the events). */
  restricted = new Map();
  /** Whether the snapshot has arrived. */
  ready = false;
  /** An error frame's code (the topic was refused), or null. */
  error = null;
  #listeners = new Set();
  #subscription = null;
  #deleted = new Set();

  constructor(sessionId) {
    this.sessionId = sessionId;
  }

  start() {
    if (this.#subscription) return;
    this.#subscription = subscribe(`session:${this.sessionId}`, null, (frame) =>
      this.#apply(frame),
    );
  }

  stop() {
    if (this.#subscription) unsubscribe(this.#subscription);
    this.#subscription = null;
    this.#listeners.clear();
  }

  /** Be called after any change; returns a function that stops it. */
  onChange(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(kind) {
    for (const listener of [...this.#listeners]) {
      try {
        listener(kind);
      } catch (error) {
        console.error('session listener failed', error);
      }
    }
  }

  get state() {
    return this.session?.state ?? null;
  }

  /** Open questions by votes, then the earliest; answered ones after them. */
  orderedQuestions() {
    return [...this.questions.values()].sort(
      (a, b) =>
        Number(Boolean(a.answered)) - Number(Boolean(b.answered)) ||
        b.votes - a.votes ||
        String(a.asked_at).localeCompare(String(b.asked_at)),
    );
  }

  #putMessage(message) {
    if (!message?.id || this.#deleted.has(message.id)) return;
    if (message.redacted || typeof message.text !== 'string') return;
    this.messages.set(message.id, message);
  }

  #putQuestion(question) {
    if (!question?.id) return;
    const before = this.questions.get(question.id);
    this.questions.set(question.id, { voted: false, ...before, ...question });
  }

  #restrict(accountId, change) {
    if (this.me?.moderator) {
      const before = this.restricted.get(accountId);
      const name =
        before?.name ??
        [...this.messages.values()].find((m) => m.author_id === accountId)?.author_name ??
        '';
      const after = { account_id: accountId, name, muted: false, banned: false, ...before };
      Object.assign(after, change);
      if (after.muted || after.banned) this.restricted.set(accountId, after);
      else this.restricted.delete(accountId);
      this.#changed('restricted');
    }
    if (!this.me || accountId !== this.me.account_id) return;
    this.me = { ...this.me, ...change };
    this.#changed('me');
  }

  #apply(frame) {
    if (frame.op === 'snapshot') {
      const data = frame.data ?? {};
      this.session = data.session ?? null;
      this.me = data.me ?? null;
      this.viewers = data.presence ?? null;
      this.messages = new Map();
      this.questions = new Map();
      this.restricted = new Map((this.me?.restricted ?? []).map((r) => [r.account_id, r]));
      const votes = new Set(this.me?.votes ?? []);
      for (const message of data.chat ?? []) this.#putMessage(message);
      for (const question of data.questions ?? []) {
        this.#putQuestion({ ...question, voted: question.voted || votes.has(question.id) });
      }
      this.ready = true;
      this.#changed('snapshot');
    } else if (frame.op === 'presence') {
      this.viewers = frame.count;
      this.#changed('viewers');
    } else if (frame.op === 'error') {
      this.error = frame.code;
      this.#subscription = null;
      this.#changed('error');
    } else if (frame.op === 'event') {
      const data = frame.data ?? {};
      switch (frame.type) {
        case 'session.state':
          this.session = { ...this.session, state: data.state };
          if (data.state === 'live') this.session.live_at ??= frame.at;
          if (data.state === 'ended') this.session.ended_at ??= frame.at;
          this.#changed('state');
          return;
        case 'chat.message':
          this.#putMessage(data);
          this.#changed('chat');
          return;
        case 'chat.deleted':
          this.#deleted.add(data.id);
          this.messages.delete(data.id);
          this.#changed('chat');
          return;
        case 'chat.muted':
          this.#restrict(data.account_id, { muted: true, muted_until: data.until ?? null });
          return;
        case 'chat.unmuted':
          this.#restrict(data.account_id, { muted: false, muted_until: null });
          return;
        case 'chat.banned':
          this.#restrict(data.account_id, { banned: true });
          return;
        case 'chat.unbanned':
          this.#restrict(data.account_id, { banned: false });
          return;
        case 'question.asked':
          this.#putQuestion({ ...data, voted: this.questions.get(data.id)?.voted ?? false });
          this.#changed('questions');
          return;
        case 'question.voted':
          this.#putQuestion({ id: data.id, votes: data.votes });
          this.#changed('questions');
          return;
        case 'question.answered':
          this.#putQuestion({ id: data.id, answered: true, answered_at: data.answered_at });
          this.#changed('questions');
          return;
        case 'question.deleted': // its author deleted their account
          this.questions.delete(data.id);
          this.#changed('questions');
          return;
        default:
      }
    }
  }

  /** Put a question as an HTTP answer returned it (the caller's vote, its count). */
  putQuestion(question) {
    this.#putQuestion(question);
    this.#changed('questions');
  }

}

const base = (id) => `/api/featured-sessions/${encodeURIComponent(id)}`;

export const actions = {
  live: (id, signal) => api(`${base(id)}/live`, { signal }),
  ingest: (id) => api(`${base(id)}/ingest`, { method: 'POST', body: {} }),
  goLive: (id) => api(`${base(id)}/go-live`, { method: 'POST', body: {} }),
  end: (id) => api(`${base(id)}/end`, { method: 'POST', body: {} }),
  postMessage: (id, text) => api(`${base(id)}/chat`, { method: 'POST', body: { text } }),
  deleteMessage: (id, messageId) =>
    api(`${base(id)}/chat/${encodeURIComponent(messageId)}`, { method: 'DELETE' }),
  mute: (id, accountId) =>
    api(`${base(id)}/mutes`, { method: 'POST', body: { account_id: accountId } }),
  ban: (id, accountId) =>
    api(`${base(id)}/bans`, { method: 'POST', body: { account_id: accountId } }),
  unmute: (id, accountId) =>
    api(`${base(id)}/mutes/${encodeURIComponent(accountId)}`, { method: 'DELETE' }),
  unban: (id, accountId) =>
    api(`${base(id)}/bans/${encodeURIComponent(accountId)}`, { method: 'DELETE' }),
  ask: (id, text) => api(`${base(id)}/questions`, { method: 'POST', body: { text } }),
  upvote: (id, questionId) =>
    api(`${base(id)}/questions/${encodeURIComponent(questionId)}/vote`, { method: 'PUT' }),
  answer: (id, questionId) =>
    api(`${base(id)}/questions/${encodeURIComponent(questionId)}/answer`, {
      method: 'POST',
      body: {},
    }),
  recordViewing: (id, viewer) =>
    api(`${base(id)}/views`, { method: 'POST', body: { viewer } }),
};
