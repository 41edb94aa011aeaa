"""Happy paths of the ``bpviz`` command line, driven in-process with click's runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from backprop_core import io
from backprop_core.config import load
from backprop_core.presets import PRESETS, preset_description
from bpviz import __version__
from bpviz.cli import main
from scenes.video_config import resolve

SMALL = """\
[network]
layers = [2, 3, 1]
activations = ["tanh", "sigmoid"]
seed = 4

[training]
loss = "cross_entropy"
learning_rate = 0.3
mode = "minibatch"
batch_size = 2
epochs = 3

[data]
inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
targets = [[0], [1], [1], [0]]
"""


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="bpviz")


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result


def test_version():
    result = ok(bpviz("--version"))
    assert result.stdout.strip() == f"bpviz, version {__version__}"


def test_presets_lists_all_six():
    lines = ok(bpviz("presets")).stdout.splitlines()
    assert len(PRESETS) == 7
    assert [line.split()[0] for line in lines] == list(PRESETS)
    for name, line in zip(PRESETS, lines):
        assert preset_description(name) in line
    assert sum("(default)" in line for line in lines) == 1


@pytest.mark.parametrize("source", ["mazur", "config"])
def test_trace_to_a_file_writes_a_loadable_trace_of_the_resolved_config(tmp_path, source):
    if source == "config":
        source = str(tmp_path / "small.toml")
        (tmp_path / "small.toml").write_text(SMALL)
    out = tmp_path / "trace.json"
    result = ok(bpviz("trace", source, "-o", str(out)))
    trace = io.load(out)
    assert trace.config == resolve(load(source)).to_dict()
    assert trace.stopped is None
    assert f"wrote {out}" in result.stdout
    assert result.stdout.startswith(f"{source}: ")  # the summary goes to stdout with a file


def test_trace_defaults_to_mazur_on_stdout():
    result = ok(bpviz("trace"))
    trace = io.loads(result.stdout)
    assert trace.config == resolve(load("mazur")).to_dict()
    assert round(trace.steps[0].per_sample[0].loss, 9) == 0.298371109


def test_trace_to_stdout_is_pure_json_with_the_summary_on_stderr(tmp_path):
    (tmp_path / "small.toml").write_text(SMALL)
    result = ok(bpviz("trace", str(tmp_path / "small.toml"), "-o", "-"))
    data = json.loads(result.stdout)
    assert data["format"] == "bpviz-trace"
    trace = io.loads(result.stdout)
    assert len(trace.steps) == 6  # 3 epochs of 2 minibatches
    assert "2-3-1 network" in result.stderr and "mean loss" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "small.toml"]


def test_trace_replaces_an_existing_output(tmp_path):
    out = tmp_path / "trace.json"
    out.write_text("old")
    ok(bpviz("trace", "mazur", "-o", str(out)))
    assert io.load(out).config["source"] == "mazur"


@pytest.mark.parametrize("preset", PRESETS)
def test_check_passes_for_every_preset(preset):
    result = ok(bpviz("check", preset))
    assert result.stdout.rstrip().endswith(": PASS")


def test_check_reads_a_trace_file(tmp_path):
    (tmp_path / "small.toml").write_text(SMALL)
    out = tmp_path / "small.json"
    ok(bpviz("trace", str(tmp_path / "small.toml"), "-o", str(out)))
    result = ok(bpviz("check", str(out)))
    assert "checked 78 gradients in 6 steps" in result.stdout  # 13 parameters x 6 steps
    assert result.stdout.rstrip().endswith("PASS")


@pytest.mark.parametrize("command", [[], ["trace"], ["check"], ["presets"]])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works_on_every_command(command, flag):
    result = ok(bpviz(*command, flag))
    assert result.stdout.startswith(" ".join(["Usage: bpviz", *command]))


@pytest.mark.parametrize("args", [["trace", "xor", "-o", "{tmp}/t.json"], ["check", "and"], ["presets"],
                                  ["check", "{tmp}/t.json"]])
def test_trace_check_and_presets_never_import_manim(tmp_path, args):
    import subprocess
    import sys

    if "{tmp}/t.json" in args and args[0] == "check":
        ok(bpviz("trace", "xor", "-o", str(tmp_path / "t.json")))
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code = ("import sys; from bpviz.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
            "bad = sorted({m.split('.')[0] for m in sys.modules} & {'manim', 'cairo', 'manimpango', 'av'})\n"
            "print('loaded:', bad, file=sys.stderr); sys.exit(1 if bad or code else 0)")
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "loaded: []" in result.stderr
