"""``frames --watch``, ``render --watch``: a real process, its config saved twice (once invalid), Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from backprop_core.presets import preset_text

ROOT = Path(__file__).resolve().parents[2]
WAIT = 240.0
"""Seconds any one step may take on a loaded machine before the test gives up (and kills it)."""


class Watched:
    """``bpviz COMMAND --watch CONFIG ARGS...`` in a subprocess, its output lines read on a thread."""

    def __init__(self, command: str, config: Path, caches: Path, *args: str):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               "XDG_CACHE_HOME": str(caches)}  # its own caches: what is drawn depends on this test only
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "bpviz", command, "--watch", str(config), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
            # pytest started in the background (cmd &) ignores SIGINT, and the watch would inherit it
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, start: str) -> list[str]:
        """The lines up to the first one starting with ``start`` (fails after :data:`WAIT`)."""
        got, end = [], time.monotonic() + WAIT
        while True:
            line = self.lines.get(timeout=max(end - time.monotonic(), 0.01))
            got.append(line)
            self.seen.append(line)
            if line.startswith(start):
                return got


def _rewrite(path: Path, text: str) -> None:
    time.sleep(0.05)  # a new time stamp even on a coarse clock
    path.write_text(text, encoding="utf-8")


def _ctrl_c(watched) -> None:
    """Ctrl-C ends the watch cleanly: exit 0 and its last line."""
    watched.process.send_signal(signal.SIGINT)
    assert watched.process.wait(timeout=WAIT) == 0
    assert watched.until("stopped watching")


def test_watch_redraws_on_save_reports_a_bad_config_and_stops_on_ctrl_c(tmp_path):
    config, out = tmp_path / "lecture.toml", tmp_path / "frames"
    mazur = preset_text("mazur")
    config.write_text(mazur, encoding="utf-8")
    watched = Watched("frames", config, tmp_path / "caches", "--scene", "loss", "--quality", "low",
                      "-o", str(out))
    try:
        first = watched.until("watching")
        assert f"wrote {out / 'frames.json'} (3 stills, 3 drawn, 0 from the stills cache)" in first, first
        before = (out / "002_loss_errors.png").read_bytes()

        _rewrite(config, mazur.replace("learning_rate = 0.5", 'learning_rate = "fast"'))
        bad = watched.until("watching")
        errors = [line for line in bad if line.startswith("error:")]
        assert len(errors) == 1 and "learning_rate" in errors[0] and "lecture.toml:" in errors[0], bad
        assert watched.process.poll() is None  # still watching
        assert (out / "002_loss_errors.png").read_bytes() == before  # nothing of the user's touched

        inputs = 'inputs = [[0.06, 0.10]]\ntargets = [[0.01, 0.99]]'
        _rewrite(config, mazur.replace('preset = "mazur"', inputs))
        again = watched.until("watching")
        assert f"wrote {out / '002_loss_errors.png'}" in again, again  # new numbers: drawn again
        assert any("drawn" in line and line.startswith(f"wrote {out / 'frames.json'}") for line in again)
        assert (out / "002_loss_errors.png").read_bytes() != before

        _ctrl_c(watched)
    finally:
        if watched.process.poll() is None:
            watched.process.kill()
    assert not any("Traceback" in line for line in watched.seen), watched.seen


def _size(video: Path) -> str:
    """``WIDTHxHEIGHT`` of ``video``'s picture, by ffprobe."""
    return subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=width,height", "-of", "csv=p=0:s=x", str(video)],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_render_watch_renders_at_low_quality_again_on_save_and_survives_a_bad_config(tmp_path):
    """The tiny ``and`` network's loss chapter: rendered, a bad save reported, a good one rendered again."""
    config, out = tmp_path / "lecture.toml", tmp_path / "media"
    tiny = preset_text("and")
    config.write_text(tiny, encoding="utf-8")
    video = out / "loss.mp4"
    watched = Watched("render", config, tmp_path / "caches", "--scene", "loss", "-o", str(out))
    try:
        first = watched.until("watching")
        assert f"wrote {video}" in first, first
        assert _size(video) == "854x480"  # --watch without --quality: low
        before = video.read_bytes()

        _rewrite(config, tiny.replace("epochs = 300", "epochs = -3"))
        bad = watched.until("watching")
        errors = [line for line in bad if line.startswith("error:")]
        assert len(errors) == 1 and "epochs" in errors[0] and "lecture.toml:" in errors[0], bad
        assert not any(line.startswith("wrote") for line in bad), bad
        assert watched.process.poll() is None  # still watching
        assert video.read_bytes() == before  # nothing of the user's touched

        _rewrite(config, tiny.replace("learning_rate = 2.0", "learning_rate = 1.5"))
        again = watched.until("watching")
        assert f"wrote {video}" in again, again
        assert video.read_bytes() != before  # new numbers: rendered again

        _ctrl_c(watched)
    finally:
        if watched.process.poll() is None:
            watched.process.kill()
    assert not any("Traceback" in line for line in watched.seen), watched.seen
