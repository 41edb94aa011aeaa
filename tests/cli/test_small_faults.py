"""The smaller faults of issue 17 (groups 5 and 9): one line with its file and line, the right advice.

Every case fails before any work (no training beyond a tiny config, nothing rendered).
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from backprop_core import io
from backprop_core.config import load
from backprop_core.train import train
from bpviz.cli import main

from .test_errors import assert_one_line_error

XOR = """\
[network]
layers = [2, 2, 1]

[training]
epochs = {epochs}
record = {record}
{extra}
[data]
inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
targets = [[0], [1], [1], [0]]
{video}"""


def config(tmp_path, epochs=3, record='"all"', extra="", video=""):
    path = tmp_path / "c.toml"
    path.write_text(XOR.format(epochs=epochs, record=record, extra=extra, video=video))
    return str(path)


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_step_not_recorded_names_the_file_and_line(tmp_path):
    path = config(tmp_path, record="2", video="[video]\nstep = 2\n")
    result = bpviz("script", path, "--quality", "low")
    assert_one_line_error(result, f"{path}:12: [video] step: step 2 of epoch 1")


def test_a_sample_not_in_the_step_names_the_file_and_line(tmp_path):
    path = config(tmp_path, extra='mode = "minibatch"\nbatch_size = 2\n', video="[video]\nsample = 3\n")
    result = bpviz("script", path, "--quality", "low")
    assert_one_line_error(result, f"{path}:14: [video] sample: sample 3 is not used")


def test_too_many_epochs_names_the_line_and_gives_advice_that_applies(tmp_path):
    path = config(tmp_path, epochs=4_000_000, record='"epochs"')
    result = bpviz("trace", path, "-o", str(tmp_path / "t.json"))
    line = assert_one_line_error(result, f"{path}:5: [training] epochs")
    assert "lower [training] epochs" in line and 'record = "epochs"' not in line
    path = config(tmp_path, epochs=4_000_000)
    line = assert_one_line_error(bpviz("trace", path), f"{path}:6: [training] record")
    assert 'set record = "epochs"' in line


def test_a_trace_shape_error_is_not_labelled_config(tmp_path):
    data = io.to_dict(train(load("mazur")))
    data["steps"][0]["weights_before"][1] = [[1.0, 2.0]]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    line = assert_one_line_error(bpviz("check", str(path)), "steps[0].before.weights[1]: shape (1, 2)")
    assert "config" not in line


def test_a_huge_init_range_is_one_line(tmp_path):
    path = config(tmp_path, extra="", video="")
    text = open(path).read().replace("[training]", "init = \"uniform\"\ninit_range = 1e308\n\n[training]")
    open(path, "w").write(text)
    assert_one_line_error(bpviz("trace", path), f"{path}:5: [network] init_range: 1e+308 is too large")


def test_an_unreadable_file_error_is_one_line(tmp_path, monkeypatch):
    from bpviz import cli

    def broken(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "x"))

    monkeypatch.setattr(cli, "gradcheck", broken)
    assert_one_line_error(bpviz("check", "mazur"), f"{tmp_path / 'x'}: Permission denied")
