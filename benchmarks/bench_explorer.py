"""How large and how slow the explorer page is: ``bpviz explore`` of mazur and digits, whole films.

Run ``.venv/bin/python benchmarks/bench_explorer.py [--lang es] [--voice speech|DIR] [--out DIR]``
(a few minutes: each page draws every beat of its film as a vector still). Prints, per preset,
the page's size against the issue's bounds (mazur under 3 MB, digits under 15 MB, for a page
without voice), the number of beats and clickable items, and the wall time of the run. With
``--voice`` it also prints the voice's share: the clips' bytes on the page, their seconds and
the bitrate that makes (base64 included). The pages stay in ``DIR`` (default
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
    parser.add_argument("--voice", default=None)
    parser.add_argument("--out", default="media/explorer")
    parser.add_argument("presets", nargs="*", default=list(BOUNDS_MB))
    args = parser.parse_args()
    out = Path(args.out)
    for preset in args.presets:
        start = time.perf_counter()
        page = bpviz.explore(preset, lang=args.lang, output=out / f"{preset}.html", voice=args.voice)
        seconds = time.perf_counter() - start
        text = page.read_text(encoding="utf-8")
        data = json.loads(re.search(r'id="bpviz-data">(.*?)</script>', text, re.S).group(1))
        size = page.stat().st_size / 1e6
        bound = BOUNDS_MB.get(preset)
        voice = "".join(b.get("voice", "") for b in data["beats"])
        if args.voice is None and bound is not None:
            verdict = f" (bound {bound:g} MB: {'PASS' if size < bound else 'FAIL'})"
        elif args.voice is not None:
            clips = [b for b in data["beats"] if "voice" in b]
            seconds_of_voice = sum(_webm_seconds(b["voice"]) for b in clips)
            verdict = (f" (voice {len(voice) / 1e6:.2f} MB: {len(clips)} clips, {seconds_of_voice:.0f} s, "
                       f"{len(voice) * 8 / seconds_of_voice / 1000:.0f} kbit/s in base64; without it "
                       f"{size - len(voice) / 1e6:.2f} MB)")
        else:
            verdict = ""
        print(f"{preset}: {size:.2f} MB{verdict}; {len(data['beats'])} beats, "
              f"{len(data['items'])} clickable neurons and weights; {seconds:.0f} s -> {page}")


def _webm_seconds(clip: str) -> float:
    """Seconds of a page's clip (base64 WebM), as its container says (PyAV)."""
    import base64
    import io

    import av

    with av.open(io.BytesIO(base64.b64decode(clip))) as container:
        return container.duration / av.time_base


if __name__ == "__main__":
    main()
