// <lf-session-stats>: a featured session's figures (getSessionStats) for its hosts and
// moderators — peak and unique viewers (signed in / anonymous), total and average watch
// time, chat messages, questions — as a definition list. While the session is open the
// figures are as of the last load and a "refresh" button loads them again (before the
// lobby opens the note says nothing is counted yet); once it has ended they are final
// and say so. Someone the API refuses (403, 401) sees nothing: the element stays empty
// and hidden. Set `sessionId` and `state` (the feed's); setting
// `state` to "ended" loads the final figures. Strings: the "live" catalogue; durations
// with durationText() of components/queue-stats.js (the "stats" catalogue).
// docs/sessions-live.md.

import { api, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { durationText } from './queue-stats.js';

// The figures in order, with how each is written.
const FIGURES = [
  { name: 'peak_viewers', kind: 'count', label: () => t('live.stats.peak_viewers') },
  { name: 'unique_viewers', kind: 'count', label: () => t('live.stats.unique_viewers') },
  { name: 'signed_in_viewers', kind: 'count', label: () => t('live.stats.signed_in_viewers') },
  { name: 'anonymous_viewers', kind: 'count', label: () => t('live.stats.anonymous_viewers') },
  { name: 'watch_seconds', kind: 'duration', label: () => t('live.stats.watch_seconds') },
  {
    name: 'average_watch_seconds',
    kind: 'duration',
    label: () => t('live.stats.average_watch_seconds'),
  },
  { name: 'messages', kind: 'count', label: () => t('live.stats.messages') },
  { name: 'questions', kind: 'count', label: () => t('live.stats.questions') },
];

class SessionStats extends HTMLElement {
  sessionId = null;
  #state = null;
  #stats = null; // the last SessionStats
  #allowed = true; // false once the API said 401/403
  #loading = false;
  #error = null;
  #status = null;
  #onLanguage = () => this.#paint();

  get state() {
    return this.#state;
  }

  set state(value) {
    const before = this.#state;
    this.#state = value;
    if (!before || before === value || !this.isConnected) return;
    // The end freezes the figures: load them once more, final.
    if (value === 'ended') this.load();
    else this.#paint(); // the note says whether anything is counted yet
  }

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    this.hidden = true;
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  async load() {
    if (!this.#allowed || this.#loading) return;
    this.#loading = true;
    this.#error = null;
    this.#paint();
    try {
      const id = encodeURIComponent(this.sessionId);
      this.#stats = await api(`/api/featured-sessions/${id}/stats`);
      this.#say(t('live.stats.loaded'));
    } catch (error) {
      if (error?.status === 401 || error?.status === 403) this.#allowed = false;
      else this.#error = error;
    }
    this.#loading = false;
    this.#paint();
  }

  #say(text) {
    if (this.#status) this.#status.textContent = text;
  }

  #paint() {
    if (!this.#allowed) {
      this.hidden = true;
      this.replaceChildren();
      return;
    }
    this.hidden = false;
    const focused = this.contains(document.activeElement) ? document.activeElement.id : '';
    const stats = this.#stats;
    const final = Boolean(stats?.final);
    this.#status ??= h('p', {
      class: 'visually-hidden',
      role: 'status',
      id: 'session-stats-status',
    });
    this.replaceChildren(
      h(
        'section',
        {
          class: 'live-panel session-stats',
          id: 'session-stats',
          'aria-labelledby': 'session-stats-title',
        },
        h('h2', { id: 'session-stats-title' }, t('live.stats.title')),
        stats
          ? h(
              'p',
              { class: 'hint', id: 'session-stats-note', dataset: { final: String(final) } },
              final ? t('live.stats.final') : this.#note(),
            )
          : null,
        stats ? this.#list(stats) : h('p', { class: 'hint' }, t('live.stats.loading')),
        !final
          ? h(
              'p',
              { class: 'actions' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'button button-secondary button-small',
                  id: 'session-stats-refresh',
                  disabled: this.#loading,
                  onclick: () => this.load(),
                },
                t('live.stats.refresh'),
              ),
            )
          : null,
        this.#error
          ? h('p', { class: 'notice notice-error', role: 'alert' }, errorMessage(this.#error))
          : null,
        this.#status,
      ),
    );
    if (focused) this.querySelector(`#${CSS.escape(focused)}`)?.focus();
  }

  // Not final: so far while the session is open; before, nothing is counted yet.
  #note() {
    const open = this.#state === 'lobby' || this.#state === 'live';
    return open ? t('live.stats.so_far') : t('live.stats.not_started');
  }

  #list(stats) {
    const number = new Intl.NumberFormat(language());
    const figures = {
      ...stats,
      average_watch_seconds:
        stats.unique_viewers > 0 ? stats.watch_seconds / stats.unique_viewers : null,
    };
    return h(
      'dl',
      { class: 'session-stats-list', id: 'session-stats-list' },
      FIGURES.map(({ name, kind, label }) => {
        const value = figures[name];
        let text;
        if (value === null || value === undefined) {
          text = [
            h('span', { 'aria-hidden': 'true' }, '—'),
            h('span', { class: 'visually-hidden' }, t('live.stats.no_data')),
          ];
        } else if (kind === 'duration') text = durationText(value);
        else text = number.format(value);
        return [
          h('dt', {}, label()),
          h('dd', { dataset: { figure: name, value: value === null ? '' : String(value) } }, text),
        ];
      }),
    );
  }
}

customElements.define('lf-session-stats', SessionStats);
