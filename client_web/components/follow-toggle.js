// "提醒我 / Remind me" on a published featured session (followSession /
// unfollowSession): a toggle button (aria-pressed) for a signed-in visitor, a link to
// /login?next=<this page> for anyone else. Shown only while a reminder can still come:
// the session is scheduled and its start is more than 15 minutes ahead (the server
// reminds followers 1 day and 15 minutes before, and a reminder whose time has passed
// is not sent; once the lobby opens the session is starting, and while it is live there
// is nothing left to remind of — the viewer is on its page already).
//
//   const toggle = document.createElement('lf-follow-toggle');
//   toggle.session = session;     // { id, title, state, starts_at, following } (getProgramme)
//   toggle.signedIn = true;
//
// What the toggle learns (following, its note, an error) is kept on the session object
// and in a module map keyed by it, so a page that re-renders from the same data (a
// language switch) shows the same thing. Strings: the "live" catalogue.

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { herePath } from './navigate.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const QUARTER_MS = 15 * 60 * 1000;

// Per session object: { busy, note: 'on' | 'off' | null, error: ApiError | null }.
const states = new WeakMap();

function stateOf(session) {
  if (!states.has(session)) states.set(session, { busy: false, note: null, error: null });
  return states.get(session);
}

/**
 * The reminders still to come for a session starting at `startsAt`, as the server
 * sends them (scheduler ProgrammeSettings.reminder_leads): 'both', 'quarter' or null.
 */
export function remindersAhead(startsAt, now = Date.now()) {
  if (!startsAt) return null;
  const left = new Date(startsAt).getTime() - now;
  if (left > DAY_MS) return 'both';
  if (left > QUARTER_MS) return 'quarter';
  return null;
}

/** Whether "Remind me" makes sense for this session now. */
export function followable(session, now = Date.now()) {
  return session.state === 'scheduled' && remindersAhead(session.starts_at, now) !== null;
}

function willRemind(session) {
  return remindersAhead(session.starts_at) === 'both'
    ? t('live.follow.will_remind_both')
    : t('live.follow.will_remind_quarter');
}

class FollowToggle extends HTMLElement {
  session = null;
  signedIn = false;
  #painted = ''; // what the last paint showed: an unchanged toggle keeps its nodes (and focus)
  #onLanguage = () => this.paint();

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    this.paint();
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  paint() {
    const session = this.session;
    if (!session) return;
    const id = session.id;
    const state = stateOf(session);
    const shown = JSON.stringify([
      language(),
      this.signedIn,
      followable(session),
      remindersAhead(session.starts_at),
      session.following,
      state.busy,
      state.note,
      state.error?.code ?? null,
    ]);
    if (shown === this.#painted) return;
    this.#painted = shown;
    if (!followable(session)) {
      this.hidden = true;
      this.replaceChildren();
      return;
    }
    this.hidden = false;
    const label = t('live.follow.label', { title: session.title });
    if (!this.signedIn) {
      this.replaceChildren(
        h(
          'a',
          {
            class: 'button button-secondary button-small follow-sign-in',
            id: `follow-${id}`,
            href: `/login?next=${encodeURIComponent(herePath())}`,
            'aria-label': t('live.follow.sign_in_label', { title: session.title }),
          },
          t('live.follow.button'),
        ),
        ' ',
        h('span', { class: 'hint' }, t('live.follow.sign_in_hint')),
      );
      return;
    }
    const on = session.following === true;
    const noteId = `follow-note-${id}`;
    const note = on ? willRemind(session) : state.note === 'off' ? t('live.follow.stopped') : '';
    const nodes = [
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary button-small follow-toggle',
          id: `follow-${id}`,
          'aria-pressed': on ? 'true' : 'false',
          'aria-label': label,
          'aria-describedby': note ? noteId : null,
          'aria-busy': state.busy ? 'true' : null,
          dataset: { following: String(on) },
          onclick: () => this.#toggle(),
        },
        on ? h('span', { 'aria-hidden': 'true' }, '✓ ') : null,
        t('live.follow.button'),
      ),
      note ? [' ', h('span', { class: 'hint follow-note', id: noteId }, note)] : null,
      state.error
        ? h(
            'div',
            { class: 'notice notice-error', role: 'alert', id: `follow-error-${id}` },
            h('p', { 'data-error-code': state.error.code ?? 'client' }, errorMessage(state.error)),
          )
        : null,
    ];
    this.replaceChildren(...nodes.flat().filter(Boolean));
  }

  async #toggle() {
    const session = this.session;
    const state = stateOf(session);
    if (state.busy) return;
    const on = session.following !== true;
    state.busy = true;
    state.error = null;
    this.paint();
    try {
      await api(`/api/featured-sessions/${encodeURIComponent(session.id)}/follow`, {
        method: on ? 'PUT' : 'DELETE',
      });
      session.following = on;
      state.note = on ? 'on' : 'off';
      announce(
        on
          ? `${t('live.follow.done', { title: session.title })} ${willRemind(session)}`
          : t('live.follow.undone', { title: session.title }),
      );
    } catch (error) {
      state.error = error;
    } finally {
      state.busy = false;
    }
    // Every toggle of this session on the page (the same object) shows the answer.
    for (const other of document.querySelectorAll('lf-follow-toggle')) {
      if (other.session === session) other.paint();
    }
    this.querySelector('button')?.focus();
  }
}

customElements.define('lf-follow-toggle', FollowToggle);

/** A toggle for `session` (null when it cannot be followed now). */
export function followToggle(session, signedIn) {
  if (!followable(session)) return null;
  const toggle = document.createElement('lf-follow-toggle');
  toggle.session = session;
  toggle.signedIn = signedIn;
  return toggle;
}
