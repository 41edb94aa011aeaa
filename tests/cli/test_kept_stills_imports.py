"""``bpviz frames`` whose stills are all in the stills cache loads neither Manim nor SymPy.

Importing Manim costs about 1.2 s of CPU and SymPy about 0.4 s, more than the whole of such a run
(issue 19: an unchanged config's stills in at most 1 s). The first run draws the ``loss`` chapter
of the ``and`` preset into a private cache; the second, in a fresh process, lists the modules it
loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECOND_RUN = """
import json, runpy, sys
sys.argv = ["bpviz", *sys.argv[1:]]
try:
    runpy.run_module("bpviz", run_name="__main__")
finally:
    loaded = sorted({name.split(".")[0] for name in sys.modules} & {"manim", "sympy", "manimpango", "cairo"})
    print("LOADED " + json.dumps(loaded))
"""


def test_frames_from_the_stills_cache_import_no_manim_nor_sympy(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    args = ["frames", "and", "--scene", "loss", "--quality", "low", "-o", str(tmp_path / "frames")]
    first = subprocess.run([sys.executable, "-m", "bpviz", *args], env=env, capture_output=True, text=True,
                           cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-c", SECOND_RUN, *args], env=env, capture_output=True,
                            text=True, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 drawn" in second.stdout, second.stdout  # every still came from the cache
    loaded = json.loads(second.stdout.rsplit("LOADED ", 1)[1])
    assert loaded == [], f"a run answered by the stills cache imported {loaded}"
