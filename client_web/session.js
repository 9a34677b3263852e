// Who is using the page: the roles of the signed-in account's grants (GET /api/me),
// which decide the navigation (nav.js) and the account link in the header.
// Roles are those of server/domain/principal.py.
//
// A browser session comes with a readable `csrf_token` cookie beside the HttpOnly
// session cookie, so without that cookie the visitor is anonymous and no request is
// made. A 401 (expired or revoked session) also means anonymous.
//
// After signing in or out, or after something that changes the account's grants
// (creating an employer, accepting an invitation), call refresh(): the header and the
// navigation follow at once, without a page load.

import { api, ApiError, csrfToken } from './api.js';
import { reconnect } from './stream.js';
import './components/account-link.js';
import { useFeatures } from './lib/i18n.js';
import { navFor } from './nav.js';

let pending = null;
let refreshes = 0; // refresh() calls started: only the latest one paints

/** The signed-in account ({ id, display_name, grants, … }) or null. */
export function me() {
  if (pending === null) {
    pending =
      csrfToken() === null
        ? Promise.resolve(null)
        : api('/api/me').catch((error) => {
            if (error instanceof ApiError && error.status === 401) return null;
            throw error;
          });
    pending.catch(() => {
      pending = null;
    });
  }
  return pending;
}

function rolesOf(account) {
  return [...new Set((account?.grants ?? []).map((grant) => grant.role))];
}

/** The ids of the scopes on which the account holds `role` (employers, venues, fairs). */
export function scopesOf(account, role) {
  return (account?.grants ?? [])
    .filter((grant) => grant.role === role && grant.scope_id)
    .map((grant) => grant.scope_id);
}

/** Put the account link in the header (once) and show `account` in it. */
function paintHeader(account) {
  const bar = document.querySelector('.site-header-bar');
  if (!bar) return;
  let link = bar.querySelector('lf-account-link');
  if (!link) {
    link = document.createElement('lf-account-link');
    link.className = 'header-account';
    bar.insertBefore(link, bar.querySelector('lf-language-switch'));
  }
  link.account = account;
}

/**
 * Candidates get the compact "my lines" panel under the header on every page: it shows
 * the "get ready" alert and a call to answer wherever they are (my-lines-panel.js).
 */
async function paintLines(account) {
  const existing = document.querySelector('lf-my-lines-panel[compact]');
  if (!rolesOf(account).includes('candidate')) {
    existing?.remove();
    return;
  }
  if (existing) return;
  await useFeatures(['structure', 'queue']);
  await import('./components/my-lines-panel.js');
  if (document.querySelector('lf-my-lines-panel[compact]')) return;
  const panel = document.createElement('lf-my-lines-panel');
  panel.setAttribute('compact', '');
  panel.className = 'container my-lines-compact';
  document.getElementById('notices')?.after(panel);
}

/** The distinct roles the visitor holds ([] when anonymous or when /api/me fails). */
export async function roles() {
  let account = null;
  try {
    account = await me();
  } catch {
    account = null; // the pages still work; the navigation shows the public items
  }
  paintHeader(account);
  paintLines(account).catch((error) => console.warn('my lines panel failed', error));
  return rolesOf(account);
}

/** Read the session again and update the header and the navigation; when the account
 * changed (signed in, out, or as someone else), the event stream reconnects as the new
 * one, so nothing of the previous account's reaches this tab. */
export async function refresh() {
  const mine = ++refreshes;
  // Whose session this tab knew before (undefined: never read, or the read failed).
  const before =
    pending === null
      ? undefined
      : await pending.then(
          (account) => account?.id ?? null,
          () => undefined,
        );
  if (mine === refreshes) pending = null;
  const account = await me().catch(() => null);
  // Refreshes can overlap (a sign-in right after the stream said the session ended): an
  // older one's answer may come last, and must not paint over the newer one's.
  if (mine !== refreshes) return account;
  // Before painting: the header and panels follow `me` anew, on the new socket.
  if (before === undefined || before !== (account?.id ?? null)) reconnect();
  const held = await roles();
  const nav = document.querySelector('lf-nav');
  if (nav) nav.items = navFor(held);
  return account;
}

// The event stream was closed because this session ended elsewhere (revoked from another
// device): show the page as whoever the cookie now says — nobody.
window.addEventListener('livefair:session-ended', () => {
  refresh().catch(() => {});
});

/** End this browser's session (the server clears both cookies), then refresh. */
export async function signOut() {
  try {
    await api('/api/auth/logout', { method: 'POST' });
  } catch (error) {
    // Already signed out elsewhere (the session was revoked): nothing left to end.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  return refresh();
}
