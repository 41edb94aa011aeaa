"""Edited traces on the command line: one line and exit 2, ``check`` FAIL, ``--trust-trace``.

Issue 17, group 3; the loader's own cases are in ``tests/core/test_trace_checks.py``.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from backprop_core import io
from backprop_core.config import load
from backprop_core.train import train
from bpviz.cli import main
from tests.core.test_trace_checks import EDITS, edited, set_loss

from .test_errors import assert_one_line_error


@pytest.fixture(scope="module")
def mazur():
    return io.to_dict(train(load("mazur")))


def no_steps(d):
    d["config"]["training"]["record"] = "epochs"
    d["steps"] = []


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_says_fail_on_an_edited_trace_and_on_one_without_steps(mazur, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(edited(mazur, set_loss)))
    result = bpviz("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.strip().endswith("FAIL") and "steps[0].loss" in result.stdout
    path.write_text(json.dumps(edited(mazur, EDITS["grad_weights"][0])))
    assert bpviz("check", str(path)).exit_code == 1
    path.write_text(json.dumps(edited(mazur, no_steps)))
    result = bpviz("check", str(path))
    assert result.exit_code == 1 and "no recorded steps" in result.stdout and "FAIL" in result.stdout


@pytest.mark.parametrize("command", ["script", "frames", "render", "slides"])
def test_media_commands_refuse_an_edited_trace_in_one_line(mazur, tmp_path, command):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(edited(mazur, EDITS["grad_weights"][0])))
    result = bpviz(command, str(path), "--scene", "loss", "-o" if command != "script" else "--quality",
                   str(tmp_path / "out") if command != "script" else "low")
    assert_one_line_error(result, "steps[0].grad_weights[0][0][0]", "--trust-trace")
    assert not (tmp_path / "out").exists()


def test_trust_trace_shows_the_numbers_as_written(mazur, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(edited(mazur, set_loss)))
    result = bpviz("script", str(path), "--scene", "loss", "--quality", "low", "--trust-trace")
    assert result.exit_code == 0, result.stderr
    assert "= 0.123" in result.stdout
