"""How large and how slow the explorer page is: ``bpviz explore`` of mazur and digits, whole films.

Run ``.venv/bin/python benchmarks/bench_explorer.py [--lang es] [--out DIR]`` (a few minutes:
each page draws every beat of its film as a vector still). Prints, per preset, the page's size
against the issue's bounds (mazur under 3 MB, digits under 15 MB), the number of beats and
clickable items, and the wall time of the run. The pages stay in ``DIR`` (default
``media/explorer``) to be opened in a browser.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import bpviz

BOUNDS_MB = {"mazur": 3.0, "digits": 15.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default=None)
    parser.add_argument("--out", default="media/explorer")
    parser.add_argument("presets", nargs="*", default=list(BOUNDS_MB))
    args = parser.parse_args()
    out = Path(args.out)
    for preset in args.presets:
        start = time.perf_counter()
        page = bpviz.explore(preset, lang=args.lang, output=out / f"{preset}.html")
        seconds = time.perf_counter() - start
        text = page.read_text(encoding="utf-8")
        data = json.loads(re.search(r'id="bpviz-data">(.*?)</script>', text, re.S).group(1))
        size = page.stat().st_size / 1e6
        bound = BOUNDS_MB.get(preset)
        verdict = "" if bound is None else f" (bound {bound:g} MB: {'PASS' if size < bound else 'FAIL'})"
        print(f"{preset}: {size:.2f} MB{verdict}; {len(data['beats'])} beats, "
              f"{len(data['items'])} clickable neurons and weights; {seconds:.0f} s -> {page}")


if __name__ == "__main__":
    main()
