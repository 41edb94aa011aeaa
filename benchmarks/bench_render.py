"""Wall time of rendering the ``full`` film, against Manim's floor, and of ``bpviz frames``.

For each preset (mazur, digits) and quality (low 480p15, high 1080p60) this times
``bpviz render PRESET --scene full`` in a fresh process, reads the video's duration with
ffprobe, then times Manim's floor: a scene of the same duration and resolution holding one
static dot (``manim render``, also a fresh process, so start-up counts on both sides). The ratio
says how many times the floor the film costs. Last, ``bpviz frames`` of mazur (one PNG per beat).

Everything goes into a temporary folder. Figures move with the machine's load; compare ratios.

    .venv/bin/python benchmarks/bench_render.py            # mazur and digits, low and high
    .venv/bin/python benchmarks/bench_render.py --quick    # mazur, low quality only
    .venv/bin/python benchmarks/bench_render.py --preset digits --quality high
    .venv/bin/python benchmarks/bench_render.py --all      # and every other figure of issue 5

``--all`` also runs ``bench_scale.py`` (the 784-16-16-10 network), ``bench_pipeline.py`` (jobs,
caches, stills, memory, 4k) and ``bench_core.py`` (the cost of tracing), and ends with one table
of every figure against its target, PASS or FAIL (about half an hour at 1080p60).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_pipeline
import bench_scale
from common import QUALITY_FLAGS, print_summary, probe, render_floor, timed, tool, verdict

TARGETS = {("mazur", "high"): 1.5, ("digits", "high"): 2.0}
"""Issue 5: the ``full`` film at 1080p60 as a multiple of Manim's floor, at most this."""


def render_full(preset: str, quality: str, out: Path) -> tuple[float, dict]:
    """Seconds to render ``full`` of ``preset`` and the video's metadata."""
    folder = out / f"{preset}-{quality}"
    seconds = timed([tool("bpviz"), "render", preset, "--scene", "full", "--quality", quality,
                     "--no-cache", "-o", str(folder)])  # a real render, not the render cache's copy
    return seconds, probe(folder / "full.mp4")


def render_frames(preset: str, quality: str, out: Path) -> tuple[float, int]:
    """Seconds for ``bpviz frames`` of ``full`` and the number of stills written."""
    folder = out / f"frames-{preset}-{quality}"
    seconds = timed([tool("bpviz"), "frames", preset, "--scene", "full", "--quality", quality,
                     "-o", str(folder)])
    return seconds, len(list(folder.glob("*.png")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="low quality and mazur only")
    parser.add_argument("--preset", action="append", help="only this preset (repeatable)")
    parser.add_argument("--quality", action="append", choices=tuple(QUALITY_FLAGS),
                        help="only this quality (repeatable)")
    parser.add_argument("--all", action="store_true",
                        help="then every other figure (scale, pipeline, core) and a summary table")
    parser.add_argument("--no-4k", action="store_true", help="with --all: skip the 4k memory render")
    args = parser.parse_args()
    presets = args.preset or (["mazur"] if args.quick else ["mazur", "digits"])
    print("load average (1, 5, 15 min) at start: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    qualities = args.quality or (["low"] if args.quick else ["low", "high"])
    print(f"{'preset':8} {'quality':7} {'video':>18} {'full s':>8} {'floor s':>8} {'ratio':>6} "
          f"{'ms/frame':>9} {'floor ms/frame':>15}  target")
    with tempfile.TemporaryDirectory(prefix="bpviz-bench-") as tmp:
        out = Path(tmp)
        for preset in presets:
            for quality in qualities:
                seconds, video = render_full(preset, quality, out)
                floor_s, floor = render_floor(video["duration"], quality, out)
                shown = f"{video['size']} {video['duration']:.1f}s"
                ratio = seconds / floor_s
                target = TARGETS.get((preset, quality))
                result = (f"<= {target:g}x: " + verdict(f"{preset} full {quality}, x floor", f"{ratio:.2f}x",
                                                        f"<= {target:g}x", ratio <= target)
                          if target else "-")
                print(f"{preset:8} {quality:7} {shown:>18} {seconds:8.1f} {floor_s:8.1f} "
                      f"{ratio:6.2f} {1000 * seconds / video['frames']:9.1f} "
                      f"{1000 * floor_s / floor['frames']:15.1f}  {result}", flush=True)
        for quality in qualities:
            seconds, stills = render_frames("mazur", quality, out)
            print(f"bpviz frames mazur --scene full --quality {quality}: {seconds:.1f} s for {stills} stills "
                  f"({seconds / max(stills, 1):.2f} s a still)", flush=True)
    print("load average at end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    if args.all:
        run_the_others(memory_4k=not args.no_4k)
        print_summary()


def run_the_others(memory_4k: bool = True) -> None:
    """Every other figure of issue 5, at 1080p60: scale, pipeline (and 4k memory), core."""
    print("\n== bench_scale.py ==", flush=True)
    bench_scale.main([])
    print("\n== bench_pipeline.py" + (" --memory-4k full ==" if memory_4k else " =="), flush=True)
    bench_pipeline.measure(argparse.Namespace(quality="high", jobs=2, rate=0.6,
                                              memory_4k="full" if memory_4k else None))
    print("\n== bench_core.py ==", flush=True)
    core = subprocess.run([sys.executable, str(Path(__file__).with_name("bench_core.py"))],
                          capture_output=True, text=True)
    print(core.stdout, core.stderr, sep="", end="", flush=True)
    last = (core.stdout.strip().splitlines() or ["?"])[-1]
    verdict("core: trace mnist_like <= 1.5 s, tracing <= 3x bare, faster than torch", last, "0 failed",
            core.returncode == 0 and last.startswith("0 target"))


if __name__ == "__main__":
    main()
