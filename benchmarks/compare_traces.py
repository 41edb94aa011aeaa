"""Compare two trace JSON files number by number: the largest absolute difference, and where.

Run ``.venv/bin/python benchmarks/compare_traces.py A.json B.json [...more pairs]``. Prints, per
pair, whether the files are byte-identical and otherwise the largest absolute difference over
every number (and the path of the first number where it occurs); the structure (keys, lengths,
strings) must agree.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path


def walk(a, b, path="$"):
    """Yield ``(abs difference, path)`` for every pair of numbers; raise on a structural difference."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            raise ValueError(f"{path}: keys differ")
        for key in a:
            yield from walk(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            raise ValueError(f"{path}: lengths {len(a)} and {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            yield from walk(x, y, f"{path}[{i}]")
    elif isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)):
        if a != b:
            raise ValueError(f"{path}: {a!r} and {b!r}")
    else:
        yield (abs(a - b) if math.isfinite(a - b) else math.inf), path


def compare(first: Path, second: Path) -> str:
    if first.read_bytes() == second.read_bytes():
        return f"{first.name}: byte-identical"
    diffs = list(walk(json.loads(first.read_text()), json.loads(second.read_text())))
    worst, where = max(diffs, key=lambda d: d[0])
    differing = sum(1 for d, _ in diffs if d > 0)
    return (f"{first.name}: not byte-identical; {differing} of {len(diffs)} numbers differ, "
            f"max abs diff {worst:.3g} at {where}")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__)
        return 2
    for first, second in zip(argv[::2], argv[1::2]):
        print(compare(Path(first), Path(second)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
