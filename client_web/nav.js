// Navigation per role, as data. The shell shows the items of every role the visitor
// holds, in the order of ROLES, without duplicates.
//
// An item is { id, href, label } where `label` is a catalogue key (a literal, so the
// catalogue test sees it) and `href` must be a route in routes.js: the browser tests
// fail on a nav item that leads to the "not found" page. Add an item only together
// with its page.
//
// Roles are those of the grants (server/domain/principal.py, Role) plus "anonymous",
// which everyone has; session.js reads the visitor's grants from GET /api/me.

export const ROLES = [
  'anonymous',
  'candidate',
  'recruiter',
  'employer_admin',
  'counsellor',
  'host',
  'venue_admin',
  'organiser',
];

export const NAV = {
  anonymous: [
    { id: 'home', href: '/', label: 'shell.nav.home' },
    { id: 'venues', href: '/venues', label: 'shell.nav.venues' },
    { id: 'programme', href: '/programme', label: 'shell.nav.programme' },
    { id: 'jobs', href: '/jobs', label: 'shell.nav.jobs' },
    { id: 'policies', href: '/policies', label: 'shell.nav.policies' },
  ],
  // Every account holds "candidate"; the account page is the header's link (session.js).
  candidate: [
    { id: 'my-lines', href: '/me/lines', label: 'shell.nav.my_lines' },
    { id: 'my-profile', href: '/me/profile', label: 'shell.nav.my_profile' },
  ],
  // Staff land on their booths (and from there the console) in one click.
  recruiter: [
    { id: 'my-booths', href: '/me/booths', label: 'shell.nav.my_booths' },
    { id: 'my-employers', href: '/manage/employers', label: 'shell.nav.my_employers' },
    { id: 'our-jobs', href: '/manage/jobs', label: 'shell.nav.our_jobs' },
    { id: 'inbox', href: '/manage/applications', label: 'shell.nav.inbox' },
  ],
  employer_admin: [
    { id: 'my-employers', href: '/manage/employers', label: 'shell.nav.my_employers' },
    { id: 'our-jobs', href: '/manage/jobs', label: 'shell.nav.our_jobs' },
    { id: 'inbox', href: '/manage/applications', label: 'shell.nav.inbox' },
  ],
  counsellor: [{ id: 'my-booths', href: '/me/booths', label: 'shell.nav.my_booths' }],
  host: [{ id: 'my-sessions', href: '/me/sessions', label: 'shell.nav.my_sessions' }],
  venue_admin: [{ id: 'manage-venues', href: '/manage/venues', label: 'shell.nav.manage_venues' }],
  organiser: [{ id: 'manage-venues', href: '/manage/venues', label: 'shell.nav.manage_venues' }],
};

/** The items for a visitor holding `roles` (anonymous items are always included). */
export function navFor(roles) {
  const held = new Set(['anonymous', ...roles]);
  const seen = new Set();
  const items = [];
  for (const role of ROLES) {
    if (!held.has(role)) continue;
    for (const item of NAV[role]) {
      if (seen.has(item.href)) continue;
      seen.add(item.href);
      items.push(item);
    }
  }
  return items;
}

/** The nav item a path belongs to: exact match, else the longest prefix ("/venues/x"). */
export function currentItem(items, pathname) {
  let best = null;
  for (const item of items) {
    const exact = item.href === pathname;
    const prefix = item.href !== '/' && pathname.startsWith(`${item.href}/`);
    if (exact) return item;
    if (prefix && (!best || item.href.length > best.href.length)) best = item;
  }
  return best;
}
