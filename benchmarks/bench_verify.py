"""What checking a trace against its own equations costs (issue 17: under a second for presets).

Run ``.venv/bin/python benchmarks/bench_verify.py``. For each config preset the trace is
trained and written as ``bpviz trace`` writes it, then read back three ways (best of 3 runs
each, ``time.perf_counter``): parsed only (``io.loads`` + ``io.load(trust=True)``), parsed and
checked (``io.load``, which re-runs the engine from the trace's config and compares every
number), and the check alone (:func:`backprop_core.io.check_numbers`).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from backprop_core import io
from backprop_core.config import load
from backprop_core.presets import PRESETS
from backprop_core.train import train


def best(func, *args, repeats: int = 3) -> tuple[float, float]:
    """The least wall time and the least CPU time of ``repeats`` calls (CPU time is steadier under load)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func(*args)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def measure(path: Path) -> str:
    """One row: the JSON size, parsing, the check alone, both (wall / CPU seconds)."""
    loaded = io.load(path, trust=True)
    parse = best(io.load, path, True)
    check = best(io.check_numbers, loaded, str(path))
    both = best(io.load, path)
    cells = " ".join(f"{w:>6.3f}/{c:<6.3f}" for w, c in (parse, check, both))
    return f"{path.stat().st_size / 1e6:>7.1f}MB {cells}"


def main() -> None:
    print(f"{'preset':<12} {'JSON':>9} {'parse':>13} {'check':>13} {'parse+check':>13}  (wall/CPU s)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in PRESETS:
            path = Path(tmp) / f"{name}.json"
            io.save(train(load(name)), path)
            print(f"{name:<12} {measure(path)}")


if __name__ == "__main__":
    main()
