"""The queue's hot path: join, call, accept and complete, each ONE statement.

Each statement checks the state in its WHERE clauses (so a refused step writes
nothing), changes the ticket, writes its events with their topic seqs — the outbox,
the same rows ``server.store.events.append_events`` writes — and its timer, and returns
the changed ticket (NULLs when refused) with the events written, for publication after
commit. Only a refused step costs a second round trip: a read that names the reason.

Concurrency, as in the rest of the queue: every statement locks the booth's
``booth_queues`` row first (an InitPlan evaluated before any ticket row is touched), so
changes to one booth's line are serialised in one order with the other paths
(``QueueService._lock_booth``); ticket transitions re-check their state on the latest
row version (READ COMMITTED re-evaluates an UPDATE's WHERE on a row changed meanwhile);
the claim skips locked rows; and the unique partial indexes on ``called``/
``in_interview`` per candidate and per staff member are the final word on "never two
calls at once".

A statement's snapshot is taken before it waits for the booth lock, so a join — whose
``after`` token and capacity count must see the line as the previous change left it —
takes the lock in a statement of its own first (:data:`JOIN_LOCK`), in one round trip
with its BEGIN; call, accept and complete need no fresh read of the line (their
transitions are re-checked on the rows they change).

Wait tables and "get ready" notices are recomputed off this path (debounced per booth
by the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from server.store import events as events_store
from server.store.db import Connection

# The holder's view of a ticket (``ticket.updated``), as ``tickets.holder_view`` without
# place and wait.
_HOLDER = """jsonb_build_object('ticket', jsonb_build_object(
    'id', {t}.id, 'booth_id', {t}.booth_id, 'token', {t}.token, 'state', {t}.state,
    'kind', {t}.kind, 'passes', {t}.passes, 'joined_at', {t}.joined_at, 'ring_until', {ring},
    'version', (extract(epoch FROM {t}.changed_at) * 1000000)::bigint))"""
# The staff's view (``roster.ticket``), as ``roster_view``.
_ROSTER = """jsonb_build_object('ticket', jsonb_build_object(
    'ticket_id', {t}.id, 'candidate_id', {t}.candidate_id, 'state', {t}.state,
    'passes', {t}.passes, 'joined_at', {t}.joined_at, 'called_by', {t}.called_by,
    'kind', {t}.kind, 'lane', {t}.lane, 'call_key', {t}.call_key))"""


def holder(t: str, ring: str = "NULL::timestamptz") -> str:
    return _HOLDER.format(t=t, ring=ring)


def roster(t: str) -> str:
    return _ROSTER.format(t=t)


# Appended to a statement whose CTE ``ev(topic, type, data, ord)`` lists its events:
# bump each topic's seq once (rows in topic order, as append_events does) and write the
# events numbered in ``ord`` order within their topic.
EVENTS = """
bumped AS (
  INSERT INTO topics (topic, seq, changed_at)
  SELECT topic, count(*), $3::timestamptz FROM ev GROUP BY topic ORDER BY topic
  ON CONFLICT (topic) DO UPDATE
     SET seq = topics.seq + EXCLUDED.seq, changed_at = EXCLUDED.changed_at
  RETURNING topic, seq),
written AS (
  INSERT INTO events (topic, seq, type, data, at)
  SELECT ev.topic,
         b.seq - count(*) OVER (PARTITION BY ev.topic)
               + row_number() OVER (PARTITION BY ev.topic ORDER BY ev.ord),
         ev.type, ev.data, $3::timestamptz
    FROM ev JOIN bumped b ON b.topic = ev.topic
  RETURNING topic, seq, type, data)
"""

RESULT = """
SELECT c.*, (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'topic', w.topic, 'seq', w.seq, 'type', w.type, 'data', w.data)), '[]')
               FROM written w) AS events
  FROM (SELECT 1) AS one LEFT JOIN {changed} c ON true
