// The booth console's parts for handoffs (docs/queues.md):
//
// - after an interview the recruiter hands the candidate to a colleague at this booth or
//   to another booth of the fair (handoffTicket); how each handoff went arrives as
//   handoff.updated on booth:<id>:staff, and the last day's come with its snapshot;
// - the recruiter's own "only handoffs" switch (setOnlyHandoffs): call next then takes
//   only handoffs and due reservations;
// - what the roster notes of a ticket: its kind, its lane and who it is held for.
//
// The booth picker lists this booth first (to a colleague here), then the fair's other
// booths grouped by venue (<optgroup>, in the fair's venue order), since one employer
// has a booth of the same name at several venues; in each venue this employer's come
// first, marked, then the rest by name.
//
// The booth's key-group lane is set on the booth's settings page
// (components/booth-lanes.js). Strings: the "queue" catalogue.

import { api } from '../api.js';
import { pick } from '../fair.js';
import { boothName } from './structure-text.js';
import { h } from '../lib/dom.js';
import { language, t, tCode } from '../lib/i18n.js';

/** The console's handoff state, kept in the page's model. */
/** Where the interview to hand off and the form's choices wait out a reload (this tab). */
function storageKey(boothId) {
  return `livefair.console.${boothId}.handoff`;
}

function restored(boothId) {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(storageKey(boothId)) ?? 'null');
    return saved?.finished?.ticket_id ? saved : null;
  } catch {
    return null; // storage disabled or garbled: start empty
  }
}

/** Keep the interview to hand off and the draft in sessionStorage (or forget them). */
function remember(hand) {
  try {
    if (hand.finished) {
      const kept = { finished: hand.finished, draft: hand.draft };
      window.sessionStorage.setItem(storageKey(hand.boothId), JSON.stringify(kept));
    } else {
      window.sessionStorage.removeItem(storageKey(hand.boothId));
    }
  } catch {
    // storage disabled: the form simply does not survive a reload
  }
}

export function handoffModel(boothId) {
  const saved = restored(boothId);
  return {
    boothId,
    finished: saved?.finished ?? null, // the last interview I completed: {ticket_id, candidate_id}
    handoffs: new Map(), // handoff id → handoff (from this booth, the last day)
    targets: null, // booths of the fair one may hand to, once loaded
    venues: [], // the fair's venues, in its order, once loaded
    loadingTargets: false,
    draft: saved?.draft ?? { booth_id: '', colleague_id: '' },
    onlyHandoffs: new Map(), // account id → bool
  };
}

async function loadTargets(hand, booth) {
  const fair = encodeURIComponent(booth.fair_id);
  const [found, venues] = await Promise.all([
    api(`/api/booths?fair=${fair}&status=approved&limit=500`),
    api(`/api/venues?fair=${fair}`),
  ]);
  hand.targets = found.items;
  hand.venues = venues.items;
}

/** Whether a booth is of `booth`'s employer (a desk has none). */
function sameEmployer(booth) {
  return (b) => Boolean(booth.employer) && b.employer?.id === booth.employer.id;
}

/** The picker's groups: [{ venue, booths }] in the fair's venue order, without this
 * booth; in each, this employer's booths first, then the rest by name. */
function targetGroups(hand, booth) {
  const lang = language();
  const own = sameEmployer(booth);
  const byName = (a, b) =>
    Number(own(b)) - Number(own(a)) || boothName(a).localeCompare(boothName(b), lang);
  const groups = new Map(hand.venues.map((v) => [v.id, { venue: v, booths: [] }]));
  for (const b of hand.targets) {
    if (b.id === booth.id) continue;
    if (!groups.has(b.venue_id)) groups.set(b.venue_id, { venue: null, booths: [] });
    groups.get(b.venue_id).booths.push(b);
  }
  return [...groups.values()]
    .filter((g) => g.booths.length > 0)
    .map((g) => ({ ...g, booths: g.booths.sort(byName) }));
}

