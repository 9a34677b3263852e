"""Connections to PostgreSQL: one pool per process, JSON handled by orjson."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
"""A connection, whether from the pool or made alone: what repositories take."""


class Params(list[Any]):
    """The positional parameters of a query being built: :meth:`add` keeps a value and
    returns its placeholder; pass the whole list (``*params``) with the query."""

    def add(self, value: Any) -> str:
        self.append(value)
        return f"${len(self)}"

    def equal(self, *pairs: tuple[str, Any]) -> list[str]:
        """``column = $n`` for each (column, value) whose value is not None, in order."""
        return [f"{column} = {self.add(value)}" for column, value in pairs if value is not None]


async def fetch_page(
    conn: Connection,
    columns: str,
    from_: str,
    clauses: Sequence[str],
    order: str,
    params: Params,
    *,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """``SELECT columns FROM from_ WHERE clauses`` (all of them) in ``order``: the rows of
    one page and how many match in all. ``columns``, ``from_`` and ``order`` are the
    caller's own SQL, never input."""
    where = " AND ".join(clauses)
    total = await conn.fetchval(f"SELECT count(*) FROM {from_} WHERE {where}", *params)
    rows = await conn.fetch(
        f"SELECT {columns} FROM {from_} WHERE {where} ORDER BY {order}"
        f" LIMIT {params.add(limit)} OFFSET {params.add(offset)}",
        *params,
    )
    return [dict(row) for row in rows], int(total)


def literal_in(values: Iterable[str]) -> str:
    """``('a', 'b')``: fixed values (a domain enum's members, never input) as a literal SQL
    list. A generic plan proves a partial index's predicate from literals, not from
    ``= ANY($n)``: without it a statement reads the rows the index leaves out, every
    finished one its table ever had."""
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def _encode_json(value: Any) -> str:
    return orjson.dumps(value).decode()


async def set_state(
    conn: Connection,
    table: str,
    row_id: Any,
    state: str,
    now: Any,
    returning: str,
    **fields: Any,
) -> dict[str, Any]:
    """``UPDATE table SET state, changed_at = now, fields… WHERE id RETURNING …``: a row's
    transition (tickets, bookings). ``table``, ``returning`` and the field names are the
    caller's own identifiers, never input."""
    assignments = ["state = $2", "changed_at = $3"]
    values: list[Any] = [row_id, state, now]
    for name, value in fields.items():
        values.append(value)
        assignments.append(f"{name} = ${len(values)}")
    row = await conn.fetchrow(
        f"UPDATE {table} SET {', '.join(assignments)} WHERE id = $1 RETURNING {returning}",
        *values,
    )
    assert row is not None, f"{table} {row_id} is gone"
    return dict(row)


async def init_connection(conn: asyncpg.Connection) -> None:
    """Per-connection set-up: ``json``/``jsonb`` travel as Python values."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, encoder=_encode_json, decoder=orjson.loads, schema="pg_catalog"
        )


async def _no_reset(conn: asyncpg.Connection) -> None:
    """Return connections to the pool as they are, without asyncpg's reset query.

    The default reset (``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL``) is one more round trip per checkout — a quarter of a small transaction's.
    livefair never leaves session state behind on pooled connections: no session-level
    advisory locks (only ``pg_advisory_xact_lock``), no LISTEN, no SET, no cursors
    outside transactions. Keep it that way, or restore the reset here.
    """
    return None


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        reset=_no_reset,
        command_timeout=30,
        server_settings={"application_name": "livefair", "timezone": "UTC"},
    )
    if pool is None:  # pragma: no cover - asyncpg's stub allows it; it never happens
        raise RuntimeError("asyncpg returned no pool")
    return pool


async def connect(dsn: str) -> asyncpg.Connection:
    """A single connection set up like the pool's (for the CLI and tests)."""
    conn = await asyncpg.connect(dsn, server_settings={"timezone": "UTC"})
    await init_connection(conn)
    return conn
