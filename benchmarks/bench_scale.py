"""What scale costs: the 784-16-16-10 ``mnist_like`` film against Manim's floor, and cost per edge.

1. ``bpviz render mnist_like --scene forward`` and ``--scene backward`` (fresh processes) at
   ``--quality`` (default high, 1080p60), each against Manim's floor: one static dot for the same
   duration and resolution, rendered in the same run (``bench_render.render_floor``). Target:
   at most :data:`TARGET` times the floor. LaTeX is warmed first by ``bpviz frames`` (whose wall
   time is printed too), so both sides start with a warm cache. Then the still of the network:
   building the dense diagram and drawing one frame of it at that resolution, in process
   (target: :data:`STILL_TARGET` seconds).
2. Seconds per frame of the ``backward`` chapter against the number of edges, for networks of
   about 10, 100, 1,000 and 13,000 edges (2-2-2, 8-8-4, 32-24-10, 784-16-16-10; the last in
   dense mode), with the growth from row to row: edges grow about 10x a row, the cost per frame
   must grow far slower (target: at most :data:`GROWTH_TARGET` times over the whole range).

    .venv/bin/python benchmarks/bench_scale.py                  # 1080p60 (about 10 minutes)
    .venv/bin/python benchmarks/bench_scale.py --quality low    # 480p15, quick

Figures move with the machine's load (compare ratios); everything goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from common import probe, render_floor, timed, tool, verdict

TARGET = 3.0
STILL_TARGET = 5.0
"""Seconds to build the 784-16-16-10 diagram and draw one frame of it ("a still in seconds")."""
GROWTH_TARGET = 2.0
"""Cost per frame may grow at most this much from about 10 to about 13,000 edges."""
GROWTH = ((2, 2, 2), (8, 8, 4), (32, 24, 10), (784, 16, 16, 10))
PIXELS = {"low": (854, 480), "medium": (1280, 720), "high": (1920, 1080), "4k": (3840, 2160)}


def growth_config(layers: tuple[int, ...], folder: Path) -> str:
    """A TOML config of ``layers`` (sigmoid, seeded) with two seeded samples; ``mnist_like`` for 784."""
    if layers == (784, 16, 16, 10):
        return "mnist_like"
    rng = np.random.default_rng(0)
    inputs = rng.random((2, layers[0])).round(3).tolist()
    targets = np.eye(layers[-1])[[0, 1 % layers[-1]]].tolist()
    path = folder / f"net-{'-'.join(map(str, layers))}.toml"
    path.write_text(f"[network]\nlayers = {list(layers)}\nseed = 0\n\n[training]\nlearning_rate = 0.5\n\n"
                    f"[data]\ninputs = {inputs}\ntargets = {targets}\n", encoding="utf-8")
    return str(path)


def render_chapter(source: str, chapter: str, quality: str, out: Path) -> tuple[float, dict]:
    """Seconds of ``bpviz render SOURCE --scene CHAPTER`` and the video's metadata."""
    folder = Path(tempfile.mkdtemp(prefix=f"{chapter}-", dir=out))
    seconds = timed([tool("bpviz"), "render", source, "--scene", chapter, "--quality", quality, "--no-cache",
                     "-o", str(folder)])
    return seconds, probe(folder / f"{chapter}.mp4")


def warm(source: str, chapter: str, quality: str, out: Path) -> float:
    """``bpviz frames`` of the chapter (typesets and caches its LaTeX); its wall time."""
    folder = Path(tempfile.mkdtemp(prefix=f"frames-{chapter}-", dir=out))
    return timed([tool("bpviz"), "frames", source, "--scene", chapter, "--quality", quality,
                  "-o", str(folder)])


def network_still(quality: str) -> tuple[float, float, int, int]:
    """Seconds to build the mnist_like diagram and to draw it once; its family size and edges."""
    from manim import Camera, config

    from scenes.chapters.pieces import layer_captions
    from scenes.layout import frame_layout
    from scenes.loading import load_story
    from scenes.mobjects.dense_network import DenseNetworkDiagram

    config.pixel_width, config.pixel_height = PIXELS[quality]
    story = load_story("mnist_like")
    start = time.perf_counter()
    diagram = DenseNetworkDiagram(story.layers, story.step.before.weights, story.theme,
                                  story.weight_scale, frame_layout().diagram,
                                  captions=layer_captions(story), inputs=story.record.x)
    built = time.perf_counter() - start
    camera = Camera(background_color=story.theme.background)
    start = time.perf_counter()
    camera.capture_mobjects([diagram])
    drawn = time.perf_counter() - start
    return built, drawn, len(diagram.get_family()), diagram.edge_count


