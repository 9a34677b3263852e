// Home: the current fair — title, theme, dates in the fair's zone, organisers, where
// the fair is in its weeks, the featured sessions live now and coming up, the main venue
// and the partner platforms. Signed-out visitors are told how to take part (sign up or in).

import { api } from '../api.js';
import { byStart, sessionList } from '../components/session-list.js';
import { currentFair, pick } from '../fair.js';
import { h, urlText } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { Page } from '../lib/page.js';
import { me } from '../session.js';
import {
  fairWeeks,
  formatDate,
  formatDateRange,
  todayIn,
  weekNumber,
  zoneLabel,
} from '../lib/time.js';
import { venueCard } from '../components/venue-card.js';

function progress(fair, lang) {
  const zone = fair.time_zone;
  const today = todayIn(zone);
  if (today < fair.starts_on) {
    return t('fairs.home.before', { date: formatDate(fair.starts_on, zone, lang) });
  }
  if (today > fair.ends_on) {
    return t('fairs.home.after', { date: formatDate(fair.ends_on, zone, lang) });
  }
  return t('fairs.home.now', {
    week: weekNumber(fair.starts_on, today),
    weeks: fairWeeks(fair.starts_on, fair.ends_on).length,
  });
}

// How many sessions "live now and coming up" shows.
const UPCOMING = 4;

/** Sessions open now (lobby, live), then those still to come, by start time. */
function upcoming(sessions, now) {
  const open = sessions.filter((s) => s.state === 'lobby' || s.state === 'live');
  const later = sessions.filter(
    (s) => s.state === 'scheduled' && s.starts_at && new Date(s.starts_at) > now,
  );
  return [...byStart(open), ...byStart(later)].slice(0, UPCOMING);
}

/** For signed-out visitors: what an account is for, and the way to one. */
function takePart() {
  return h(
    'section',
    { 'aria-labelledby': 'home-take-part' },
    h('h2', { id: 'home-take-part' }, t('fairs.home.take_part')),
    h('p', {}, t('fairs.home.take_part_text')),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '/signup', class: 'button', id: 'home-sign-up' }, t('fairs.home.sign_up')),
      h(
        'a',
        { href: '/login', class: 'button button-secondary', id: 'home-sign-in' },
        t('fairs.home.sign_in'),
      ),
    ),
  );
}

class HomePage extends Page {
  async load(signal) {
    const [fair, account] = await Promise.all([currentFair(), me().catch(() => null)]);
    if (!fair) return null;
    // The home page stands without its sessions: a failed programme read leaves them out.
    const programme = await api(`/api/fairs/${encodeURIComponent(fair.id)}/programme`, {
      signal,
    }).catch((error) => {
      if (signal?.aborted) throw error;
      return null;
    });
    return { ...fair, sessions: programme ? programme.sessions : null, account };
  }

  heading(fair) {
    return fair ? pick(fair, 'title', language()) : t('fairs.home.no_fair_title');
  }

  title() {
    return t('shell.nav.home');
  }

  render(fair) {
    if (!fair) return h('p', {}, t('fairs.home.no_fair'));
    const lang = language();
    const zone = fair.time_zone;
    const main = fair.venues.find((venue) => venue.kind === 'main');
    const subs = fair.venues.filter((venue) => venue.kind === 'sub');
    return [
      h(
        'dl',
        { class: 'facts' },
        h(
          'div',
          {},
          h('dt', {}, t('fairs.home.dates')),
          h(
            'dd',
            {},
            t('fairs.home.date_range', {
              range: formatDateRange(fair.starts_on, fair.ends_on, zone, lang),
              zone: zoneLabel(zone, lang),
            }),
          ),
        ),
        h('div', {}, h('dt', {}, t('fairs.home.theme')), h('dd', {}, pick(fair, 'theme', lang))),
        h(
          'div',
          {},
          h('dt', {}, t('fairs.home.organisers')),
          h(
            'dd',
            {},
            h(
              'ul',
              { class: 'inline-list' },
              fair.organisers.map((o) => h('li', {}, lang === 'en' ? o.en : o.zh)),
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'callout' },
        h('p', {}, progress(fair, lang)),
        h('p', {}, h('a', { href: '/programme' }, t('fairs.home.programme_link'))),
      ),
      fair.account ? null : takePart(),
      fair.sessions
        ? h(
            'section',
            { 'aria-labelledby': 'home-sessions' },
            h('h2', { id: 'home-sessions' }, t('fairs.home.sessions')),
            sessionList(upcoming(fair.sessions, new Date()), zone, lang, t('fairs.home.sessions')) ??
              h('p', {}, t('fairs.home.sessions_none')),
            h('p', {}, h('a', { href: '/programme' }, t('fairs.home.sessions_all'))),
          )
        : null,
      h(
        'section',
        { 'aria-labelledby': 'home-venues' },
        h('h2', { id: 'home-venues' }, t('fairs.home.venues')),
        main ? h('ul', { class: 'cards cards-single' }, venueCard(main, lang, 'h3')) : null,
        h(
          'p',
          {},
          h(
            'a',
            { href: '/venues', class: 'button' },
            t('fairs.home.sub_venues_link', { count: subs.length }),
          ),
        ),
      ),
      fair.partner_platforms.length > 0
        ? h(
            'section',
            { 'aria-labelledby': 'home-partners' },
            h('h2', { id: 'home-partners' }, t('fairs.home.partners')),
            h('p', {}, t('fairs.home.partners_intro')),
            h(
              'ul',
              { class: 'link-list' },
              fair.partner_platforms.map((partner) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    { href: partner.url, rel: 'noopener external' },
                    pick(partner, 'name', lang),
                  ),
                  h('span', { class: 'url' }, urlText(partner.url)),
                ),
              ),
            ),
          )
        : null,
    ];
  }
}

customElements.define('lf-home-page', HomePage);
