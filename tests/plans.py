"""A statement's plan as the server runs it: asyncpg prepares every statement, and from
its sixth execution PostgreSQL may run a cached *generic* plan, made without the
parameters' values. Such a plan cannot prove a partial index's predicate from a
parameter (``state = ANY($2)``, a CASE on ``$6``), so a statement can read a table's
whole history where the custom plans of its first runs read a handful of rows.

Tests build a long history, ``ANALYZE``, and assert on :func:`rows_read` of
:func:`generic_plan`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from server.store.db import Connection


def literal(value: Any) -> str:
    """``value`` as an SQL literal for ``EXECUTE`` (which takes no ``$n`` parameters)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return literal("{" + ",".join(str(v) for v in value) + "}")
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return "'" + str(value).replace("'", "''") + "'"


async def generic_plan(conn: Connection, statement: str, *args: Any) -> dict[str, Any]:
    """``EXPLAIN ANALYZE`` of ``statement`` run with ``args`` from a forced generic plan
    (it runs: a statement that writes, writes)."""
    prepared = await conn.prepare(statement)
    types = [
        await conn.fetchval("SELECT format_type($1::oid, NULL)", t.oid)
        for t in prepared.get_parameters()
    ]
    await conn.execute("SET plan_cache_mode = force_generic_plan")
    await conn.execute(f"PREPARE audited {_listed(types)} AS {statement}")
    try:
        plan = await conn.fetchval(
            f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE audited {_listed([literal(a) for a in args])}"
        )
    finally:
        await conn.execute("DEALLOCATE audited")
        await conn.execute("RESET plan_cache_mode")
    found: dict[str, Any] = plan[0]["Plan"]
    return found


def _listed(items: list[str]) -> str:
    return f"({', '.join(items)})" if items else ""


def rows_read(plan: dict[str, Any], relation: str) -> float:
    """Rows of ``relation`` a plan node (and those under it) read: returned plus filtered
    out, over all its loops."""
    own = 0.0
    if plan.get("Relation Name") == relation:
        own = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * plan.get(
            "Actual Loops", 1
        )
    return own + sum(rows_read(child, relation) for child in plan.get("Plans", []))
