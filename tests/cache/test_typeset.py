"""Renders running at the same time share the typeset cache without breaking each other's files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bpviz.cache.typeset import typeset_dirs

ROOT = Path(__file__).resolve().parents[2]

_TYPESET = """
import sys
from pathlib import Path
from manim import MathTex, Text, tempconfig
from bpviz.cache.typeset import typeset_dirs
from bpviz.renderer.manim_patches import PATCHES, ManimPatches
root = Path(sys.argv[1])
rewrite_only = tuple(p for p in PATCHES if p.name == "remove_last_M")  # what typeset_dirs needs
with ManimPatches(root, rewrite_only), typeset_dirs(root) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
    for i in range(12):
        Text(f"same words {i}")
    for i in range(4):
        MathTex(rf"\\delta^{{2}}_{{{i}}} = {i}.5")
print("done")
"""


def test_parallel_processes_typeset_the_same_equations(tmp_path):
    """Four processes typeset the same new texts and equations at once: all succeed, once published."""
    procs = [subprocess.Popen([sys.executable, "-c", _TYPESET, str(tmp_path)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for out, err, code in results:
        assert code == 0 and out.strip() == "done", err[-2000:]
    assert len(list((tmp_path / "tex").glob("*.svg"))) == 4
    assert len(list((tmp_path / "text").glob("*.svg"))) == 12
    assert not list(tmp_path.rglob("*.part")) and not list((tmp_path / "tex").glob("*.dvi"))


def test_known_svgs_are_reused_and_new_ones_published(tmp_path):
    shared = tmp_path / "cache"
    (shared / "tex").mkdir(parents=True)
    (shared / "tex" / "old.svg").write_text("<svg/>")
    with typeset_dirs(shared) as dirs:
        private = Path(dirs["tex_dir"])
        assert (private / "old.svg").read_text() == "<svg/>"
        (private / "new.svg").write_text("<svg>new</svg>")
        (private / "new.tex").write_text("scratch")
    assert (shared / "tex" / "new.svg").read_text() == "<svg>new</svg>"
    assert not (shared / "tex" / "new.tex").exists()
    assert not private.exists()

