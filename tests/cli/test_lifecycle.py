"""Killed and interrupted runs: no orphans, no litter, one line for Ctrl-C (issue 17, groups 6, 7, 9).

Real ``bpviz`` processes are started with a private ``TMPDIR`` (so what they leave there is
theirs) and stopped as a user would: ``kill -9``, Ctrl-C (SIGINT), ``kill`` (SIGTERM). They are
stopped as soon as their work has visibly begun (a ``bpviz-*`` folder in their ``TMPDIR``, or
their worker processes), so no render runs to its end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bpviz.production import cleanup

TIMEOUT = 120


def start(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "bpviz", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            # pytest started in the background (cmd &) ignores SIGINT: so would the run
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(condition, what: str) -> None:
    end = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)


def working(tmp_path: Path) -> bool:
    return any(p.name.startswith("bpviz-") for p in (tmp_path / "tmp").iterdir())


def test_workers_die_with_a_killed_parent(tmp_path):
    """``frames --jobs 2``; ``render --jobs 2`` starts its workers the same way (``worker_pool``)."""
    run = start(tmp_path, "frames", "mazur", "--scene", "forward", "--scene", "loss", "--quality", "low",
                "--jobs", "2", "-o", str(tmp_path / "out"))
    parent = psutil.Process(run.pid)
    wait_for(lambda: len(parent.children(recursive=True)) >= 2, "two workers")
    workers = parent.children(recursive=True)
    run.kill()
    run.wait(timeout=30)
    gone, alive = psutil.wait_procs(workers, timeout=20)
    assert alive == [], [p.pid for p in alive]
    out = tmp_path / "out"
    assert not out.exists() or not [p for p in out.iterdir() if p.name.startswith("bpviz-")]


def test_ctrl_c_is_one_line_exit_130_and_leaves_no_temporary_folder(tmp_path):
    """The run is stopped in an existing (dark) frames folder, while drawing light stills."""
    out = tmp_path / "out"
    out.mkdir()
    old = {"001_forward_inputs.png": b"old dark still", "frames.json": b'[{"file": "old"}]'}
    for name, content in old.items():
        (out / name).write_bytes(content)
    run = start(tmp_path, "frames", "mazur", "--scene", "forward", "--quality", "low", "--theme", "light",
                "--no-cache", "-o", str(out))  # drawn, not copied from stills an earlier run kept
    wait_for(lambda: working(tmp_path), "the render to begin")
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert err.splitlines() == [err.strip()] and err.startswith("error: interrupted"), err
    assert list((tmp_path / "tmp").iterdir()) == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old  # the old set, whole


def test_a_terminated_run_leaves_no_temporary_folder(tmp_path):
    run = start(tmp_path, "frames", "mazur", "--scene", "forward", "--quality", "low",
                "-o", str(tmp_path / "out"))
    wait_for(lambda: working(tmp_path), "the render to begin")
    run.terminate()
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143 and err.startswith("error: terminated"), err
    assert list((tmp_path / "tmp").iterdir()) == []


def test_stale_leftovers_are_removed_and_fresh_ones_kept(tmp_path, monkeypatch):
    temp, renders, out = tmp_path / "tmp", tmp_path / "renders", tmp_path / "out"
    for folder in (temp, renders, out):
        folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(cleanup.tempfile, "tempdir", None)  # read TMPDIR again
    stale = [temp / "bpviz-join-abc", renders / ".0123456789abcdef.xyz", renders / ".old.xyz",
             out / ".bpviz-1234.tmp"]
    fresh = [temp / "bpviz-stills-new", renders / ".fedcba9876543210.new", out / ".bpviz-5678.tmp"]
    kept = [temp / "someone-else", renders / ("0123456789abcdef" * 4), out / "loss.mp4"]
    day_ago = time.time() - cleanup.STALE - 60
    for path in stale + fresh + kept:
        if path.suffix == ".tmp" or path.suffix == ".mp4":
            path.write_text("x")
        else:
            path.mkdir()
            (path / "inside").write_text("x")
    for path in stale + kept:
        os.utime(path, (day_ago, day_ago))
    try:
        assert cleanup.clean_stale(renders, (out,)) == len(stale)
    finally:
        monkeypatch.setattr(cleanup.tempfile, "tempdir", None)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in fresh + kept)