"""

TICKET_RETURNING = (
    "t.id, t.fair_id, t.booth_id, t.candidate_id, t.token, t.state, t.passes, t.joined_at,"
    " t.changed_at, t.called_by, t.called_at, t.started_at, t.ended_at, t.reason,"
    " t.kind, t.lane, t.call_key, t.priority"
)

# The ticket in line just before ``{c}`` (a changed row) in call order, as a token.
_AFTER = """(SELECT l.token FROM line l
               WHERE (l.priority, l.call_key, l.id) < ({c}.priority, {c}.call_key, {c}.id)
               ORDER BY l.priority DESC, l.call_key DESC, l.id DESC LIMIT 1)"""

# The booth (and the joining candidate: the per-fair limit counts their tickets) locked
# before the join's statement takes its snapshot. Ids are UUIDs, inlined by str().
JOIN_LOCK = (
    "BEGIN; SELECT 1 FROM accounts WHERE id = '{candidate}' FOR UPDATE;"
    " SELECT 1 FROM booth_queues WHERE booth_id = '{booth}' FOR UPDATE"
)

# The booth's line as it stands ($1 booth), for the ``after`` token and the checks.
_LINE = """line AS (
  SELECT t.id, t.token, t.candidate_id, t.priority, t.call_key FROM tickets t
   WHERE t.booth_id = $1 AND t.state IN ('waiting', 'notified')),"""

# A ticket entering the line (``changed``; the booth's visibility in ``ok``; the line
# before it in ``line``): the candidate no longer waits for room, and the events.
_ENTERED = f"""
watcher AS (
  DELETE FROM queue_watchers WHERE booth_id = $1 AND candidate_id = $2
     AND EXISTS (SELECT 1 FROM changed)),
ev (topic, type, data, ord) AS (
  SELECT 'booth:' || $1::uuid::text, 'queue.joined',
         jsonb_build_object('token', c.token, 'after', {_AFTER.format(c="c")}), 1
    FROM changed c, ok WHERE ok.visibility <> 'length_only'
  UNION ALL
  SELECT 'booth:' || $1::uuid::text, 'queue.busy',
         jsonb_build_object('token', c.token, 'busy', true), 2
    FROM changed c, ok WHERE ok.visibility <> 'length_only'
     AND EXISTS (SELECT 1 FROM tickets o WHERE o.candidate_id = $2
                    AND o.state IN ('called', 'in_interview'))
  UNION ALL
  SELECT 'user:' || $2::uuid::text, 'ticket.updated', {holder("c")}, 3 FROM changed c
  UNION ALL
  SELECT 'booth:' || $1::uuid::text || ':staff', 'roster.ticket', {roster("c")}, 4
    FROM changed c),"""

# A walk-in's lane and key (``server.domain.lanes``): the key-group lane when one of the
# candidate's key groups is the lane's and they show their key groups to booth staff
# (``share_key_groups``) or agreed to for this join ($8); the key is
# max(the line's virtual time, the lane's last key that may still be called) + the
# lane's step (the other lane's weight). No ``booth_lanes`` row: general, 1:1.
_WALK_IN_KEY = """
lanes AS (
  SELECT q.lane_vtime AS vtime, coalesce(l.key_group_weight, 1) AS kw,
         coalesce(l.general_weight, 1) AS gw,
         CASE WHEN EXISTS (SELECT 1 FROM candidate_profiles p
                            WHERE p.account_id = $2 AND p.key_groups && l.key_groups
                              AND (p.share_key_groups OR $8::boolean))
              THEN 'key_group' ELSE 'general' END AS lane
    FROM booth_queues q LEFT JOIN booth_lanes l ON l.booth_id = q.booth_id
   WHERE q.booth_id = $1),
