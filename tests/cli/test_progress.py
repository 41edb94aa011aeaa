"""Progress on long work (issue 17, group 8): quiet when short, plain lines when piped, a bar on a terminal.

The wait before anything is shown (``QUIET``) and between plain lines (``EVERY``) are set to
zero here, so tiny trainings stand for long ones.
"""

from __future__ import annotations

import io as text_io
import re

import pytest
from click.testing import CliRunner

from bpviz import progress
from bpviz.cli import main


@pytest.fixture
def at_once(monkeypatch):
    monkeypatch.setattr(progress, "QUIET", 0.0)
    monkeypatch.setattr(progress, "EVERY", 0.0)


def test_short_work_says_nothing(capsys):
    with progress.Progress("training", "epochs", terminal=False) as shown:
        for epoch in range(1, 11):
            shown.update(epoch, 10)
    assert capsys.readouterr().err == ""


def test_piped_work_gives_plain_lines_with_an_estimate(at_once, capsys):
    with progress.Progress("training xor", "epochs", terminal=False) as shown:
        for epoch in range(1, 5):
            shown.update(epoch, 4)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("training xor: 1/4 epochs (25%), about ") and lines[0].endswith(" s left")
    assert lines[-1].startswith("training xor: 4/4 epochs (100%)")


def test_a_terminal_gets_a_bar_that_is_removed_at_the_end(at_once, monkeypatch):
    import rich.console

    screen = text_io.StringIO()
    real = rich.console.Console
    monkeypatch.setattr(rich.console, "Console",
                        lambda **kw: real(file=screen, force_terminal=True, width=100))
    with progress.Progress("rendering full", "chapters", terminal=True) as shown:
        shown.update(1, 6)
        shown.update(3, 6)
    drawn = screen.getvalue()
    assert "rendering full" in drawn and "3/6" in drawn


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def test_trace_and_check_report_their_progress_when_piped(at_once, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[network]\nlayers = [2, 2, 1]\n[training]\nepochs = 50\nrecord = 10\n'
                      '[data]\ninputs = [[0, 0], [1, 1]]\ntargets = [[0], [1]]\n')
    result = bpviz("trace", str(config), "-o", str(tmp_path / "t.json"))
    assert result.exit_code == 0, result.stderr
    assert re.search(rf"training {re.escape(str(config))}: 50/50 epochs \(100%\)", result.stderr)
    result = bpviz("check", str(tmp_path / "t.json"))
    assert result.exit_code == 0, result.stderr
    assert "against its equations: 50/50 epochs" in result.stderr
    assert "finite differences: 10/10 steps (100%)" in result.stderr
    assert result.stdout.strip().endswith("PASS")
