"""Where the CPU of a render goes: drawing, converting frames to YUV, and x264.

Renders ``mazur`` (every chapter, ``--jobs 1 --no-cache``) three times, each in a fresh process
with an empty cache folder (warmed by one untimed run, so LaTeX is not counted):

``drawing``   the encoder writes only the first frame of each segment (so that Manim can still
              join its files) and drops the rest: what is left is drawing and bookkeeping;
``convert``   as ``drawing``, but every frame is also converted from RGBA to the stream's
              pixel format (what the encoder does before x264);
``full``      the real render.

It prints each run's wall time, CPU time (the process and its children) and the cores it kept
busy (CPU over wall), and the bound that this puts on ``--jobs 2``: two jobs need at least
the CPU of one, so on two cores they take at least ``CPU / 2``, a ratio of ``cores / 2`` to
the single job's wall time.

    .venv/bin/python benchmarks/bench_encoder.py                  # 1080p60 (about 3 minutes)
    .venv/bin/python benchmarks/bench_encoder.py --quality low    # a quick run
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys
import av
import bpviz.renderer.encoder as enc
from bpviz.cli import main

mode = sys.argv[1]
write = enc.HeldFrameEncoder.write_frame

def patched(self, pixels, *, repeat=1):
    if not getattr(self, "_wrote_one", False):  # one real frame: a valid segment file
        self._wrote_one = True
        return write(self, pixels, repeat=1)
    if mode == "convert":
        av.VideoFrame.from_numpy_buffer(pixels, format="rgba").reformat(format=self.spec.pixel_format)

if mode != "full":
    enc.HeldFrameEncoder.write_frame = patched
sys.argv = ["bpviz"] + sys.argv[2:]
main()
"""


def run(mode: str, quality: str, cache: str, out: str) -> tuple[float, float]:
    """Wall and CPU seconds of one render in ``mode``."""
    env = {**os.environ, "XDG_CACHE_HOME": cache, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, mode, "render", "mazur", "--quality", quality,
                    "--jobs", "1", "--no-cache", "-o", out], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="high", choices=["low", "medium", "high", "4k"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = f"{tmp}/cache", f"{tmp}/out"
        run("drawing", args.quality, cache, out)  # warm LaTeX and the shape cache
        rows = {mode: run(mode, args.quality, cache, out) for mode in ("drawing", "convert", "full")}
    print(f"render mazur --quality {args.quality} --jobs 1 --no-cache, warm caches; "
          f"load average at end {os.getloadavg()[0]:.1f}")
    print(f"{'run':<10}{'wall s':>8}{'CPU s':>8}{'cores':>7}")
    for mode, (wall, cpu) in rows.items():
        print(f"{mode:<10}{wall:>8.1f}{cpu:>8.1f}{cpu / wall:>7.2f}")
    wall, cpu = rows["full"]
    draw_cpu, convert_cpu = rows["drawing"][1], rows["convert"][1]
    print(f"CPU of the full render: drawing and the rest {draw_cpu:.1f} s, conversion "
          f"{convert_cpu - draw_cpu:.1f} s, x264 and its threads {cpu - convert_cpu:.1f} s")
    print(f"--jobs 2 needs about the same CPU, so on 2 cores at least about {cpu / 2:.1f} s: a ratio of "
          f"{cpu / 2 / wall:.2f} to --jobs 1 or more (target 0.6)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
