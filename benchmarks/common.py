"""What the benchmarks share: running tools and timing them, probing videos, Manim's floor, verdicts.

Each benchmark calls :func:`verdict` where it prints a figure against its target; ``bench_render.py
--all`` runs them all and ends with :func:`print_summary`. Benchmarks import this module and no
other benchmark (``bench_render.py --all`` imports the others it runs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

QUALITY_FLAGS = {"low": "l", "medium": "m", "high": "h", "4k": "k"}
FLOOR_SCENE = """\
import os

from manim import Dot, Scene


class Floor(Scene):
    def construct(self):
        self.add(Dot())
        self.wait(float(os.environ["BPVIZ_FLOOR_SECONDS"]))
"""


def tool(name: str) -> str:
    """The console script ``name`` of this interpreter's environment (else from PATH)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found next to {sys.executable} or on PATH")
    return found


def timed(cmd: list[str], env: dict | None = None) -> float:
    """Run ``cmd``, fail loudly on error, return its wall time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n"
                 f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return seconds


def probe(video: Path) -> dict:
    """Duration (s), frame size and frame count of ``video`` (ffprobe)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                          "-show_entries", "stream=width,height,nb_read_packets:format=duration",
                          "-of", "json", str(video)], capture_output=True, text=True, check=True).stdout
    info = json.loads(out)
    stream = info["streams"][0]
    return {"duration": float(info["format"]["duration"]), "size": f"{stream['width']}x{stream['height']}",
            "frames": int(stream["nb_read_packets"])}


def render_floor(duration: float, quality: str, out: Path) -> tuple[float, dict]:
    """Seconds Manim takes for one static dot held ``duration`` seconds at ``quality``."""
    folder = Path(tempfile.mkdtemp(prefix=f"floor-{quality}-", dir=out))
    (folder / "floor.py").write_text(FLOOR_SCENE, encoding="utf-8")
    env = {**os.environ, "BPVIZ_FLOOR_SECONDS": repr(duration)}
    seconds = timed([tool("manim"), "render", f"-q{QUALITY_FLAGS[quality]}", "--disable_caching",
                     "--progress_bar", "none", "-v", "ERROR", "--media_dir", str(folder / "media"),
                     str(folder / "floor.py"), "Floor"], env=env)
    video = next((folder / "media").rglob("Floor.mp4"))
    return seconds, probe(video)


@dataclass(frozen=True)
class Verdict:
    """One figure: what was measured, its target and whether it holds."""

    figure: str
    measured: str
    target: str
    ok: bool


VERDICTS: list[Verdict] = []


def verdict(figure: str, measured: str, target: str, ok: bool) -> str:
    """Record a figure against its target; returns ``PASS`` or ``FAIL`` for the caller's line."""
    VERDICTS.append(Verdict(figure, measured, target, bool(ok)))
    return "PASS" if ok else "FAIL"


def print_summary() -> int:
    """Print every recorded figure as a table; returns the number of failed targets."""
    width = max([len(v.figure) for v in VERDICTS] + [6])
    print(f"\nsummary: every figure with a target\n{'figure':{width}}  {'measured':>22}  "
          f"{'target':>14}  result")
    for v in VERDICTS:
        print(f"{v.figure:{width}}  {v.measured:>22}  {v.target:>14}  {'PASS' if v.ok else 'FAIL'}")
    failed = sum(not v.ok for v in VERDICTS)
    print(f"{failed} of {len(VERDICTS)} target(s) failed")
    return failed
