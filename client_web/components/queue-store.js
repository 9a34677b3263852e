// The candidate's lines, shared by every part of the page that shows them (the "my lines"
// panel, the booth page's "join the line" box): one subscription per topic, because the
// stream sends a topic's snapshot once, to whoever subscribed first.
//
//   me          snapshot {tickets: [{…, position, wait}]}, then
//               ticket.updated {ticket}              → this.tickets (active ones only)
//               handoff.updated {handoff}            → this.handoffs (pending ones only;
//               GET /api/me/handoffs after each snapshot)
//   booth:<id>  snapshot {status, line, eta}, then
//               queue.joined/moved {token, after}, queue.removed {token},
//               queue.busy {token, busy}, queue.eta {table}, queue.status {status},
//               booth.day_closed {expired},
//               slot.counts {starts_at, taken, free, requests, waitlist}  → slotCounts()
//
// Positions are computed here from the public line: the tokens ahead of one's own that
// are not busy elsewhere (docs/queues.md). Where the venue hides places (visibility
// length_only) the booth topic carries only {status, length} and queue.length events,
// and each holder's place and wait arrive on me (snapshot, then ticket.position). The wait range for position p is eta[p]
// (seconds, [p10, p90]); eta null means nobody is serving, so there is no estimate.
//
// Other followers of `me` (the notification centre, components/notification-store.js)
// take its frames through onMeFrame() instead of a second subscribe('me', null): that
// would ask the server for the topic's snapshot again on every page.

import { api } from '../api.js';
import { subscribe, unsubscribe } from '../stream.js';

const ENDED = new Set(['done', 'left', 'expired', 'removed']);

const listeners = new Set();
/** ticket id → ticket ({id, booth_id, token, state, passes, joined_at, ring_until}) */
export const tickets = new Map();
/** booth id → { status, line: [{token, busy}], eta, error, snapshot, slots } (null until
 * the snapshot; `snapshot` numbers it, `slots` holds the reservation slots' counts since) */
const booths = new Map();
/** booth id → { count, subscription } */
const watches = new Map();
const boothInfo = new Map();
/** handoff id → a handoff to another employer's booth waiting for the candidate's answer */
export const handoffs = new Map();
/** ticket id → {booth_id, state}: lines the candidate was taken out of by someone else
 * (removed by the booth's staff, or expired) while the page was open, until dismissed */
export const endings = new Map();
const TOLD_ENDINGS = new Set(['removed', 'expired']);
let meSubscription = null;
const meListeners = new Set();
let loaded = false;
let snapshots = 0;

function changed() {
  for (const listener of [...listeners]) {
    try {
      listener();
    } catch (error) {
      console.error('queue listener failed', error);
    }
  }
}

/** Be called after any change; returns a function that stops it. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the candidate's tickets have been read once. */
export function isLoaded() {
  return loaded;
}

function put(ticket) {
  const before = tickets.get(ticket.id);
  // An answer or event older than what is known (an HTTP answer arriving after a later
  // event on `me`, say) must not turn the ticket back.
  if (before?.version != null && ticket.version != null && ticket.version < before.version) {
    return;
  }
  if (ENDED.has(ticket.state)) {
    if (before) {
      if (TOLD_ENDINGS.has(ticket.state)) {
        endings.set(ticket.id, { booth_id: ticket.booth_id, state: ticket.state });
      }
      tickets.delete(ticket.id);
      release(ticket.booth_id);
    }
    return;
  }
  tickets.set(ticket.id, { ...before, ...ticket });
  if (!before) watchBooth(ticket.booth_id);
}

function putHandoff(handoff) {
  if (handoff.state === 'pending') handoffs.set(handoff.id, handoff);
  else handoffs.delete(handoff.id);
}

async function loadHandoffs() {
  try {
    const found = await api('/api/me/handoffs');
    handoffs.clear();
    for (const handoff of found.items) putHandoff(handoff);
    changed();
  } catch {
    // signed out, or offline: the next snapshot tries again
  }
}

