// Client-side routing with real URLs (History API).
//
// Routes are data (routes.js): { name, path: '/venues/:id', features: ['fairs'],
// load: () => import('./pages/venue.js'), tag: 'lf-venue-page' }. The server answers
// every non-API path without a file extension with index.html, so a reload or a deep
// link lands here and is routed like a click.
//
// A same-origin <a href> click is handled here (no page load) unless it has a target,
// a download attribute, a modifier key, or points at the API. After a route change
// the page's <h1> receives focus (so screen readers announce the new page and Tab
// starts from the content) and window gets a "livefair:view" event
// (detail: { path, route, state }) once the page shows its content.

import { h } from './dom.js';
import { t, useFeatures } from './i18n.js';

const SERVER_PATHS = ['/api/', '/ws', '/calendar/', '/healthz', '/readyz'];

function compile(path) {
  const names = [];
  const pattern = path.replace(/\/:([a-zA-Z_]+)/g, (_, name) => {
    names.push(name);
    return '/([^/]+)';
  });
  return { regexp: new RegExp(`^${pattern}$`), names };
}

export class Router {
  /**
   * @param {object} options
   * @param {Array<object>} options.routes
   * @param {object} options.notFound  the route shown for any unknown path
   * @param {HTMLElement} options.outlet  where pages go (<main>)
   * @param {(view: {route: object, page: HTMLElement}) => void} [options.onView]
   */
  constructor({ routes, notFound, outlet, onView = () => {} }) {
    this.routes = routes.map((route) => ({ ...route, ...compile(route.path) }));
    this.notFound = notFound;
    this.outlet = outlet;
    this.onView = onView;
    this.page = null;
    this.route = null;
    this.generation = 0;
  }

  /** The route and parameters for a path; the not-found route when none matches. */
  match(pathname) {
    for (const route of this.routes) {
      const found = route.regexp.exec(pathname);
      if (found) {
        const params = {};
        route.names.forEach((name, index) => {
          params[name] = decodeURIComponent(found[index + 1]);
        });
        return { route, params };
      }
    }
    return { route: this.notFound, params: {} };
  }

  start() {
    document.addEventListener('click', (event) => this.#onClick(event));
    window.addEventListener('popstate', () => this.render({ focus: true }));
    return this.render({ focus: false });
  }

  /** Go to a URL of this site, adding a history entry unless `replace`. */
  navigate(url, { replace = false } = {}) {
    const target = new URL(url, window.location.href);
    if (replace) window.history.replaceState(null, '', target);
    else window.history.pushState(null, '', target);
    window.scrollTo(0, 0);
    return this.render({ focus: true });
  }

  #onClick(event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.target.closest?.('a[href]');
    if (!anchor || anchor.hasAttribute('download')) return;
    if (anchor.target && anchor.target !== '_self') return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (SERVER_PATHS.some((prefix) => url.pathname.startsWith(prefix))) return;
    const here = window.location;
    if (url.pathname === here.pathname && url.search === here.search && url.hash) return;
    event.preventDefault();
    this.navigate(url);
  }

  #showLoadFailure(focus) {
    const heading = h('h1', { tabindex: '-1' }, t('shell.error.title'));
    this.outlet.replaceChildren(
      h(
        'div',
        { class: 'page' },
        heading,
        h('div', { class: 'notice notice-error' }, h('p', {}, t('shell.error.load_failed'))),
        h(
          'p',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'button', onclick: () => window.location.reload() },
            t('shell.error.retry'),
          ),
        ),
      ),
    );
    this.outlet.removeAttribute('aria-busy');
    document.documentElement.dataset.viewState = 'error';
    document.title = t('shell.error.title');
    if (focus) heading.focus();
  }

  async render({ focus }) {
    const generation = ++this.generation;
    let pathname = window.location.pathname;
    if (pathname.length > 1 && pathname.endsWith('/')) {
      pathname = pathname.replace(/\/+$/, '');
      window.history.replaceState(null, '', pathname + window.location.search);
    }
    const { route, params } = this.match(pathname);
    const root = document.documentElement;
    root.dataset.viewState = 'loading';
    root.dataset.route = route.name;
    this.outlet.setAttribute('aria-busy', 'true');

    try {
      await Promise.all([useFeatures(route.features ?? []), route.load()]);
    } catch (error) {
      // The page's code or strings did not arrive (offline, a deploy in progress).
      console.error(error);
      if (generation !== this.generation) return;
      this.#showLoadFailure(focus);
      return;
    }
    if (generation !== this.generation) return; // a newer navigation won

    const page = document.createElement(route.tag);
    page.params = params;
    page.query = new URLSearchParams(window.location.search);
    this.page = page;
    this.route = route;
    this.outlet.replaceChildren(page);
    const state = await page.ready;
    if (generation !== this.generation) return;

    this.outlet.removeAttribute('aria-busy');
    root.dataset.viewState = state;
    this.onView({ route, page });
    if (focus) page.focusHeading();
    window.dispatchEvent(
      new CustomEvent('livefair:view', {
        detail: { path: window.location.pathname, route: route.name, state },
      }),
    );
  }
}
