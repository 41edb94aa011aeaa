"""Bad input: one line ``error: ...`` on stderr naming the problem and its place, exit code 2.

Each bad-input class of the issue has its own case; every case also checks that no
traceback is printed and that stdout stays empty. One test runs the real ``bpviz``
executable to prove the same in a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from backprop_core import io
from bpviz.cli import main

BPVIZ = Path(sys.executable).with_name("bpviz")

GOOD = """\
# a small valid config: every case below breaks one thing
[network]
layers = [2, 2, 1]
activations = ["sigmoid", "sigmoid"]

[training]
loss = "half_sse"
learning_rate = 0.5
epochs = 2

[data]
inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
targets = [[0], [1], [1], [0]]
"""
"""Line 3: layers, 4: activations, 7: loss, 8: learning_rate, 9: epochs, 12: inputs, 13: targets."""


def bpviz(*args: str):
    """Run the CLI in-process; stdout and stderr stay apart."""
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result, *fragments: str, stdout_empty: bool = True) -> str:
    """Exit code 2, exactly one stderr line ``error: ...`` holding every fragment, no traceback."""
    err = result.stderr
    assert result.exit_code == 2, (result.exit_code, err, result.exception)
    assert "Traceback" not in err and "Traceback" not in result.stdout
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    if stdout_empty:
        assert result.stdout == ""
    return lines[0]


def edit(replace: str, by: str) -> str:
    assert replace in GOOD
    return GOOD.replace(replace, by)


# (case id, config text, fragments the one error line must contain; {line} is "<file>:<n>")
CONFIG_CASES = [
    ("unknown-key", edit("learning_rate =", "learning_rat ="),
     ["{file}:8:", "[training] learning_rat", "did you mean 'learning_rate'"]),
    ("unknown-table", edit("[data]", "[dta]"),
     ["{file}:11:", "unknown table [dta]", "did you mean 'data'"]),
    ("key-outside-any-table", "epochs = 3\n" + GOOD,
     ["{file}:1:", "epochs", "before any [table] header", "[training]"]),
    ("wrong-type", edit("learning_rate = 0.5", 'learning_rate = "0.5"'),
     ["{file}:8:", "[training] learning_rate", "expected a number", "string '0.5'"]),
    ("weights-shape", edit('"sigmoid"]\n', '"sigmoid"]\nweights = [[[1, 2], [3, 4]], [[1, 2, 3]]]\n'),
     ["{file}:5:", "[network] weights", "weights[1][0] has 3 values, expected 2", "W^2",
      "layer 2", "(1, 2)"]),
    ("weights-count", edit('"sigmoid"]\n', '"sigmoid"]\nweights = [[[1, 2], [3, 4]]]\n'),
     ["{file}:5:", "[network] weights", "expected 2 entries", "got 1"]),
    ("biases-shape", edit('"sigmoid"]\n', '"sigmoid"]\nbiases = [[1, 2], [1, 2]]\n'),
     ["{file}:5:", "[network] biases", "biases[1] has 2 values, expected 1", "b^2", "(1,)"]),
    ("activations-length", edit('["sigmoid", "sigmoid"]', '["sigmoid"]'),
     ["{file}:4:", "[network] activations", "1 given, expected 2"]),
    ("softmax-hidden", edit('["sigmoid", "sigmoid"]', '["softmax", "sigmoid"]'),
     ["{file}:4:", "[network] activations", "softmax is only allowed on the output layer",
      "not on layer 1"]),
    ("cross-entropy-linear-output",
     edit('["sigmoid", "sigmoid"]', '["sigmoid", "linear"]').replace("half_sse", "cross_entropy"),
     ["{file}:7:", "[training] loss", "softmax or sigmoid", "'linear'"]),
    ("targets-not-probabilities",
     edit("[[0], [1], [1], [0]]", "[[0], [1], [2], [0]]").replace("half_sse", "cross_entropy"),
     ["{file}:13:", "[data] targets", "[0, 1]", "targets[2]"]),
    ("empty-data", edit("[[0, 0], [0, 1], [1, 0], [1, 1]]", "[]").replace("[[0], [1], [1], [0]]", "[]"),
     ["{file}:12:", "[data] inputs", "empty"]),
    ("inputs-width", edit("[1, 0]", "[1, 0, 5]"),
     ["{file}:12:", "[data] inputs", "inputs[2] has 3 values, expected 2"]),
    ("targets-width", edit("[[0], [1], [1], [0]]", "[[0], [1], [1, 1], [0]]"),
     ["{file}:13:", "[data] targets", "targets[2] has 2 values, expected 1"]),
    ("nan-input", edit("[1, 0]", "[1, nan]"),
     ["{file}:12:", "[data] inputs", "inputs[2][1] is nan", "NaN and infinity"]),
    ("inf-target", edit("[[0], [1], [1], [0]]", "[[0], [inf], [1], [0]]"),
     ["{file}:13:", "[data] targets", "targets[1][0] is inf"]),
    ("learning-rate-zero", edit("learning_rate = 0.5", "learning_rate = 0"),
     ["{file}:8:", "[training] learning_rate", "must be > 0"]),
    ("learning-rate-negative", edit("learning_rate = 0.5", "learning_rate = -0.1"),
     ["{file}:8:", "[training] learning_rate", "must be > 0, got -0.1"]),
    ("learning-rate-inf", edit("learning_rate = 0.5", "learning_rate = inf"),
     ["{file}:8:", "[training] learning_rate", "finite"]),
    ("epochs-zero", edit("epochs = 2", "epochs = 0"),
     ["{file}:9:", "[training] epochs", "must be >= 1, got 0"]),
    ("not-toml", edit("epochs = 2", "epochs = 2 3"),
     ["{file}:9:", "not valid TOML"]),
    ("not-toml-at-end", GOOD + "extra = [1, 2\n",
     [f"{{file}}:{GOOD.count(chr(10)) + 1}:", "not valid TOML", "Unclosed array"]),
    ("minibatch-without-batch-size", edit("epochs = 2", 'epochs = 2\nmode = "minibatch"'),
     ["{file}:10:", "[training] batch_size", "missing", "minibatch"]),
    ("bad-record", edit("epochs = 2", 'epochs = 2\nrecord = "every"'),
     ["{file}:10:", "[training] record", '"all", "epochs" or an integer', "'every'"]),
    ("record-zero", edit("epochs = 2", "epochs = 2\nrecord = 0"),
     ["{file}:10:", "[training] record", "must be >= 1"]),
    ("unknown-activation", edit('["sigmoid", "sigmoid"]', '["sigmoid", "sigmoyd"]'),
     ["{file}:4:", "[network] activations", "activations[1]", "did you mean 'sigmoid'"]),
    ("data-preset-width", GOOD.replace("[2, 2, 1]", "[3, 2, 1]").split("[data]")[0]
     + '[data]\npreset = "xor"\n',
     ["{file}:12:", "[data] preset", "'xor' has 2 inputs", "layers = [3, 2, 1]"]),
    ("video-unknown-key", GOOD + "\n[video]\nscene = [\"forward\"]\n",
     ["{file}:16:", "[video] scene", "did you mean 'scenes'"]),
    ("video-unknown-scene", GOOD + "\n[video]\nscenes = [\"backwards\"]\n",
     ["{file}:16:", "[video] scenes", "did you mean 'backward'"]),
    ("video-focus-missing-neuron", GOOD + "\n[video]\nfocus = [1, 7]\n",
     ["{file}:16:", "[video] focus", "neuron 7 does not exist in layer 1"]),
    ("video-pacing-nan", GOOD + "\n[video]\npacing = nan\n",
     ["{file}:16:", "[video] pacing", "finite"]),
    ("video-language", GOOD + "\n[video]\nlanguage = \"fr\"\n",
     ["{file}:16:", "[video] language", "unknown value 'fr'", "choose one of en, es"]),
    ("video-epoch", GOOD + "\n[video]\nepoch = 9\n",
     ["{file}:16:", "[video] epoch", "does not exist"]),
    ("biases-without-use-biases",
     edit('"sigmoid"]\n', '"sigmoid"]\nbiases = [[1, 2], [1]]\nuse_biases = false\n'),
     ["{file}:5:", "[network] biases", "use_biases = false"]),
]


@pytest.mark.parametrize("text,fragments", [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_bad_config_is_one_line_naming_key_file_and_line(tmp_path, text, fragments):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    result = bpviz("trace", str(cfg), "-o", str(tmp_path / "out.json"))
    assert_one_line_error(result, *(f.format(file=cfg) for f in fragments))
    assert not (tmp_path / "out.json").exists()


def test_the_good_config_of_these_cases_is_good(tmp_path):
    cfg = tmp_path / "good.toml"
    cfg.write_text(GOOD)
    assert bpviz("trace", str(cfg), "-o", str(tmp_path / "out.json")).exit_code == 0


def test_unknown_preset_suggests_the_nearest(tmp_path):
    assert_one_line_error(bpviz("trace", "xr", "-o", str(tmp_path / "o.json")),
                          "unknown preset 'xr'", "did you mean 'xor'", "mazur")
    assert_one_line_error(bpviz("check", "Digit"), "did you mean 'digits'")


def test_missing_config_file(tmp_path):
    missing = tmp_path / "nowhere.toml"
    assert_one_line_error(bpviz("trace", str(missing)), str(missing), "does not exist")


def test_a_trace_file_given_as_config(tmp_path):
    assert_one_line_error(bpviz("trace", str(tmp_path / "t.json")), "t.json", "JSON",
                          "bpviz check")


def test_output_folders_that_do_not_exist_are_created(tmp_path):
    out = tmp_path / "no" / "such" / "out.json"
    result = bpviz("trace", "mazur", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert io.load(out).config["source"] == "mazur"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.json"]


def test_output_under_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    out = tmp_path / "f" / "sub" / "out.json"
    assert_one_line_error(bpviz("trace", "mazur", "-o", str(out)), str(out), f"{tmp_path / 'f'} is a file")
    assert (tmp_path / "f").read_text() == "x"


def test_output_folder_that_cannot_be_created(tmp_path, monkeypatch):
    """The checks pass (say, root in a read-only or virtual folder) but creating the folder fails."""
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    out = tmp_path / "new" / "out.json"
    assert_one_line_error(bpviz("trace", "mazur", "-o", str(out)), str(out),
                          "cannot create the folder", "Permission denied")


def test_output_that_is_the_config_itself_is_refused(tmp_path):
    cfg = tmp_path / "good.toml"
    cfg.write_text(GOOD)
    assert_one_line_error(bpviz("trace", str(cfg), "-o", str(cfg)), "config file being read")
    assert cfg.read_text() == GOOD


@pytest.mark.parametrize("content,fragments", [
    ({"format": "something-else", "version": 1}, ["not a bpviz trace", "'something-else'"]),
    ({"format": "bpviz-trace", "version": 99}, ["version 99", "not supported"]),
], ids=["other-format", "other-version"])
def test_check_refuses_a_trace_of_another_format_or_version(tmp_path, content, fragments):
    path = tmp_path / "some.json"
    path.write_text(json.dumps(content))
    assert_one_line_error(bpviz("check", str(path)), str(path), *fragments)


def test_check_refuses_a_truncated_trace(tmp_path):
    full = tmp_path / "full.json"
    assert bpviz("trace", "mazur", "-o", str(full)).exit_code == 0
    cut = tmp_path / "cut.json"
    cut.write_text(full.read_text()[:300])
    assert_one_line_error(bpviz("check", str(cut)), str(cut), "not JSON")


def test_check_refuses_a_trace_whose_config_does_not_fit(tmp_path):
    path = tmp_path / "edited.json"
    assert bpviz("trace", "mazur", "-o", str(path)).exit_code == 0
    data = json.loads(path.read_text())
    data["config"]["network"]["activations"] = ["sigmoid", "sigmoyd"]
    path.write_text(json.dumps(data))
    assert_one_line_error(bpviz("check", str(path)), str(path), "config", "sigmoyd")


@pytest.mark.parametrize("case", ["unknown-key", "nan-input", "not-toml", "minibatch-without-batch-size"])
def test_a_failed_trace_leaves_the_existing_output_unchanged(tmp_path, case):
    text = {c[0]: c[1] for c in CONFIG_CASES}[case]
    cfg, out = tmp_path / "bad.toml", tmp_path / "out.json"
    cfg.write_text(text)
    out.write_text("precious")
    assert_one_line_error(bpviz("trace", str(cfg), "-o", str(out)))
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "out.json"]  # no temp files


DIVERGES = """\
[network]
layers = [2, 4, 4, 1]
activations = ["relu", "relu", "linear"]
init = "uniform"
init_range = 0.8
[training]
learning_rate = 1e6
epochs = 50
[data]
inputs = [[0.5, -0.2], [0.1, 0.9], [-0.7, 0.3], [0.4, 0.4]]
targets = [[1.0], [-1.0], [0.5], [2.0]]
"""


def test_divergence_is_one_line_and_keeps_the_partial_trace(tmp_path):
    cfg, out = tmp_path / "diverges.toml", tmp_path / "out.json"
    cfg.write_text(DIVERGES)
    out.write_text("old")
    line = assert_one_line_error(bpviz("trace", str(cfg), "-o", str(out)),
                                 "diverged", "learning_rate", str(out))
    trace = io.load(out)
    stopped = trace.stopped
    assert stopped is not None
    assert f"epoch {stopped.epoch}, step {stopped.step}" in line
    assert f"layer {stopped.layer}" in line
    assert len(trace.steps) == stopped.step


def test_divergence_to_stdout_writes_no_json(tmp_path):
    cfg = tmp_path / "diverges.toml"
    cfg.write_text(DIVERGES)
    assert_one_line_error(bpviz("trace", str(cfg), "-o", "-"), "diverged", "-o FILE")


def test_non_finite_before_training_is_one_line(tmp_path):
    cfg = tmp_path / "huge.toml"
    cfg.write_text('[network]\nlayers = [2, 1]\nactivations = ["linear"]\nweights = [[[1e308, 1e308]]]\n'
                   "[data]\ninputs = [[1, 1]]\ntargets = [[1]]\n")
    assert_one_line_error(bpviz("trace", str(cfg), "-o", str(tmp_path / "o.json")),
                          "not finite", "before training")
    assert not (tmp_path / "o.json").exists()


def test_real_process_prints_no_traceback_and_no_warning(tmp_path):
    """The installed ``bpviz``: divergence (NumPy overflows on the way) and a bad key."""
    assert BPVIZ.exists(), f"run the tests with the venv's python: {BPVIZ} is missing"
    cfg, bad, out = tmp_path / "diverges.toml", tmp_path / "bad.toml", tmp_path / "out.json"
    cfg.write_text(DIVERGES)
    bad.write_text(CONFIG_CASES[0][1])
    env = {**os.environ, "PYTHONWARNINGS": "default"}  # show any warning that would leak
    for args, fragment in (([str(cfg), "-o", str(out)], "diverged"), ([str(bad)], "learning_rat")):
        proc = subprocess.run([str(BPVIZ), "trace", *args], capture_output=True, text=True,
                              timeout=60, env=env)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: "), proc.stderr
        assert fragment in proc.stderr
        assert proc.stdout == ""
    assert io.load(out).stopped is not None