keyed AS (
  SELECT lanes.lane,
         greatest(lanes.vtime, coalesce(
           (SELECT max(t.call_key) FROM tickets t
             WHERE t.booth_id = $1 AND t.kind = 'walk_in' AND t.lane = lanes.lane
               AND t.state IN ('waiting', 'notified', 'called', 'interrupted')),
           lanes.vtime))
         + CASE WHEN lanes.lane = 'key_group' THEN lanes.gw ELSE lanes.kw END AS call_key
    FROM lanes),"""

# $1 booth, $2 candidate, $3 now, $4 ticket id, $5 token, $6 lines per candidate,
# $7 active states, $8 the candidate agrees to show their key groups to this booth's
# staff (the key-group lane).
JOIN = f"""
WITH b AS (
  SELECT bo.id, bo.fair_id, bo.capacity, v.queue_visibility AS visibility
    FROM booths bo JOIN booth_queues q ON q.booth_id = bo.id
    JOIN venues v ON v.id = bo.venue_id
    LEFT JOIN employers e ON e.id = bo.employer_id
   WHERE bo.id = $1 AND bo.status = 'approved' AND q.status = 'open'
     AND (bo.employer_id IS NULL OR e.verified_at IS NOT NULL)),
{_LINE}{_WALK_IN_KEY}
ok AS (
  SELECT b.* FROM b
   WHERE (SELECT count(*) FROM line) < b.capacity
     AND NOT EXISTS (SELECT 1 FROM line WHERE candidate_id = $2)
     AND (SELECT count(*) FROM tickets WHERE candidate_id = $2 AND fair_id = b.fair_id
             AND state = ANY($7::text[])) < $6),