/** Follow the staff topic's events for these parts; true if the frame was one of them. */
export function onStaffFrame(model, frame, me) {
  const hand = model.hand;
  if (frame.op === 'snapshot') {
    for (const s of frame.data.staff) {
      hand.onlyHandoffs.set(s.account_id, Boolean(s.only_handoffs));
    }
    // The booth's handoffs of the last day, so a reload keeps how each went.
    hand.handoffs = new Map((frame.data.handoffs ?? []).map((x) => [x.id, x]));
    return false;
  }
  if (frame.op !== 'event') return false;
  const data = frame.data;
  switch (frame.type) {
    case 'roster.ticket':
      if (data.ticket.state === 'done' && data.ticket.called_by === me) {
        const { ticket_id: id, candidate_id: candidate } = data.ticket;
        hand.finished = { ticket_id: id, candidate_id: candidate };
        hand.draft = { booth_id: '', colleague_id: '' };
        remember(hand);
      }
      return false; // the roster itself is the page's
    case 'handoff.updated':
      hand.handoffs.set(data.handoff.id, data.handoff);
      return true;
    case 'staff.only_handoffs':
      hand.onlyHandoffs.set(data.account_id, data.only_handoffs);
      return true;
    default:
      return false;
  }
}

function targetName(model, id) {
  const hand = model.hand;
  const found = hand.targets?.find((b) => b.id === id);
  if (!found) return t('queue.booth.unnamed');
  // With its venue: one employer's booths at several venues share a name.
  const venue = hand.venues.find((v) => v.id === found.venue_id);
  if (!venue) return boothName(found);
  const where = pick(venue, 'name', language());
  return t('queue.handoff.booth_at', { booth: boothName(found), venue: where });
}

