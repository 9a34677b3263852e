// Calendar subscriptions (getCalendarFeed, GET /calendar/{scope}.ics: no cookie needed,
// so a calendar app can poll it): the feed's plain https(or http) URL, and the same URL
// as webcal:// — which phones and desktop calendar apps open as "subscribe" rather
// than as a one-off download. The caller passes its own strings (pages load different
// catalogues).

import { h } from '../lib/dom.js';

/** The absolute URL of a feed path on this site (or a full URL), and its webcal:// twin. */
export function feedUrls(path) {
  const https = new URL(path, window.location.origin).href;
  return { https, webcal: https.replace(/^https?:/, 'webcal:') };
}

/** The fair's feed path (by slug, so it stays that fair's after the next one opens). */
export function fairFeedPath(fair) {
  return `/calendar/fair.ics?fair=${encodeURIComponent(fair.slug ?? fair.id)}`;
}

/** A venue's feed path (the main venue's is the whole fair's programme). */
export function venueFeedPath(venueId) {
  return `/calendar/venue-${encodeURIComponent(venueId)}.ics`;
}

/** "Open in a calendar app" (webcal://) for a feed path; `label` names it for screen readers. */
export function webcalLink(path, text, label = null, id = null) {
  return h(
    'a',
    { href: feedUrls(path).webcal, class: 'webcal-link', id, 'aria-label': label },
    text,
  );
}