def film(quality: str, out: Path) -> int:
    """Part 1; returns the number of failed targets."""
    print(f"1. mnist_like (784-16-16-10) at {quality} quality, against Manim's floor (target <= {TARGET:g}x)")
    print(f"{'chapter':9} {'video':>18} {'stills s':>9} {'render s':>9} {'floor s':>8} {'ratio':>6} "
          f"{'ms/frame':>9} {'floor ms/frame':>15}  target")
    failed = 0
    for chapter in ("forward", "backward"):
        stills = warm("mnist_like", chapter, quality, out)
        seconds, video = render_chapter("mnist_like", chapter, quality, out)
        floor_s, floor = render_floor(video["duration"], quality, out)
        ratio = seconds / floor_s
        failed += ratio > TARGET
        shown = f"{video['size']}, {video['duration']:.1f} s"
        result = verdict(f"mnist_like {chapter} {quality}, x floor", f"{ratio:.2f}x", f"<= {TARGET:g}x",
                         ratio <= TARGET)
        print(f"{chapter:9} {shown:>18} {stills:9.1f} {seconds:9.1f} {floor_s:8.1f} {ratio:6.2f} "
              f"{1000 * seconds / video['frames']:9.1f} {1000 * floor_s / floor['frames']:15.1f}  "
              f"{result}", flush=True)
    built, drawn, family, edges = network_still(quality)
    still = built + drawn
    failed += still > STILL_TARGET
    result = verdict(f"still of 784-16-16-10, {quality}", f"{still:.2f} s", f"<= {STILL_TARGET:g} s",
                     still <= STILL_TARGET)
    print(f"still of the network ({'x'.join(map(str, PIXELS[quality]))}): built in {built:.2f} s, drawn in "
          f"{drawn:.2f} s (target: both <= {STILL_TARGET:g} s)  {result}; {family} mobjects in its "
          f"family, {edges} edges as subpaths")
    print("(stills s: `bpviz frames` of the chapter, every beat's settled frame, run first to warm LaTeX)")
    return failed


def growth(quality: str, out: Path) -> int:
    """Part 2: seconds per frame of ``backward`` against the edge count."""
    print(f"\n2. backward at {quality} quality: cost per frame against the number of edges")
    print(f"{'network':14} {'edges':>6} {'frames':>7} {'render s':>9} {'ms/frame':>9} {'edges x':>8} "
          f"{'ms/frame x':>11}")
    previous = first = None
    for layers in GROWTH:
        source = growth_config(layers, out)
        edges = sum(a * b for a, b in zip(layers, layers[1:]))
        warm(source, "backward", quality, out)
        seconds, video = render_chapter(source, "backward", quality, out)
        per_frame = 1000 * seconds / video["frames"]
        grow = (f"{edges / previous[0]:8.1f} {per_frame / previous[1]:11.2f}" if previous
                else f"{'':8} {'':11}")
        print(f"{'-'.join(map(str, layers)):14} {edges:6d} {video['frames']:7d} {seconds:9.1f} "
              f"{per_frame:9.1f} {grow}", flush=True)
        previous = (edges, per_frame)
        first = first or previous
    first_edges = sum(a * b for a, b in zip(GROWTH[0], GROWTH[0][1:]))
    grew = previous[1] / first[1]
    result = verdict(f"cost per frame, {first_edges} -> {previous[0]} edges", f"x{grew:.2f}",
                     f"<= x{GROWTH_TARGET:g}", grew <= GROWTH_TARGET)
    print(f"over the whole range edges grow {previous[0] / first_edges:.0f}x and the cost per frame "
          f"x{grew:.2f} (target <= x{GROWTH_TARGET:g})  {result}; ms/frame includes start-up")
    return grew > GROWTH_TARGET


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="high", choices=tuple(PIXELS),
                        help="render quality (high: 1080p60)")
    parser.add_argument("--skip-growth", action="store_true", help="only part 1")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        failed = film(args.quality, Path(tmp))
        if not args.skip_growth:
            failed += growth(args.quality, Path(tmp))
    print(f"{failed} target(s) failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
