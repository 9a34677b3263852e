// What the side panels of a featured session (<lf-session-chat>, <lf-session-questions>)
// share. Set `feed` (SessionFeed), `account` (GET /api/me or null) and `zone` before
// connecting one. A panel follows the feed (`changed(kind)`), rebuilds itself on a
// language change (`build()`) and redraws its compose box with `paintForm()`: a sign-in
// link for visitors, the form, and the last failure (`error`) in an alert.

import { errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export class SessionPanel extends HTMLElement {
  feed = null;
  account = null;
  zone = 'Asia/Shanghai';
  /** The last failure of a send or an action, shown under the compose box. */
  error = null;
  sending = false;
  #stop = null;
  #onLanguage = () => this.build();

  connectedCallback() {
    this.#stop = this.feed.onChange((kind) => {
      // A failure (too many messages, say) is about the session while it runs.
      if (kind === 'state' && this.feed.state === 'ended') this.error = null;
      this.changed(kind);
    });
    window.addEventListener('languagechange', this.#onLanguage);
    this.build();
  }

  disconnectedCallback() {
    this.#stop?.();
    window.removeEventListener('languagechange', this.#onLanguage);
  }

  /** A frame of the feed arrived (`kind` as SessionFeed.onChange says). */
  changed(_kind) {}

  /** Draw everything again (first connection, language change). */
  build() {}

  /** Draw the compose box again. */
  paintForm() {}

  /**
   * The compose form's submit: `post(text)` sends the trimmed text (one send at a time);
   * the text area empties once it is sent and keeps the draft when it failed.
   */
  async send(event, area, post) {
    event.preventDefault();
    const text = area.value.trim();
    if (this.sending) return;
    if (!text) {
      // Only spaces: nothing is sent, and the person is told why.
      this.error = t('live.compose.empty');
      this.paintForm();
      this.querySelector(`#${area.id}`)?.focus();
      return;
    }
    this.sending = true;
    this.error = null;
    try {
      await post(text);
      area.value = '';
    } catch (error) {
      this.error = error;
    }
    this.sending = false;
    this.paintForm();
    this.querySelector(`#${area.id}`)?.focus();
  }

  /** A button's action (moderate, vote, answer): a failure shows under the compose box. */
  async act(run) {
    try {
      await run();
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.paintForm();
  }
}

/** For visitors, in place of the form: sign in and come back to this page. */
export function signInLink(text) {
  return h(
    'p',
    {},
    h(
      'a',
      {
        href: `/login?next=${encodeURIComponent(location.pathname)}`,
        class: 'button button-secondary',
      },
      text,
    ),
  );
}

/** The panel's last failure (an error, or a sentence of this page's own), as an alert
 * (`id` for the tests and focus). */
export function errorNotice(error, id) {
  if (!error) return null;
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert', id },
    h('p', {}, typeof error === 'string' ? error : errorMessage(error)),
  );
}
