"""Garbage collection for a long-running node with thousands of connections.

CPython's full collection walks every tracked object; with 1,000–10,000 WebSocket clients
a node was measured stalling 0.2–2.6 s per full collection, several times a minute while
connections piled up (bench/RESULTS.md, "Full garbage collections"): every client's
delivery stops for that long. Two remedies, applied once the application has started:

* ``gc.freeze()`` after a collection: what exists at start-up (modules, routes, pools,
  the demo) lives as long as the process; no collection needs to walk it again.
* Rarer young collections (``THRESHOLDS``): the first generation is collected after
  50,000 net allocations instead of 700, so objects of a request that dies young are
  freed by reference counting without a collection ever seeing them, and full
  collections come about 1/70 as often.

Cost: cyclic garbage lives until the next collection of its generation, so RSS can grow
between collections; ``bench.idle`` measures RSS per connection.
"""

from __future__ import annotations

import gc
from typing import Final

from aiohttp import web

THRESHOLDS: Final = (50_000, 50, 100)


def tune() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


async def on_startup(_app: web.Application) -> None:
    """For ``app.on_startup``: runs after the cleanup contexts (pools, bus) are up."""
    tune()
