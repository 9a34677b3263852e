// What the pages of a venue's admins share (/manage/venues/<id>/…): the venue, whether
// the visitor runs it (its venue admins and the fair's organisers), and the tabs
// between overview, employer verification, booths and desks, staff, featured sessions,
// the region's policies and statistics.

import { api, ApiError } from '../api.js';
import { currentFair, pick } from '../fair.js';
import { language, t } from '../lib/i18n.js';
import { me, scopesOf } from '../session.js';
import { sectionTabs } from './signed-in.js';

export async function loadVenueAdmin(id) {
  const account = await me();
  if (!account) return { account: null };
  const fair = await currentFair();
  const venue = fair?.venues.find((v) => v.id === id);
  if (!venue) throw new ApiError({ code: 'venue.not_found', status: 404 });
  const organiser = scopesOf(account, 'organiser').includes(fair.id);
  const admin = scopesOf(account, 'venue_admin').includes(venue.id);
  if (!organiser && !admin) throw new ApiError({ code: 'auth.forbidden', status: 403 });
  return { account, fair, venue, organiser, admin };
}

export function venueTabs(venue, current) {
  const base = `/manage/venues/${venue.id}`;
  return sectionTabs(
    t('structure.manage_venue.tabs'),
    [
      { id: 'overview', href: base, label: t('structure.manage_venue.overview') },
      { id: 'employers', href: `${base}/employers`, label: t('structure.manage_venue.employers') },
      { id: 'booths', href: `${base}/booths`, label: t('structure.manage_venue.booths') },
      { id: 'staff', href: `${base}/staff`, label: t('structure.manage_venue.staff') },
      venue.kind === 'sub'
        ? { id: 'sessions', href: `${base}/sessions`, label: t('structure.manage_venue.sessions') }
        : null,
      { id: 'policies', href: `${base}/policies`, label: t('structure.manage_venue.policies') },
      { id: 'stats', href: `${base}/stats`, label: t('structure.manage_venue.stats') },
      { id: 'public', href: `/venues/${venue.id}`, label: t('structure.manage_venue.public') },
    ].filter(Boolean),
    current,
  );
}

export function venueHeading(model, page) {
  return model.venue ? pick(model.venue, 'name', language()) : page;
}

export function venueTitle(model, page) {
  return model.venue
    ? t('structure.manage_venue.title', { page, name: pick(model.venue, 'name', language()) })
    : page;
}

/** Every booth the visitor may see for a query, across pages of the API's list. */
export async function allBooths(query, signal) {
  const items = [];
  let offset = 0;
  for (;;) {
    const page = await api(`/api/booths?${query}&limit=500&offset=${offset}`, { signal });
    items.push(...page.items);
    if (page.next_offset === null || page.next_offset === undefined) return items;
    offset = page.next_offset;
  }
}
