// What the two pages of a featured session share — the viewer's
// (pages/session-watch.js) and the host studio (pages/session-studio.js): loading the
// session with the fair's time zone and the visitor, the page's one SessionFeed, the
// layout (the stage and what goes under it, the session's booths, the chat and the Q&A
// beside) and the line of facts (state, start in the fair's zone, viewers while open).

import { currentFair } from '../fair.js';
import { h } from '../lib/dom.js';
import { language, t } from '../lib/i18n.js';
import { zoneLabel } from '../lib/time.js';
import { me } from '../session.js';
import { SessionFeed, actions } from './session-feed.js';
import { stateBadge, viewersText } from './session-text.js';
import { formatInstant } from './when.js';
import './session-booths.js';
import './session-chat.js';
import './session-questions.js';

/** getSessionLive, the fair's time zone and who is signed in (null for a visitor). */
export async function loadLive(id, signal) {
  const [live, fair, account] = await Promise.all([
    actions.live(id, signal),
    currentFair(),
    me().catch(() => null),
  ]);
  return { live, zone: fair?.time_zone ?? 'Asia/Shanghai', account };
}

/** The page's feed, starting from what getSessionLive said (not started yet). */
export function liveFeed(live) {
  const feed = new SessionFeed(live.session_id);
  feed.session = live;
  feed.me = live.me;
  return feed;
}

/**
 * The page's layout, from what loadLive() gave: `head` (the facts and the status line),
 * `main` (the stage and what goes under it), the session's booths (`joinable`: with
 * "join the line"), and beside them the chat and the Q&A on `feed`.
 */
export function liveLayout(feed, { live, account, zone }, { joinable, head, main }) {
  const chat = document.createElement('lf-session-chat');
  const questions = document.createElement('lf-session-questions');
  const booths = document.createElement('lf-session-booths');
  for (const part of [chat, questions]) {
    part.feed = feed;
    part.account = account;
    part.zone = zone;
  }
  booths.boothIds = live.booths ?? [];
  booths.account = account;
  booths.joinable = joinable;
  return h(
    'div',
    { class: 'live-layout' },
    h('div', { class: 'live-main' }, h('div', { class: 'live-head' }, head), main, booths),
    h('div', { class: 'live-side' }, chat, questions),
  );
}

/** The facts line: state badge, the start in the fair's zone, viewers (`#<viewersId>`). */
export function liveFacts(feed, zone, viewersId) {
  const lang = language();
  const state = feed.state;
  const open = state === 'live' || state === 'lobby';
  return [
    stateBadge(state, 'session-state'),
    ' ',
    h(
      'span',
      {},
      t('live.when', {
        start: formatInstant(feed.session.starts_at, zone, lang),
        zone: zoneLabel(zone, lang),
      }),
    ),
    open ? ' · ' : '',
    open ? h('span', { id: viewersId }, viewersText(feed.viewers)) : '',
  ];
}
