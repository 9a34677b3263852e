// Words and times of live featured sessions shared by the studio and the viewer page.
// Strings: the "live" catalogue.

import { h } from '../lib/dom.js';
import { t, tCode } from '../lib/i18n.js';

export { clockTime } from './when.js';

/** The session's state as a badge: live stands out, ended is muted. */
export function stateBadge(state, id = null) {
  const kind = state === 'live' ? 'badge-live' : state === 'ended' ? 'badge-muted' : 'badge-wait';
  return h(
    'span',
    { class: `badge ${kind}`, id, dataset: { state: state ?? 'unknown' } },
    tCode('live.state.', state ?? 'unknown', 'live.state.unknown'),
  );
}

/** "12 watching" (the viewer count is the session topic's presence). */
export function viewersText(count) {
  return t('live.viewers', { count: count ?? 0 });
}
