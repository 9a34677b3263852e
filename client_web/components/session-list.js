// Published featured sessions as a list of links to their live pages (/sessions/<id>),
// each with its start in fair time and, once it opens, its state as a badge. Strings:
// the "live" catalogue (the badge) and the caller's own label.

import { h, inLanguage } from '../lib/dom.js';
import { stateBadge } from './session-text.js';
import { formatInstant } from './when.js';

/**
 * Sessions (as ``getProgramme`` gives them) in the given order, or null for none.
 * `extra(session)`: more nodes at the end of each item (the programme's "remind me").
 */
export function sessionList(sessions, zone, lang, label, extra = null) {
  if (sessions.length === 0) return null;
  return h(
    'ul',
    { class: 'link-list programme-sessions', 'aria-label': label },
    sessions.map((session) =>
      h(
        'li',
        {},
        h('a', { href: `/sessions/${session.id}` }, inLanguage(session.title, 'zh-CN', lang)),
        ' ',
        session.starts_at
          ? h('span', { class: 'hint' }, formatInstant(session.starts_at, zone, lang))
          : null,
        ['lobby', 'live', 'ended'].includes(session.state) ? [' ', stateBadge(session.state)] : null,
        extra ? extra(session) : null,
      ),
    ),
  );
}

/** By start time (those without one last). */
export function byStart(sessions) {
  return [...sessions].sort((a, b) =>
    String(a.starts_at ?? '~').localeCompare(String(b.starts_at ?? '~')),
  );
}
