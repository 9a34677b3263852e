// What a notification says and where its reader acts on it. Every kind the server
// sends (server/services/*.py, server/api/applications.py, scheduler/service.py call
// notify()) has a sentence, "notifications.kind.<kind>", and a link here;
// tests/unit/test_notification_kinds.py fails when a kind has neither. A kind this
// client does not know still shows, with the generic sentence and no link.
//
// `data` carries ids and public fields only (a session's title and times, a week, an
// application's status, an interview's outcome, why a place in a line lapsed); times are
// shown in the fair's zone. A staff member's reason for removing someone from a line is
// not in it: it stays with the ticket, for staff.

import { formatInstant } from './when.js';
import { language, t, tCode } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';

/** "/a/b/c" with each part escaped, or null when a part is missing from the data. */
function path(...parts) {
  if (parts.some((part) => part === null || part === undefined || part === '')) return null;
  return `/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;
}

/** The venue's sessions page when the venue is known, else the admin's venues. */
function venueSessions(venueId, context) {
  const venue = venueId ?? (context.venues.length === 1 ? context.venues[0] : null);
  return venue
    ? { href: path('manage', 'venues', venue, 'sessions'), action: 'venue_sessions' }
    : { href: '/manage/venues', action: 'manage_venues' };
}

/** The hosts' studio of a session, and its page for the audience. */
const studio = (id) => ({ href: path('sessions', id, 'studio'), action: 'studio' });
const session = (id) => ({ href: path('sessions', id), action: 'session' });
const booth = (id) => ({ href: path('booths', id), action: 'booth' });
const interview = (id) => ({ href: path('interviews', id), action: 'interview' });

// kind → (data, context) → { href, action } (action: "notifications.action.<action>")
const LINKS = {
  'queue.room': (d) => booth(d.booth_id),
  'ticket.removed': (d) => booth(d.booth_id),
  'ticket.expired': (d) => booth(d.booth_id),
  'interview.outcome': (d) => interview(d.interview_id),
  'interview.outcome_corrected': (d) => interview(d.interview_id),
  'reservation.won': () => ({ href: '/me/bookings', action: 'bookings' }),
  'reservation.waitlisted': () => ({ href: '/me/bookings', action: 'bookings' }),
  'reservation.moved_up': () => ({ href: '/me/bookings', action: 'bookings' }),
  'reservation.starting': () => ({ href: '/me/lines', action: 'lines' }),
  'application.status': () => ({ href: '/me/applications', action: 'applications' }),
  'programme.late_window': (d, c) => venueSessions(d.venue_id, c),
  'programme.submission_due': (d, c) => venueSessions(d.venue_id, c),
  'programme.session_returned': (d, c) => venueSessions(d.venue_id, c),
  'programme.session_approved': (d, c) => venueSessions(d.venue_id, c),
  'programme.session_scheduled': (d) => studio(d.session_id),
  'programme.lobby_open': (d) => studio(d.session_id),
  'programme.session_cancelled': (d) => session(d.session_id),
  'programme.session_moved': (d) => session(d.session_id),
  'programme.reminder': (d) => session(d.session_id),
};

const ACTIONS = {
  booth: () => t('notifications.action.booth'),
  bookings: () => t('notifications.action.bookings'),
  lines: () => t('notifications.action.lines'),
  applications: () => t('notifications.action.applications'),
  interview: () => t('notifications.action.interview'),
  venue_sessions: () => t('notifications.action.venue_sessions'),
  manage_venues: () => t('notifications.action.manage_venues'),
  studio: () => t('notifications.action.studio'),
  session: () => t('notifications.action.session'),
};

// Why a place in a line lapsed (`ticket.expired`'s `cause`), shown under the sentence.
const EXPIRED_CAUSES = {
  unanswered: () => t('notifications.expired.unanswered'),
  away: () => t('notifications.expired.away'),
  day_close: () => t('notifications.expired.day_close'),
};

function detailOf(kind, data) {
  if (kind === 'programme.session_returned' && data.reason) {
    return t('notifications.page.reason', { reason: data.reason });
  }
  const cause = kind === 'ticket.expired' ? data.cause : null;
  if (cause && Object.prototype.hasOwnProperty.call(EXPIRED_CAUSES, cause)) {
    return EXPIRED_CAUSES[cause]();
  }
  return null;
}

function when(iso, zone, lang) {
  if (!iso) return '';
  return t('shell.time.at_zone', {
    time: formatInstant(iso, zone, lang),
    zone: zoneLabel(zone, lang),
  });
}

/**
 * { text, detail, href, action } for a notification ({kind, data}); `context` is
 * { zone, venues } (the fair's zone, the reader's venue_admin scopes). href and action
 * are null for a kind without a link; detail is extra text (a return reason) or null.
 */
export function describeNotification(notification, context) {
  const lang = language();
  const data = notification.data ?? {};
  const kind = String(notification.kind ?? '');
  const params = {
    time: when(data.starts_at ?? data.due_at ?? data.until, context.zone, lang),
    title: data.title ?? '',
    week: data.week ?? '',
    place: data.waitlist_place ?? '',
    status: tCode('jobs.application_status.', data.status, 'jobs.application_status.unknown'),
    outcome: tCode('interview.outcome.', data.outcome, 'interview.outcome.unknown'),
  };
  const known = Object.prototype.hasOwnProperty.call(LINKS, kind);
  const text = known
    ? tCode('notifications.kind.', kind, 'notifications.generic', params)
    : t('notifications.generic');
  const link = known ? LINKS[kind](data, context) : null;
  const detail = detailOf(kind, data);
  const href = link?.href ?? null;
  return { text, detail, href, action: href ? ACTIONS[link.action]() : null };
}
