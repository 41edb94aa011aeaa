"""Each distinct equation goes through LaTeX once, also with several renders at the same time."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from bpviz.cache import tex_claims

ROOT = Path(__file__).resolve().parents[2]

_TYPESET = """
import sys
from pathlib import Path
from manim import MathTex, tempconfig
from manim.utils import tex_file_writing
from bpviz.cache.typeset import typeset_dirs
from bpviz.renderer.manim_patches import ManimPatches

log = Path(sys.argv[2])
compile_tex = tex_file_writing.compile_tex
def counted(tex_file, *args):
    with log.open("a") as fh:
        fh.write(tex_file.stem + "\\n")
    return compile_tex(tex_file, *args)
tex_file_writing.compile_tex = counted

shared = Path(sys.argv[1])
with ManimPatches(shared), typeset_dirs(shared) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
    for i in range(6):
        MathTex(rf"w^{{3}}_{{{i}1}} = 0.{i}25")
print("done")
"""

_HOLD = """
import sys, time
from pathlib import Path
from bpviz.cache import tex_claims
shared = Path(sys.argv[1])
with tex_claims.claim(shared) as mine:
    print(mine, flush=True)
    time.sleep(float(sys.argv[2]))
    if sys.argv[3] == "make":
        shared.write_text("<svg>made</svg>")
"""

_CLAIM = """
import sys
from pathlib import Path
from bpviz.cache import tex_claims
with tex_claims.claim(Path(sys.argv[1])) as mine:
    print(mine)
"""


def _holder(shared: Path, seconds: float, make: bool) -> subprocess.Popen:
    """A process holding the claim on ``shared`` (it printed ``True``) for ``seconds``."""
    child = subprocess.Popen([sys.executable, "-c", _HOLD, str(shared), str(seconds),
                              "make" if make else "-"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "True"
    return child


def test_parallel_renders_compile_each_new_equation_once(tmp_path):
    """Three processes typeset the same six new equations at once: LaTeX runs six times in all."""
    log = tmp_path / "compiled.txt"
    procs = [subprocess.Popen([sys.executable, "-c", _TYPESET, str(tmp_path / "cache"), str(log)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "done", err[-2000:]
    compiled = log.read_text().split()
    assert len(compiled) == 6 and len(set(compiled)) == 6
    assert len(list((tmp_path / "cache" / "tex").glob("*.svg"))) == 6
    assert not list((tmp_path / "cache" / "tex").glob("*.lock"))  # removed once the SVG is out


def test_a_claim_is_waited_for_then_its_svg_used(tmp_path):
    shared = tmp_path / "eq.svg"
    child = _holder(shared, 0.3, make=True)
    start = time.perf_counter()
    with tex_claims.claim(shared) as mine:
        assert not mine
    assert time.perf_counter() - start >= 0.2
    assert child.wait(timeout=30) == 0
    assert shared.read_text() == "<svg>made</svg>"
    assert not (tmp_path / "eq.svg.lock").exists()


def test_a_killed_render_never_blocks_the_next(tmp_path):
    """The holder is killed mid-compile (SIGKILL: no clean-up runs); the next claim is taken at once."""
    shared = tmp_path / "eq.svg"
    child = _holder(shared, 600, make=False)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CLAIM, str(shared)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "True", out.stderr[-2000:]
    assert time.perf_counter() - start < 30


def test_a_failed_compile_leaves_the_claim_to_the_next(tmp_path):
    shared = tmp_path / "eq.svg"
    try:
        with tex_claims.claim(shared) as mine:
            assert mine
            raise RuntimeError("LaTeX failed")
    except RuntimeError:
        pass
    with tex_claims.claim(shared) as mine:
        assert mine
