"""Every benchmark runs in its smoke mode (a few seconds) so that it cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.__main__ import BENCHMARKS


@pytest.mark.parametrize("module", BENCHMARKS)
def test_benchmark_smoke_mode_runs_and_prints_its_ratios(module: str, database_url: str) -> None:
    env = {**os.environ, "LIVEFAIR_BENCH_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", module, "--smoke"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ratio" in result.stdout
