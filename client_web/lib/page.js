// The base class of every page (a custom element the router puts into <main>).
//
//   class VenuePage extends Page {
//     async load(signal) { return api(`/api/venues/${this.params.id}`, { signal }); }
//     heading(venue) { return pick(venue, 'name', language()); }
//     render(venue) { return [h('p', {}, …)]; }
//   }
//   customElements.define('lf-venue-page', VenuePage);
//
// load() runs once; render() runs after it and again on every language change, from
// the same data, so it must only read its argument, this.params, this.query and the
// catalogues. The base class draws the <h1> (from heading()), a loading state and an
// error state (the error's code mapped to text, with what can be done about it: a
// sign-in link for 401, a retry button where retrying can help), and resolves
// `ready` when the first real content is on screen: the router then moves focus to
// the heading and announces the page.

import { ApiError, errorMessage } from '../api.js';
import { t } from './i18n.js';
import { h } from './dom.js';

export class Page extends HTMLElement {
  /** Path parameters of the route (/venues/:id -> { id }). Set by the router. */
  params = {};
  /** The query string of the URL. Set by the router. */
  query = new URLSearchParams();

  #started = false;
  #state = 'loading';
  #data = null;
  #error = null;
  #abort = new AbortController();
  #resolveReady;
  ready = new Promise((resolve) => {
    this.#resolveReady = resolve;
  });

  #onLanguage = () => this.#paint();

  /** Fetch what the page shows. Return value goes to heading(), render(), title(). */
  async load(_signal) {
    return null;
  }

  /** The page's <h1> text. */
  heading(_data) {
    return '';
  }

  /** The page's content under the heading: a node or an array of nodes. */
  render(_data) {
    return [];
  }

  /** Text for document.title (defaults to the heading). */
  title(data) {
    return this.heading(data);
  }

  /** The document title for the current state. */
  documentTitle() {
    if (this.#state === 'loading') return t('shell.loading');
    if (this.#state === 'error') return this.#errorHeading();
    return this.title(this.#data);
  }

  get state() {
    return this.#state;
  }

  connectedCallback() {
    window.addEventListener('languagechange', this.#onLanguage);
    if (this.#started) return;
    this.#started = true;
    this.#paint();
    this.#run();
  }

  disconnectedCallback() {
    window.removeEventListener('languagechange', this.#onLanguage);
    this.#abort.abort();
  }

  async #run() {
    this.#state = 'loading';
    this.#paint();
    try {
      this.#data = await this.load(this.#abort.signal);
      this.#state = 'ready';
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      // An ApiError is an answer to show; anything else is a bug in the page.
      if (!(error instanceof ApiError)) console.error(error);
      this.#error = error;
      this.#state = 'error';
    }
    this.#paint();
    this.#resolveReady(this.#state);
  }

  #errorHeading() {
    return this.#error?.status === 404 ? t('shell.error.not_found') : t('shell.error.title');
  }

  /**
   * What the visitor can do about the error: sign in (401, coming back here after),
   * try again (no answer, a server error, too many requests: it may work next time),
   * and always go home. Trying again cannot help with 403, 404 or a refused request.
   */
  #errorActions() {
    const status = this.#error instanceof ApiError ? this.#error.status : null;
    const home = (main) =>
      h(
        'a',
        { href: '/', class: main ? 'button' : 'button button-secondary' },
        t('shell.error.home'),
      );
    if (status === 401) {
      const here = encodeURIComponent(window.location.pathname + window.location.search);
      return [
        h(
          'a',
          { href: `/login?next=${here}`, class: 'button', id: 'error-sign-in' },
          t('shell.error.sign_in'),
        ),
        home(false),
      ];
    }
    const retryable = status === null || status === 0 || status === 429 || status >= 500;
    if (!retryable) return [home(true)];
    return [
      h(
        'button',
        { type: 'button', class: 'button', id: 'error-retry', onclick: () => this.#run() },
        t('shell.error.retry'),
      ),
      home(false),
    ];
  }

  #paint() {
    const focused = this.contains(document.activeElement);
    let nodes;
    if (this.#state === 'loading') {
      nodes = [h('p', { class: 'loading' }, t('shell.loading'))];
    } else if (this.#state === 'error') {
      nodes = [
        h('h1', { tabindex: '-1' }, this.#errorHeading()),
        h(
          'div',
          { class: 'notice notice-error' },
          h('p', { 'data-error-code': this.#error?.code ?? 'client' }, errorMessage(this.#error)),
        ),
        h('p', { class: 'actions' }, this.#errorActions()),
      ];
    } else {
      nodes = [h('h1', { tabindex: '-1' }, this.heading(this.#data)), this.render(this.#data)];
    }
    this.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
    if (focused) this.focusHeading();
  }

  /** Move focus to the page's <h1> (route changes, re-renders that lost focus). */
  focusHeading() {
    this.querySelector('h1')?.focus();
  }
}
