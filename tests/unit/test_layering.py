"""The pure core stays pure: no I/O libraries, no clock; and our packages are ours."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scheduler
import server
import signaling

ROOT = Path(__file__).resolve().parents[2]
# Pure modules: domain rules, scheduling rules, the signaling core. Files added to
# these folders are checked automatically.
PURE = [
    *sorted((ROOT / "server" / "domain").glob("*.py")),
    ROOT / "scheduler" / "weeks.py",
    *sorted(p for p in (ROOT / "scheduler").glob("*.py") if p.stem in ("planning", "deadlines")),
    *sorted(
        p for p in (ROOT / "signaling").glob("*.py") if p.stem in ("protocol", "sdp", "negotiation")
    ),
]
FORBIDDEN_IMPORTS = ("aiohttp", "asyncpg", "redis", "aiortc", "websockets", "av", "server.store")
CLOCK_READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
    ("loop", "time"),
}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IMPORTS):
                found.append(f"{path.name}:{node.lineno} imports {name}")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in CLOCK_READS
        ):
            found.append(f"{path.name}:{node.lineno} reads the clock ({node.value.id}.{node.attr})")
    return found


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_does_no_io_and_reads_no_clock(path: Path) -> None:
    assert _violations(path) == []


def test_the_checker_catches_a_forbidden_import_and_a_clock_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import asyncpg\nfrom datetime import datetime\nx = datetime.now()\n")
    assert len(_violations(bad)) == 2


@pytest.mark.parametrize("package", [server, scheduler, signaling], ids=lambda p: p.__name__)
def test_our_packages_are_not_shadowed_by_pypi_namesakes(package: object) -> None:
    location = Path(getattr(package, "__file__", "") or "").resolve()
    assert ROOT in location.parents
