// The booth console's own call: which console takes its recruiter into the interview
// room when the candidate accepts (pages/booth-console.js). Pure: the page keeps the
// state in its model and does what these functions say.
//
// Only the console that made the call goes in. Several consoles may show the same
// booth — colleagues at the booth, a second tab of the same recruiter — and all of them
// see the roster's `roster.ticket` with `called_by` set; so the console that pressed
// "call next" or "call this candidate" remembers the ticket it called (`calling`, in
// memory: a reload or another tab has none) and only a transition `called` →
// `in_interview` of that ticket, seen live, takes it into the room. A snapshot never
// does: a recruiter back on the console mid-interview (a reload, a later visit, a
// reconnect that missed the acceptance) is offered the room's link instead of being
// taken there.
//
// calling: null, or { id } — id null while "call next" is in flight (the answer names
// the ticket; should the roster's `called` event arrive first, it names it instead).
//
// What to do, returned as `action`:
//   'enter'  go into the room (and say why there)
//   'hold'   the acceptance is ours, but the recruiter is writing something the page
//            would lose (a removal's reason): say it, and leave the link to them
//   'say'    the acceptance of a call of mine: announce it; the console shows the link
//   null     nothing beyond the roster's change

/** A call this console starts: `ticketId` for a call by name, null for "call next". */
export function startCall(ticketId = null) {
  return { id: ticketId };
}

/** After the call's answer: the ticket it called (or, on an error, no call). */
export function answered(calling, called) {
  if (!calling || !called?.ticket_id) return null;
  return { id: called.ticket_id };
}

/**
 * A live `roster.ticket {ticket}` for this booth, with the roster's previous view of
 * that ticket (`before`, or undefined). `me`: the signed-in account's id; `draft`: true
 * while something typed on the console would be lost by leaving it.
 */
export function onRosterTicket(calling, { before, ticket, me, draft = false }) {
  const mine = ticket.called_by === me;
  const accepted = mine && before?.state === 'called' && ticket.state === 'in_interview';
  let next = calling;
  if (calling && calling.id === null && mine && ticket.state === 'called') {
    next = { id: ticket.ticket_id }; // "call next" is still in flight: this is its ticket
  }
  if (next?.id !== ticket.ticket_id) {
    return { calling: next, action: accepted ? 'say' : null };
  }
  if (ticket.state === 'called') return { calling: next, action: null };
  // The call is over for this console either way: accepted, declined, expired, removed.
  if (!accepted) return { calling: null, action: null };
  return { calling: null, action: draft ? 'hold' : 'enter' };
}

/**
 * A snapshot of the roster (the first, or after a reconnect). It never takes anyone into
 * the room; if the call this console made was accepted meanwhile, that is said.
 */
export function onSnapshot(calling, { roster, me }) {
  if (!calling || calling.id === null) return { calling, action: null };
  const ticket = roster.find((x) => x.ticket_id === calling.id);
  if (ticket?.state === 'called') return { calling, action: null };
  const accepted = ticket?.state === 'in_interview' && ticket.called_by === me;
  return { calling: null, action: accepted ? 'say' : null };
}
