// Moving to another page from code (after signing in, after creating something), the
// way a link click does: a history entry, then the router renders the new page and
// moves focus to its heading. A notice is announced once the new page shows, since
// the shell clears the status area on every navigation.

import { announce } from '../notices.js';

/** Go to `path` (of this site); announce `notice` (text, or a function giving text). */
export function go(path, { notice = null, replace = false } = {}) {
  if (notice) {
    window.addEventListener(
      'livefair:view',
      () => announce(typeof notice === 'function' ? notice() : notice),
      { once: true },
    );
  }
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.scrollTo(0, 0);
  // The router re-renders on popstate (lib/router.js), exactly as for Back/Forward.
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** A same-site path to return to after signing in (?next=), or `fallback`. */
export function nextPath(query, fallback = '/account') {
  const next = query.get('next') ?? '';
  // Only paths of this site: "/x", not "//evil.example" or "https://…".
  const safe = next.startsWith('/') && !next.startsWith('//') && !next.includes('\\');
  return safe ? next : fallback;
}

/** The path of the current page with its query, to come back to after signing in. */
export function herePath() {
  return window.location.pathname + window.location.search;
}

/** `path` carrying the current page's ?next= along (between sign-in and sign-up). */
export function keepNext(path, query) {
  const next = query.get('next');
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
