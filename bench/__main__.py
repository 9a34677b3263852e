"""``python -m bench``: run every benchmark in full (``--smoke`` for the quick variants)."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    "bench.timers",
    "bench.queue",
    "bench.queue_bounds",
    "bench.queue_positions",
    "bench.queue_stats",
    "bench.broadcast",
    "bench.relay",
    "bench.fanout",
    "bench.idle",
    "bench.reconnect",
    "bench.signaling",
]


def main() -> int:
    extra = sys.argv[1:]
    failed = 0
    for module in BENCHMARKS:
        result = subprocess.run([sys.executable, "-m", module, *extra], check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
