// Who is using the page: the roles of the signed-in account's grants (GET /api/me),
// which decide the navigation (nav.js). Roles are those of server/domain/principal.py.
//
// A browser session comes with a readable `csrf_token` cookie beside the HttpOnly
// session cookie, so without that cookie the visitor is anonymous and no request is
// made. A 401 (expired or revoked session) also means anonymous.

import { api, ApiError, csrfToken } from './api.js';

let pending = null;

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

/** The distinct roles the visitor holds ([] when anonymous or when /api/me fails). */
export async function roles() {
  try {
    const account = await me();
    return [...new Set((account?.grants ?? []).map((grant) => grant.role))];
  } catch {
    return []; // the pages still work; the navigation shows the public items
  }
}
