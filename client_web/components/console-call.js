// The booth console's own call: which console takes its recruiter into the interview
// room when the candidate accepts (pages/booth-console.js). Pure: the page keeps the
// state in its model and does what these functions say.
//
// Only the console that made the call goes in. Several consoles may show the same
// booth — colleagues at the booth, a second tab of the same recruiter — and all of them
// see the roster's `roster.ticket` with `called_by` set; so the console that pressed
// "call next" or "call this candidate" remembers the ticket it called (`calling`, in
// memory: a reload or another tab has none) and only that ticket turning
// `in_interview` — seen live, or in the snapshot of a reconnect — takes it into the
// room. A recruiter back on the console mid-interview (a reload, a later visit) has no
// such call and is offered the room's link instead of being taken there.
//
// calling: null, or { id, pending } — id null while "call next" is in flight (the answer
// names the ticket; should the roster's `called` event arrive first, it names it
// instead); pending true until the call's answer came back or the roster showed it
// ringing. While it is pending, the roster may still bring the ticket's earlier changes
// (its "get ready", a resubscription's snapshot taken before the call): they do not end
// the call.
//
// What to do, returned as `action`:
//   'enter'  go into the room (and say why there)
//   'hold'   the acceptance is ours, but the recruiter is writing something the page
//            would lose (a removal's reason): say it, and leave the link to them
//   'say'    the acceptance of a call of mine: announce it; the console shows the link
//   null     nothing beyond the roster's change

const CALLED = new Set(['called', 'in_interview']);
// A ticket's second pass expires it (MAX_PASSES in server/domain/queue.py).
export const MAX_PASSES = 2;
// A change this close to the ring's end is taken as the ring timing out: the timer
// fires a little after ring_until, and this browser's idea of ring_until may be late by
// the snapshot's delivery (the skew); a decline is a click well before it.
const RING_SLACK_MS = 3000;
const ENDED = new Set(['done', 'left', 'expired', 'removed']);

/** A call this console starts: `ticketId` for a call by name, null for "call next". */
export function startCall(ticketId = null) {
  return { id: ticketId, pending: true };
}

/** After the call's answer: the ticket it called (or, on an error, no call). */
export function answered(calling, called) {
  if (!calling || !called?.ticket_id) return null;
  return { id: called.ticket_id, pending: false };
}

/**
 * A live `roster.ticket {ticket}` for this booth, with the roster's previous view of
 * that ticket (`before`, or undefined). `me`: the signed-in account's id; `draft`: true
 * while something typed on the console would be lost by leaving it.
 */
export function onRosterTicket(calling, { before, ticket, me, draft = false }) {
  const mine = ticket.called_by === me;
  let next = calling;
  if (calling && calling.id === null && mine && CALLED.has(ticket.state)) {
    // "Call next" is still in flight: a recruiter has one call at a time (the database
    // says so), so this is its ticket — even if the ring was never seen on its own.
    next = { ...calling, id: ticket.ticket_id };
  }
  if (next?.id !== ticket.ticket_id) {
    const accepted = mine && before?.state === 'called' && ticket.state === 'in_interview';
    return { calling: next, action: accepted ? 'say' : null };
  }
  if (ticket.state === 'called') return { calling: { ...next, pending: false }, action: null };
  // This console's own call needs no `before`: however the roster heard of the ring
  // (or did not: a resubscription in between), its acceptance is this recruiter's.
  if (mine && ticket.state === 'in_interview') {
    return { calling: null, action: draft ? 'hold' : 'enter' };
  }
  // Still on its way: a change from before the ring (waiting → get ready) ends nothing.
  const rang = before?.state === 'called';
  if (next.pending && !rang && !ENDED.has(ticket.state) && ticket.state !== 'in_interview') {
    return { calling: next, action: null };
  }
  // Over for this console: declined, rung out, expired, removed, someone else's.
  return { calling: null, action: null };
}

/**
 * A snapshot of the roster (the first, or after a reconnect). A page load has made no
 * call, so it never takes anyone into the room; but if the call this console made in
 * this page's life was accepted while the stream reconnected, that acceptance is the
 * recruiter's as much as one seen live (`draft` as for onRosterTicket).
 */
export function onSnapshot(calling, { roster, me, draft = false }) {
  if (!calling) return { calling, action: null };
  // "Call next" in flight: its ticket is my one call, if the line shows it already.
  const ticket = roster.find((x) =>
    calling.id === null ? x.called_by === me && CALLED.has(x.state) : x.ticket_id === calling.id,
  );
  if (!ticket) return { calling: calling.id === null ? calling : null, action: null };
  if (ticket.state === 'called') {
    return { calling: { id: ticket.ticket_id, pending: false }, action: null };
  }
  if (ticket.state === 'in_interview' && ticket.called_by === me) {
    return { calling: null, action: draft ? 'hold' : 'enter' };
  }
  // A snapshot from before the ring, while the call is on its way: it still rings.
  if (calling.pending && ticket.state !== 'in_interview') return { calling, action: null };
  return { calling: null, action: null };
}

/**
 * How a call of mine that was ringing ended, for the recruiter who made it: the
 * roster's previous view (`before`, ringing and called by `me`) and the ticket now.
 * `ringUntil`: when the ring was due to time out (ms, this browser's clock) if this
 * console knows it (it made the call), else null; `now`: ms, this browser's clock.
 *
 * Returns null (not a ringing call of mine that ended: an acceptance is onRosterTicket's),
 * or { how, passes, max }: how is 'declined' or 'unanswered' (the ring's end tells them
 * apart), 'missed' (either: the console did not see the ring start), 'left' or
 * 'removed'; passes and max only for the three ways of missing a call, with `expired`
 * true when that pass was the last.
 */
export function callEnded({ before, ticket, me, ringUntil = null, now = Date.now() }) {
  if (before?.state !== 'called' || before.called_by !== me) return null;
  if (ticket.state === 'left' || ticket.state === 'removed') return { how: ticket.state };
  if (ticket.state !== 'waiting' && ticket.state !== 'notified' && ticket.state !== 'expired') {
    return null; // accepted, or still ringing
  }
  let how = 'missed';
  if (ringUntil !== null) how = now >= ringUntil - RING_SLACK_MS ? 'unanswered' : 'declined';
  return { how, passes: ticket.passes, max: MAX_PASSES, expired: ticket.state === 'expired' };
}

/** Whole seconds left of a ring due at `ringUntil` (ms, this browser's clock). */
export function ringLeft(ringUntil, now = Date.now()) {
  return Math.max(0, Math.ceil((ringUntil - now) / 1000));
}