/** "Hand off": after I completed an interview, and how my handoffs went. */
export function handoffSection(model, { act, repaint }) {
  const hand = model.hand;
  const { booth } = model;
  const finished = hand.finished;
  const nodes = [];
  if (finished && hand.targets === null && !hand.loadingTargets) {
    hand.loadingTargets = true;
    loadTargets(hand, booth)
      .catch((error) => {
        model.error = error;
      })
      .finally(() => {
        hand.loadingTargets = false;
        repaint();
      });
  }
  if (finished && hand.targets) {
    const target = hand.targets.find((b) => b.id === hand.draft.booth_id);
    const colleagues = (target?.staff ?? []).filter((m) => m.account_id !== model.account.id);
    const own = sameEmployer(booth);
    nodes.push(
      h(
        'form',
        {
          class: 'stacked-form',
          id: 'handoff-form',
          onsubmit: (event) => {
            event.preventDefault();
            const body = { booth_id: hand.draft.booth_id };
            if (hand.draft.colleague_id) body.colleague_id = hand.draft.colleague_id;
            act(
              `/api/tickets/${encodeURIComponent(finished.ticket_id)}/handoff`,
              { method: 'POST', body },
              '#handoff-title',
              () => {
                hand.finished = null;
                remember(hand);
              },
            );
          },
        },
        h('p', { class: 'hint' }, t('queue.handoff.explain')),
        h('label', { for: 'handoff-booth' }, t('queue.handoff.booth')),
        h(
          'select',
          {
            id: 'handoff-booth',
            required: true,
            onchange: (event) => {
              hand.draft = { booth_id: event.currentTarget.value, colleague_id: '' };
              remember(hand);
              repaint({ focus: '#handoff-booth' });
            },
          },
          h('option', { value: '' }, t('queue.handoff.choose_booth')),
          h(
            'option',
            { value: booth.id, selected: booth.id === hand.draft.booth_id },
            t('queue.handoff.this_booth'),
          ),
          targetGroups(hand, booth).map(({ venue, booths }) =>
            h(
              'optgroup',
              {
                label: venue ? pick(venue, 'name', language()) : t('queue.handoff.venue_unknown'),
              },
              booths.map((b) =>
                h(
                  'option',
                  { value: b.id, selected: b.id === hand.draft.booth_id },
                  own(b) ? t('queue.handoff.own_booth', { booth: boothName(b) }) : boothName(b),
                ),
              ),
            ),
          ),
        ),
        h('label', { for: 'handoff-colleague' }, t('queue.handoff.colleague')),
        h(
          'select',
          {
            id: 'handoff-colleague',
            required: hand.draft.booth_id === booth.id,
            onchange: (event) => {
              hand.draft.colleague_id = event.currentTarget.value;
              remember(hand);
            },
          },
          h('option', { value: '' }, t('queue.handoff.anyone')),
          colleagues.map((m) =>
            h(
              'option',
              { value: m.account_id, selected: m.account_id === hand.draft.colleague_id },
              m.display_name,
            ),
          ),
        ),
        target && target.employer?.id !== booth.employer?.id
          ? h('p', { class: 'hint' }, t('queue.handoff.needs_accept'))
          : null,
        h(
          'p',
          { class: 'actions' },
          h(
            'button',
            { type: 'submit', class: 'button', id: 'handoff-submit', disabled: model.busy },
            t('queue.handoff.submit'),
          ),
        ),
      ),
    );
  } else if (!finished) {
    nodes.push(h('p', { class: 'hint' }, t('queue.handoff.after_interview')));
  }
  const mine = [...hand.handoffs.values()].reverse();
  if (mine.length > 0) {
    nodes.push(
      h(
        'ul',
        { class: 'plain-list', id: 'handoff-list', 'aria-label': t('queue.handoff.list') },
        mine.map((x) =>
          h(
            'li',
            { dataset: { state: x.state } },
            t('queue.handoff.item', {
              booth: targetName(model, x.to_booth_id),
              state: tCode('queue.handoff.state.', x.state, 'queue.state.unknown'),
            }),
          ),
        ),
      ),
    );
  }
  return h(
    'section',
    { 'aria-labelledby': 'handoff-title', class: 'subsection' },
    h('h2', { id: 'handoff-title', tabindex: '-1' }, t('queue.handoff.title')),
    nodes,
  );
}

/** My "only handoffs" switch. */
export function onlyHandoffsSwitch(model, { act, base, ready }) {
  const on = model.hand.onlyHandoffs.get(model.account.id) ?? false;
  return h(
    'p',
    { class: 'check' },
    h('input', {
      type: 'checkbox',
      id: 'console-only-handoffs',
      checked: on,
      disabled: !ready || model.busy,
      'aria-describedby': 'console-only-handoffs-hint',
      onchange: (event) =>
        act(
          `${base}/only-handoffs`,
          { method: 'PUT', body: { only_handoffs: event.currentTarget.checked } },
          '#console-only-handoffs',
        ),
    }),
    h('label', { for: 'console-only-handoffs' }, t('queue.console.only_handoffs')),
    h(
      'span',
      { class: 'hint', id: 'console-only-handoffs-hint' },
      t('queue.console.only_handoffs_hint'),
    ),
  );
}

/** What the roster shows of a ticket's kind, lane and hold. */
export function rosterNotes(model, ticket) {
  const names = new Map(model.booth.staff.map((m) => [m.account_id, m.display_name]));
  const notes = [];
  if (ticket.kind && ticket.kind !== 'walk_in') {
    notes.push(tCode('queue.kind.', ticket.kind, 'queue.kind.walk_in'));
  }
  if (ticket.lane === 'key_group') notes.push(t('queue.lanes.in_key_group_lane'));
  if (ticket.held_for && Date.parse(ticket.held_until) > Date.now()) {
    notes.push(t('queue.handoff.held_for', { name: names.get(ticket.held_for) ?? '—' }));
  }
  return notes;
}
