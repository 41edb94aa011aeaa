"""Each distinct equation goes through LaTeX once, also with several renders at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bpviz.cache import tex_claims as tex_once

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
    assert not list((tmp_path / "cache" / "tex").glob("*.lock"))


def test_a_claim_is_waited_for_then_its_svg_used(tmp_path):
    shared = tmp_path / "eq.svg"
    lock = tmp_path / "eq.svg.lock"
    lock.write_text(str(os.getpid()))  # held by a live process: wait
    child = subprocess.Popen([sys.executable, "-c",
                              "import time, pathlib, sys; time.sleep(0.3); "
                              "pathlib.Path(sys.argv[1]).write_text('<svg>made</svg>')", str(shared)])
    start = time.perf_counter()
    with tex_once.claim(shared) as mine:
        assert not mine
    assert time.perf_counter() - start >= 0.2
    child.wait()
    assert lock.exists()  # not ours to remove


def test_a_dead_or_stale_claim_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    for i, (pid, age) in enumerate([(int(dead.stdout), 0.0), (os.getpid(), tex_once.STALE_SECONDS + 5)]):
        shared = tmp_path / f"eq{i}.svg"
        lock = tmp_path / f"eq{i}.svg.lock"
        lock.write_text(str(pid))
        os.utime(lock, (time.time() - age, time.time() - age))
        with tex_once.claim(shared) as mine:
            assert mine and lock.read_text() == str(os.getpid())
        assert not lock.exists()
