"""The Python API (``bpviz.config``, ``trace``, ``render``, ``frames``, ``script``, ``slides``).

The commands call these functions: the same checks, the same one-line errors (``bpviz.ConfigError``
holds the line the command line prints after ``error:``), the same numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import bpviz
from backprop_core.config import Config
from backprop_core.trace import Trace
from bpviz.cli import main


def cli_error(*args: str) -> str:
    """The one line ``bpviz ARGS`` prints on stderr, without ``error: ``; it must exit with 2."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0].removeprefix("error: ")


def api_error(func, *args, **kwargs) -> str:
    with pytest.raises(bpviz.ConfigError) as caught:
        func(*args, **kwargs)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_overrides_by_dotted_key_and_by_table():
    cfg = bpviz.config("xor", **{"training.learning_rate": 0.3, "training.epochs": 5})
    assert isinstance(cfg, Config)
    assert (cfg.learning_rate, cfg.epochs) == (0.3, 5)
    assert bpviz.config("xor").learning_rate != 0.3  # the preset itself is unchanged
    assert bpviz.config("xor", video={"theme": "light"}).video["theme"] == "light"
    assert bpviz.config(cfg, **{"training.epochs": 2}).epochs == 2


def test_sources_preset_file_text_and_dict_give_the_same_config(tmp_path):
    from backprop_core.presets import preset_text

    text = preset_text("xor")
    path = tmp_path / "xor.toml"
    path.write_text(text, encoding="utf-8")
    import tomllib

    configs = [bpviz.config("xor"), bpviz.config(str(path)), bpviz.config(path), bpviz.config(text),
               bpviz.config(tomllib.loads(text))]
    first = configs[0].to_dict()
    for cfg in configs[1:]:
        other = cfg.to_dict()
        assert {k: v for k, v in other.items() if k != "source"} == \
               {k: v for k, v in first.items() if k != "source"}


@pytest.mark.parametrize("cli_args, call", [
    (["trace", "mazurr"], lambda: bpviz.config("mazurr")),
    (["trace", "missing.toml"], lambda: bpviz.trace("missing.toml")),
    (["render", "xor", "--quality", "lowest"], lambda: bpviz.render("xor", quality="lowest")),
    (["frames", "xor", "--scene", "los"], lambda: bpviz.frames("xor", scene="los")),
    (["render", "xor", "--format", "avi"], lambda: bpviz.render("xor", format="avi")),
    (["script", "xor", "--lang", "fr"], lambda: bpviz.script("xor", lang="fr")),
    (["slides", "xor", "--to", "key"], lambda: bpviz.slides("xor", to="key")),
    (["frames", "xor", "--jobs", "0"], lambda: bpviz.frames("xor", jobs=0)),
])
def test_errors_are_the_command_lines_line(cli_args, call):
    assert api_error(call) == cli_error(*cli_args)


def test_a_bad_config_file_names_file_and_line_as_the_command_line_does(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[network]\nlayers = [2, 2, 1]\n\n[training]\nlearning_rate = "fast"\n'
                    '\n[data]\npreset = "xor"\n', encoding="utf-8")
    line = cli_error("trace", str(path))
    assert line.startswith(f"{path}:5: [training] learning_rate")
    assert api_error(bpviz.config, str(path)) == line
    assert api_error(bpviz.trace, str(path)) == line
    assert api_error(bpviz.render, str(path), output=str(tmp_path / "out")) == line
    assert not (tmp_path / "out").exists()  # nothing written


def test_an_override_can_mend_a_file_and_file_errors_stay_the_command_lines(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[network]\nlayers = [2, 2, 1]\n[training]\nlearning_rate = "fast"\n'
                    '[data]\npreset = "xor"\n', encoding="utf-8")
    assert bpviz.config(str(path), **{"training.learning_rate": 0.3}).learning_rate == 0.3
    for source in ("missing.toml", "mazurr", str(tmp_path / "trace.json")):
        assert api_error(bpviz.config, source, **{"training.epochs": 2}) == cli_error("trace", source)


