"""Optional test dependencies: skip visibly, or fail when CI requires them.

``LIVEFAIR_REQUIRE=redis,chromium,coturn,compose`` turns the skip for a named
dependency into a failure, so CI cannot go green by silently skipping.
"""

from __future__ import annotations

import os

import pytest


def required() -> frozenset[str]:
    raw = os.environ.get("LIVEFAIR_REQUIRE", "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def missing(name: str, reason: str) -> None:
    """Skip the current test because ``name`` is unavailable, or fail if CI requires it."""
    if name in required():
        pytest.fail(f"{name} is required (LIVEFAIR_REQUIRE) but unavailable: {reason}")
    pytest.skip(f"{name} unavailable: {reason}")