function onMe(frame) {
  // Refused (the socket was nobody's, between a sign-out and a sign-in): the stream has
  // forgotten the subscription, so the next start() makes it again.
  if (frame.op === 'error') meSubscription = null;
  for (const listener of [...meListeners]) {
    try {
      listener(frame);
    } catch (error) {
      console.error('me listener failed', error);
    }
  }
  if (frame.op === 'snapshot') {
    loadHandoffs();
    // The snapshot carries the candidate's tickets (with places and waits): a reconnect
    // needs no extra request.
    const items = frame.data.tickets ?? [];
    const seen = new Set(items.map((item) => item.id));
    for (const [id, ticket] of [...tickets]) {
      if (!seen.has(id)) put({ ...ticket, state: 'left' });
    }
    for (const item of items) put(item);
    loaded = true;
    changed();
  } else if (frame.op === 'event' && frame.type === 'ticket.updated') {
    put(frame.data.ticket);
    changed();
  } else if (frame.op === 'event' && frame.type === 'handoff.updated') {
    putHandoff(frame.data.handoff);
    changed();
  } else if (frame.op === 'event' && frame.type === 'ticket.position') {
    // A venue that hides places: each holder is told their own place and wait here.
    const ticket = tickets.get(frame.data.ticket_id);
    if (!ticket) return;
    tickets.set(ticket.id, { ...ticket, position: frame.data.position, wait: frame.data.wait });
    changed();
  }
}

/** The candidate has read that a line ended (see `endings`). */
export function dismissEnding(ticketId) {
  if (endings.delete(ticketId)) changed();
}

/** Start following the signed-in candidate's tickets (idempotent). */
export function start() {
  if (meSubscription) return;
  meSubscription = subscribe('me', null, onMe);
}

/** Be given every frame of `me` (and start following it, again if it was refused); returns
 * a function that stops it. */
export function onMeFrame(listener) {
  meListeners.add(listener);
  start();
  return () => meListeners.delete(listener);
}

function place(line, token, after) {
  const rest = line.filter((entry) => entry.token !== token);
  const busy = line.find((entry) => entry.token === token)?.busy ?? false;
  let index = 0; // after null: at the front
  if (after !== null) {
    const found = rest.findIndex((entry) => entry.token === after);
    index = found === -1 ? rest.length : found + 1;
  }
  rest.splice(index, 0, { token, busy });
  return rest;
}

function onBooth(boothId, frame) {
  if (frame.op === 'snapshot') {
    const line = frame.data.line ?? [];
    booths.set(boothId, {
      status: frame.data.status,
      visibility: frame.data.visibility ?? 'full',
      length: frame.data.length ?? line.length,
      line: line.map((entry) => ({ token: entry.token, busy: entry.busy })),
      eta: frame.data.eta,
      error: null,
      snapshot: ++snapshots,
      slots: new Map(),
    });
  } else if (frame.op === 'error') {
    booths.set(boothId, {
      status: null,
      visibility: 'full',
      length: 0,
      line: [],
      eta: null,
      error: frame.code,
    });
    watches.delete(boothId);
  } else if (frame.op === 'event') {
    const booth = booths.get(boothId);
    if (!booth) return;
    const data = frame.data;
    switch (frame.type) {
      case 'queue.joined':
      case 'queue.moved':
        booth.line = place(booth.line, data.token, data.after ?? null);
        break;
      case 'queue.removed':
        booth.line = booth.line.filter((entry) => entry.token !== data.token);
        break;
      case 'queue.busy':
        booth.line = booth.line.map((entry) =>
          entry.token === data.token ? { ...entry, busy: data.busy } : entry,
        );
        break;
      case 'queue.eta':
        booth.eta = data.table;
        break;
      case 'queue.status':
        booth.status = data.status;
        break;
      case 'queue.length': // a venue that hides places: only the length is public
        booth.length = data.length;
        break;
      case 'queue.visibility': // the venue changed what it shows: start over
        resubscribe(boothId);
        return;
      case 'slot.counts': // a reservation slot's places changed (booth-slots.js reads it)
        booth.slots.set(Date.parse(data.starts_at), { ...data, seq: frame.seq });
        changed();
        return;
      case 'booth.day_closed': // 24:00 fair time: every ticket still in line expired
        booth.length = 0;
        booth.line = [];
        booth.eta = null;
        booth.status = 'closed';
        break;
      default:
        return;
    }
    if (booth.visibility !== 'length_only') booth.length = booth.line.length;
  } else {
    return;
  }
  changed();
}

/** Follow booth:<id> while something shows it; returns a function that stops it. */
export function watchBooth(boothId) {
  let watch = watches.get(boothId);
  if (watch) {
    watch.count += 1;
  } else {
    watch = {
      count: 1,
      subscription: subscribe(`booth:${boothId}`, null, (frame) => onBooth(boothId, frame)),
    };
    watches.set(boothId, watch);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release(boothId);
  };
}

function resubscribe(boothId) {
  const watch = watches.get(boothId);
  if (!watch) return;
  unsubscribe(watch.subscription);
  booths.delete(boothId);
  watch.subscription = subscribe(`booth:${boothId}`, null, (frame) => onBooth(boothId, frame));
  changed();
}

function release(boothId) {
  const watch = watches.get(boothId);
  if (!watch) return;
  watch.count -= 1;
  if (watch.count > 0) return;
  watches.delete(boothId);
  booths.delete(boothId);
  unsubscribe(watch.subscription);
}