changed AS (
  INSERT INTO tickets AS t (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                            changed_at, lane, call_key)
  SELECT $4, ok.fair_id, $1, $2, $5, 'waiting', $3, $3, keyed.lane, keyed.call_key
    FROM ok, keyed
  ON CONFLICT DO NOTHING
  RETURNING {TICKET_RETURNING}),
{_ENTERED}
{EVENTS}
{RESULT.format(changed="changed")}
"""

# Into the line without the capacity or per-fair limit checks: a due reservation or a
# handoff, at the place its kind and key give it. $1 booth, $2 candidate, $3 now,
# $4 ticket id, $5 token, $6 kind, $7 lane, $8 call key, $9 joined at (a handoff keeps
# the original join time), $10 handed from, $11 booking.
ADMIT = f"""
WITH b AS (
  SELECT bo.id, bo.fair_id, v.queue_visibility AS visibility
    FROM booths bo JOIN venues v ON v.id = bo.venue_id
    LEFT JOIN employers e ON e.id = bo.employer_id
   WHERE bo.id = $1 AND bo.status = 'approved'
     AND (bo.employer_id IS NULL OR e.verified_at IS NOT NULL)),
{_LINE}
ok AS (SELECT b.* FROM b WHERE NOT EXISTS (SELECT 1 FROM line WHERE candidate_id = $2)),
changed AS (
  INSERT INTO tickets AS t (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                            changed_at, kind, lane, call_key, handed_from, booking_id)
  SELECT $4, ok.fair_id, $1, $2, $5, 'waiting', $9, $3, $6, $7, $8, $10, $11 FROM ok
  ON CONFLICT DO NOTHING
  RETURNING {TICKET_RETURNING}),
{_ENTERED}
{EVENTS}
{RESULT.format(changed="changed")}
"""

_BOOTH_LOCK = """
lock AS (SELECT q.booth_id FROM booth_queues q WHERE q.booth_id = {booth} FOR UPDATE)"""

# Busy elsewhere: the candidate's places in other lines ($who: a CTE with candidate_id).
_ELSEWHERE = """
elsewhere AS (
  SELECT o.id, o.booth_id, o.token, v.queue_visibility AS visibility
    FROM {who} w JOIN tickets o ON o.candidate_id = w.candidate_id
    JOIN booths bo ON bo.id = o.booth_id JOIN venues v ON v.id = bo.venue_id
   WHERE o.booth_id <> w.booth_id AND o.state IN ('waiting', 'notified'))"""

_ELSEWHERE_EVENTS = """
  SELECT 'booth:' || e.booth_id::text, 'queue.busy',
         jsonb_build_object('token', e.token, 'busy', {busy}), 10
    FROM elsewhere e WHERE e.visibility <> 'length_only'
  UNION ALL
  SELECT 'booth:' || e.booth_id::text || ':staff', 'roster.flags',
         jsonb_build_object('ticket_id', e.id, 'busy_elsewhere', {busy}), 11
    FROM elsewhere e"""

_STAFF_EVENT = """
  SELECT 'booth:' || s.booth_id::text || ':staff', 'staff.status',
         jsonb_build_object('account_id', s.account_id, 'status', s.status), 5
    FROM staffed s"""

# $1 booth, $2 staff member, $3 now, $4 away-since cutoff (now - grace), $5 ring until,
# $6 one chosen ticket or NULL (the next in call order), $7 passes that expire a ticket,
# $8 the call time as the ring timer's payload shows it.
#
# The claim is ``call_order`` in SQL: tickets in line (waiting, notified) by priority
# class, key within the class, then id, skipping candidates in a call elsewhere.
# Candidates away longer than the grace period who come before the one called (all of
# them, if nobody is called) get a pass; one whose pass expires the ticket gets a
# ``ticket.expired`` notice (cause ``away``; the row and event ``notify()`` writes). A
# handoff held for a named colleague is theirs until ``held_until``; a recruiter taking
# only handoffs calls next only among due reservations and handoffs
# (``server.domain.lanes.claimable``). A walk-in called next moves the line's virtual
# time (``lane_vtime``) up to its key.
#
# Two statements, not one with a CASE on $6: a generic plan cannot prove the partial
# call-order index's predicate from a CASE, and without it the claim scans every ticket
# the booth ever had (its history grows all day).
_CALLABLE = """
  t.booth_id = $1 AND EXISTS (SELECT 1 FROM me)
  AND {which}
  AND NOT EXISTS (SELECT 1 FROM tickets o WHERE o.candidate_id = t.candidate_id
                     AND o.state IN ('called', 'in_interview'))
  AND (t.held_for IS NULL OR t.held_for = $2 OR t.held_until <= $3)
  AND {only_handoffs}"""
_AWAY = """EXISTS (SELECT 1 FROM queue_absences a WHERE a.candidate_id = t.candidate_id
                     AND a.since < $4)"""

# A UUIDv7 made in SQL for the instant $3 (``server.ids.uuid7`` in Python; ``uuidv7()``
# exists only from PostgreSQL 18): a random v4 with its first 48 bits set to the Unix
# milliseconds and its version nibble turned from 4 into 7.
_UUID7 = """encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
    substring(int8send(floor(extract(epoch FROM $3::timestamptz) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"""


def _call(which: str, only_handoffs: str) -> str:
    callable_ = _CALLABLE.format(which=which, only_handoffs=only_handoffs)
    return f"""
WITH {_BOOTH_LOCK.format(booth="$1")},
me AS (
  SELECT s.only_handoffs FROM booth_staff s
    JOIN staff_status ss ON ss.booth_id = s.booth_id AND ss.account_id = s.account_id
   WHERE s.booth_id = (SELECT booth_id FROM lock) AND s.account_id = $2
     AND ss.status = 'available'
     AND NOT EXISTS (SELECT 1 FROM tickets WHERE called_by = $2
                        AND state IN ('called', 'in_interview'))),
chosen AS (
  SELECT t.id, t.state AS was, t.priority, t.call_key FROM tickets t
   WHERE {callable_} AND NOT {_AWAY}
   ORDER BY t.priority, t.call_key, t.id LIMIT 1
   FOR UPDATE SKIP LOCKED),
passed AS (
  UPDATE tickets t
     SET passes = t.passes + 1, changed_at = $3,
         state = CASE WHEN t.passes + 1 >= $7 THEN 'expired' ELSE t.state END,
         ended_at = CASE WHEN t.passes + 1 >= $7 THEN $3::timestamptz END
   WHERE {callable_} AND {_AWAY}
     AND NOT EXISTS (SELECT 1 FROM chosen c
                      WHERE (c.priority, c.call_key, c.id) < (t.priority, t.call_key, t.id))
  RETURNING {TICKET_RETURNING}),
noticed AS (
  INSERT INTO notifications (id, account_id, kind, data, created_at)
  SELECT {_UUID7}, p.candidate_id, 'ticket.expired',
         jsonb_build_object('booth_id', p.booth_id, 'ticket_id', p.id, 'cause', 'away'), $3
    FROM passed p WHERE p.state = 'expired'
  RETURNING id, account_id, kind, data),
changed AS (
  UPDATE tickets t SET state = 'called', called_by = $2, called_at = $3, changed_at = $3,
                       first_called_at = coalesce(t.first_called_at, $3)
    FROM chosen c WHERE t.id = c.id
  RETURNING {TICKET_RETURNING}, c.was),
vtime AS (
  UPDATE booth_queues q SET lane_vtime = c.call_key
    FROM changed c
   WHERE q.booth_id = $1 AND c.kind = 'walk_in' AND $6::uuid IS NULL
     AND c.call_key > q.lane_vtime),
ring AS (
  INSERT INTO timers (kind, key, due_at, payload)
  SELECT 'queue.ring_timeout', 'queue.ring_timeout:' || c.id::text, $5,
         jsonb_build_object('ticket', c.id::text, 'called_at', $8::text)
    FROM changed c
  ON CONFLICT (key) DO UPDATE
     SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload,
         attempts = 0, last_error = NULL),
vis AS (
  SELECT v.queue_visibility AS visibility FROM booths bo JOIN venues v ON v.id = bo.venue_id
   WHERE bo.id = $1),
{_ELSEWHERE.format(who="changed")},
ev (topic, type, data, ord) AS (
  SELECT 'booth:' || $1::uuid::text, 'queue.removed', jsonb_build_object('token', p.token), 0
    FROM passed p, vis WHERE p.state = 'expired' AND vis.visibility <> 'length_only'
  UNION ALL
  SELECT 'user:' || p.candidate_id::text, 'ticket.updated', {holder("p")}, 1 FROM passed p
  UNION ALL
  SELECT 'booth:' || $1::uuid::text || ':staff', 'roster.ticket', {roster("p")}, 2 FROM passed p
  UNION ALL
  SELECT 'user:' || n.account_id::text, 'notification.created',
         jsonb_build_object('id', n.id, 'kind', n.kind, 'data', n.data, 'created_at', $8::text), 2
    FROM noticed n
  UNION ALL
  SELECT 'booth:' || $1::uuid::text, 'queue.removed', jsonb_build_object('token', c.token), 3
    FROM changed c, vis
   WHERE c.was IN ('waiting', 'notified') AND vis.visibility <> 'length_only'
  UNION ALL
  SELECT 'user:' || c.candidate_id::text, 'ticket.updated', {holder("c", "$5")}, 4
    FROM changed c
  UNION ALL
  SELECT 'booth:' || $1::uuid::text || ':staff', 'roster.ticket', {roster("c")}, 5 FROM changed c
  UNION ALL {_ELSEWHERE_EVENTS.format(busy="true")}),
{EVENTS}
{RESULT.format(changed="changed")}
"""


# The next in call order ($6 NULL).
CALL_NEXT = _call(
    "t.state IN ('waiting', 'notified')",
    "(t.priority < 2 OR NOT (SELECT only_handoffs FROM me))",
)
# One waiting or interrupted ticket chosen by staff ($6).
CALL_CHOSEN = _call("t.id = $6 AND t.state IN ('waiting', 'notified', 'interrupted')", "true")

# $1 ticket, $2 candidate, $3 now.
ACCEPT = f"""
WITH {_BOOTH_LOCK.format(booth="(SELECT booth_id FROM tickets WHERE id = $1)")},
changed AS (
  UPDATE tickets t SET state = 'in_interview', started_at = $3, changed_at = $3
   WHERE t.id = $1 AND t.candidate_id = $2 AND t.state = 'called'
     AND EXISTS (SELECT 1 FROM lock)
  RETURNING {TICKET_RETURNING}),
ring AS (
  DELETE FROM timers WHERE key = 'queue.ring_timeout:' || $1::uuid::text
     AND EXISTS (SELECT 1 FROM changed)),
staffed AS (
  INSERT INTO staff_status (booth_id, account_id, status, changed_at)
  SELECT c.booth_id, c.called_by, 'in_call', $3 FROM changed c WHERE c.called_by IS NOT NULL
  ON CONFLICT (booth_id, account_id)
  DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
  RETURNING booth_id, account_id, status),
ev (topic, type, data, ord) AS (
  SELECT 'user:' || c.candidate_id::text, 'ticket.updated', {holder("c")}, 1 FROM changed c
  UNION ALL
  SELECT 'booth:' || c.booth_id::text || ':staff', 'roster.ticket', {roster("c")}, 2
    FROM changed c
  UNION ALL {_STAFF_EVENT}),
{EVENTS}
{RESULT.format(changed="changed")}
"""

# $1 ticket, $2 staff member, $3 now.
COMPLETE = f"""
WITH {_BOOTH_LOCK.format(booth="(SELECT booth_id FROM tickets WHERE id = $1)")},
changed AS (
  UPDATE tickets t SET state = 'done', ended_at = $3, changed_at = $3
   WHERE t.id = $1 AND t.state = 'in_interview'
     AND EXISTS (SELECT 1 FROM booth_staff s
                  WHERE s.booth_id = (SELECT booth_id FROM lock) AND s.account_id = $2)
  RETURNING {TICKET_RETURNING}),
staffed AS (
  INSERT INTO staff_status (booth_id, account_id, status, changed_at)
  SELECT c.booth_id, c.called_by, 'available', $3 FROM changed c WHERE c.called_by IS NOT NULL
  ON CONFLICT (booth_id, account_id)
  DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
  RETURNING booth_id, account_id, status),
{_ELSEWHERE.format(who="changed")},
ev (topic, type, data, ord) AS (
  SELECT 'user:' || c.candidate_id::text, 'ticket.updated', {holder("c")}, 1 FROM changed c
  UNION ALL
  SELECT 'booth:' || c.booth_id::text || ':staff', 'roster.ticket', {roster("c")}, 2
    FROM changed c
  UNION ALL {_STAFF_EVENT}
  UNION ALL {_ELSEWHERE_EVENTS.format(busy="false")}),
{EVENTS}
{RESULT.format(changed="changed")}
"""


@dataclass(frozen=True, slots=True)
class StepResult:
    """The changed ticket (None: the step was refused) and the events it wrote."""

    ticket: dict[str, Any] | None
    events: list[events_store.Event]


def _result(row: Any, now: datetime) -> StepResult:
    found = dict(row)
    written = found.pop("events")
    events = sorted(
        (events_store.Event(e["topic"], int(e["seq"]), e["type"], e["data"], now) for e in written),
        key=lambda e: (e.topic, e.seq),
    )
    ticket = None if found.get("id") is None else found
    return StepResult(ticket, events)


async def join(
    conn: Connection,
    booth_id: UUID,
    candidate_id: UUID,
    now: datetime,
    ticket_id: UUID,
    token: str,
    lines: int,
    active: list[str],
    key_group_lane: bool = False,
) -> StepResult:
    """Inside the transaction :data:`JOIN_LOCK` opened."""
    row = await conn.fetchrow(
        JOIN, booth_id, candidate_id, now, ticket_id, token, lines, active, key_group_lane
    )
    return _result(row, now)


async def call(
    conn: Connection,
    booth_id: UUID,
    staff_id: UUID,
    now: datetime,
    away_before: datetime,
    ring_until: datetime,
    ticket_id: UUID | None,
    max_passes: int,
) -> StepResult:
    row = await conn.fetchrow(
        CALL_NEXT if ticket_id is None else CALL_CHOSEN,
        booth_id,
        staff_id,
        now,
        away_before,
        ring_until,
        ticket_id,
        max_passes,
        now.isoformat(),
    )
    return _result(row, now)


async def accept(
    conn: Connection, ticket_id: UUID, candidate_id: UUID, now: datetime
) -> StepResult:
    return _result(await conn.fetchrow(ACCEPT, ticket_id, candidate_id, now), now)


async def complete(conn: Connection, ticket_id: UUID, staff_id: UUID, now: datetime) -> StepResult:
    return _result(await conn.fetchrow(COMPLETE, ticket_id, staff_id, now), now)


async def admit(
    conn: Connection,
    booth_id: UUID,
    candidate_id: UUID,
    now: datetime,
    ticket_id: UUID,
    token: str,
    *,
    kind: str,
    lane: str,
    call_key: float,
    joined_at: datetime,
    handed_from: UUID | None,
    booking_id: UUID | None,
) -> StepResult:
    """Inside a transaction holding the booth's lock (a statement's snapshot predates a
    lock it waits for, as with :data:`JOIN_LOCK`)."""
    row = await conn.fetchrow(
        ADMIT,
        booth_id,
        candidate_id,
        now,
        ticket_id,
        token,
        kind,
        lane,
        call_key,
        joined_at,
        handed_from,
        booking_id,
    )
    return _result(row, now)
