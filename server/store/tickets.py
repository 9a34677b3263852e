"""Tickets as their holder sees them: own tokens, places and wait ranges (read side)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from server.domain.queue import ACTIVE, ticket_version
from server.store.db import Connection, literal_in

RING_PREFIX = "queue.ring_timeout:"

# The active states as a literal list for a statement on one booth's tickets (with
# ``= ANY($n)`` a generic plan reads every ticket the booth ever had).
ACTIVE_IN = literal_in(ACTIVE)

# ``position``: callable tickets ahead in the booth's line (the same count the client
# makes from the public topic: tickets in line before this one whose candidate is not in
# a call elsewhere). ``ring_until``: the ring timer's due time while the ticket is called.
HOLDER_TICKETS = f"""
SELECT t.id, t.booth_id, t.token, t.state, t.passes, t.joined_at, t.changed_at, t.kind,
       CASE WHEN t.state = 'called'
            THEN (SELECT due_at FROM timers WHERE key = '{RING_PREFIX}' || t.id::text) END
         AS ring_until,
       CASE WHEN t.state IN ('waiting', 'notified') THEN (
         SELECT count(*) FROM tickets o
          WHERE o.booth_id = t.booth_id AND o.state IN ('waiting', 'notified')
            AND (o.priority, o.call_key, o.id) < (t.priority, t.call_key, t.id)
            AND NOT EXISTS (SELECT 1 FROM tickets b WHERE b.candidate_id = o.candidate_id
                               AND b.state IN ('called', 'in_interview')))
       END AS position,
       q.eta
  FROM tickets t LEFT JOIN booth_queues q ON q.booth_id = t.booth_id
 WHERE t.candidate_id = $1 AND t.state = ANY($2::text[])
 ORDER BY t.joined_at, t.id
"""


def wait_at(eta: list[list[int]] | None, position: int | None) -> list[int] | None:
    """The [p10, p90] wait for ``position`` from a booth's published table (or none)."""
    if position is None or not eta:
        return None
    low, high = eta[min(position, len(eta) - 1)]
    return [int(low), int(high)]


async def holder_tickets(conn: Connection, candidate_id: UUID) -> list[dict[str, Any]]:
    """The candidate's active tickets with their place and wait range — one round trip."""
    rows = await conn.fetch(HOLDER_TICKETS, candidate_id, [s.value for s in ACTIVE])
    out = []
    for row in rows:
        found = dict(row)
        eta = found.pop("eta")
        found["wait"] = wait_at(eta, found["position"])
        out.append(found)
    return out


def holder_view(row: dict[str, Any]) -> dict[str, Any]:
    """JSON for the holder (``me``): the ticket with its token, place and wait."""
    ring_until = row.get("ring_until") if row["state"] == "called" else None
    return {
        "id": str(row["id"]),
        "booth_id": str(row["booth_id"]),
        "token": row["token"],
        "state": row["state"],
        "kind": row["kind"],
        "passes": row["passes"],
        "joined_at": row["joined_at"].isoformat(),
        "ring_until": ring_until.isoformat() if ring_until else None,
        "version": ticket_version(row["changed_at"]),
        "position": row.get("position"),
        "wait": row.get("wait"),
    }