/** The booth's public line state, or null before its snapshot. */
export function booth(boothId) {
  return booths.get(boothId) ?? null;
}

/**
 * The booth's reservation slots' counts announced since its snapshot, or null before the
 * snapshot: { snapshot, slots: Map(start in ms → {taken, free, requests, waitlist, seq}) }.
 * A new `snapshot` number means counts may have been missed: read the slots again.
 */
export function slotCounts(boothId) {
  const found = booths.get(boothId);
  return found && !found.error ? { snapshot: found.snapshot, slots: found.slots } : null;
}

/** The candidate's active ticket at a booth, if any. */
export function ticketAt(boothId) {
  for (const ticket of tickets.values()) if (ticket.booth_id === boothId) return ticket;
  return null;
}

/** How many callable people are ahead of the ticket (null when it is not in the line). */
export function position(ticket) {
  const booth = booths.get(ticket.booth_id);
  if (booth?.visibility === 'length_only' || !booth) {
    const own = ticket.state === 'waiting' || ticket.state === 'notified';
    return own && Number.isInteger(ticket.position) ? ticket.position : null;
  }
  const line = booth.line;
  let ahead = 0;
  for (const entry of line) {
    if (entry.token === ticket.token) return ahead;
    if (!entry.busy) ahead += 1;
  }
  return null;
}

/** The [low, high] wait in seconds for the ticket's position, or null (no estimate). */
export function waitRange(ticket) {
  if (booths.get(ticket.booth_id)?.visibility === 'length_only') {
    return position(ticket) === null ? null : (ticket.wait ?? null);
  }
  const at = position(ticket);
  const eta = booths.get(ticket.booth_id)?.eta;
  if (at === null || !Array.isArray(eta) || eta.length === 0) return null;
  return eta[Math.min(at, eta.length - 1)];
}

/**
 * Whether anyone serves the ticket's line: false when nobody does (the booth's last
 * recruiter went offline or paused; the server keeps a `notified` ticket as it is, so
 * "get ready" would not be true), null before the booth's snapshot. The wait table says
 * it (null: nobody serving); where the venue hides places, the holder's own wait does
 * (null from the server: nobody serving; not yet sent: assume someone is).
 */
export function serving(ticket) {
  const booth = booths.get(ticket.booth_id);
  if (!booth) return null;
  if (booth.error) return true; // no line to read: say what the ticket says
  if (booth.visibility === 'length_only') return ticket.wait !== null;
  return booth.eta !== null;
}

/** The booth as GET /api/booths/{id} describes it (cached; null until it arrives). */
export function describeBooth(boothId) {
  if (!boothInfo.has(boothId)) {
    boothInfo.set(boothId, null);
    api(`/api/booths/${encodeURIComponent(boothId)}`)
      .then((found) => {
        boothInfo.set(boothId, found);
        changed();
      })
      .catch(() => {});
  }
  return boothInfo.get(boothId);
}

/** An HTTP answer's ticket, without the place and wait it does not know (null): where
 * the venue hides places they come on `me`, and an answer arriving after them must not
 * blank them (a null wait there means "nobody serving", see serving()). */
function answered(ticket) {
  const known = { ...ticket };
  if (known.position == null) delete known.position;
  if (known.wait == null) delete known.wait;
  return known;
}

/**
 * Join a booth's line (the ticket arrives on `me` too). `keyGroupLane`: the candidate
 * agrees to use the booth's key-group lane (its staff see they are in a key group).
 */
export async function join(boothId, { keyGroupLane = false } = {}) {
  const lane = keyGroupLane ? '?key_group_lane=true' : '';
  const ticket = await api(`/api/booths/${encodeURIComponent(boothId)}/tickets${lane}`, {
    method: 'POST',
  });
  put(answered(ticket));
  changed();
  return ticket;
}

export async function leave(ticket) {
  await api(`/api/tickets/${encodeURIComponent(ticket.id)}`, { method: 'DELETE' });
  put({ ...ticket, state: 'left' });
  changed();
}

export async function answer(ticket, verb) {
  const updated = await api(`/api/tickets/${encodeURIComponent(ticket.id)}/${verb}`, {
    method: 'POST',
  });
  put(answered(updated));
  changed();
  return updated;
}

/** Accept or decline a handoff to another employer's booth (accepted: a ticket arrives). */
export async function answerHandoff(handoff, verb) {
  const updated = await api(`/api/handoffs/${encodeURIComponent(handoff.id)}/${verb}`, {
    method: 'POST',
  });
  putHandoff(updated);
  changed();
  return updated;
}