def test_an_override_error_names_the_override():
    message = api_error(bpviz.config, "mazur", **{"training.learning_rate": -1})
    assert message.startswith("override training.learning_rate: [training] learning_rate:")
    assert "did you mean 'learning_rate'" in api_error(bpviz.config, "xor", **{"training.learnin_rate": 1})
    assert "table.key" in api_error(bpviz.config, "xor", epochs=3)


def test_the_trace_is_the_command_lines_trace(tmp_path):
    out = tmp_path / "t.json"
    result = CliRunner().invoke(main, ["trace", "mazur", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from backprop_core import io

    written, ours = io.load(out), bpviz.trace("mazur")
    assert isinstance(ours, Trace)
    for a, b in zip(written.steps[0].per_sample[0].a, ours.steps[0].per_sample[0].a):
        np.testing.assert_array_equal(a, b)
    assert round(float(ours.steps[0].per_sample[0].a[2][0]), 4) == 0.7514   # Mazur's out_o1
    assert round(float(ours.steps[0].per_sample[0].delta[-1][0]), 4) == 0.1385
    assert bpviz.trace(str(out)).steps[0].per_sample[0].a[2][0] == ours.steps[0].per_sample[0].a[2][0]


def test_divergence_is_a_config_error_keeping_the_partial_trace():
    from backprop_core.train import TrainingDiverged

    cfg = bpviz.config({
        "network": {"layers": [2, 4, 4, 1], "activations": ["relu", "relu", "linear"], "init": "uniform",
                    "init_range": 0.8},
        "training": {"learning_rate": 1e6, "epochs": 50},
        "data": {"inputs": [[0.5, -0.2], [0.1, 0.9], [-0.7, 0.3], [0.4, 0.4]],
                 "targets": [[1.0], [-1.0], [0.5], [2.0]]}})
    with pytest.raises(bpviz.ConfigError) as caught:
        bpviz.trace(cfg)
    assert "diverged" in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value.error, TrainingDiverged)
    assert caught.value.error.trace.stopped is not None


@pytest.mark.parametrize("args, function, expected", [
    (["render", "xor", "--scene", "loss", "--quality", "low", "--format", "webm", "-j", "2", "--no-cache",
      "-o", "out"], "render",
     {"config": "xor", "scene": ("loss",), "quality": "low", "format": "webm", "jobs": 2, "cache": False,
      "output": "out"}),
    (["frames", "and", "--format", "svg", "--lang", "es"], "frames",
     {"config": "and", "format": "svg", "lang": "es", "output": None}),
    (["script", "--theme", "light"], "script", {"config": None, "theme": "light", "quality": "medium"}),
    (["slides", "xor", "--to", "pdf"], "slides", {"config": "xor", "to": "pdf", "output": None}),
])
def test_the_commands_call_the_api(monkeypatch, args, function, expected):
    """One code path: each media command hands its options to the API function and prints its result."""
    import inspect
    from pathlib import Path

    import bpviz.api

    calls = []
    real = getattr(bpviz.api, function)

    def spy(*a, **kw):
        calls.append(inspect.signature(real).bind(*a, **kw).arguments)
        return "SCRIPT\n" if function == "script" else (
            Path("deck.pdf") if function == "slides" else [Path("a.png"), Path("frames.json")])

    monkeypatch.setattr(bpviz.api, function, spy)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1 and {k: calls[0][k] for k in expected} == expected
    printed = {"script": "SCRIPT\n", "slides": "wrote deck.pdf\n",
               "frames": "wrote a.png\nwrote frames.json (1 stills, 0 drawn, 1 from the stills cache)\n",
               "render": "wrote a.png\nwrote frames.json\n"}[function]
    assert result.stdout == printed


def test_import_bpviz_and_a_trace_load_no_manim():
    code = ("import sys, bpviz; assert 'numpy' not in sys.modules; t = bpviz.trace('xor'); "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('manim', 'IPython'))))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == []
