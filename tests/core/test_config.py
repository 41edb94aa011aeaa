"""The config: defaults filled in, presets and TOML files load, errors point at the right line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from backprop_core.config import SCHEMA, ConfigError, from_dict, load, parse
from backprop_core.presets import PRESETS

MINIMAL = """\
[network]
layers = [2, 1]

[data]
preset = "and"
"""


def error_of(text: str, source: str = "cfg.toml") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse(text, source)
    assert "\n" not in str(info.value)
    return info.value


def test_defaults_are_filled_in():
    cfg = parse(MINIMAL)
    resolved = cfg.to_dict()
    assert set(resolved) == {"source", *SCHEMA, "video"}
    for table, keys in SCHEMA.items():
        if table != "data":
            assert set(resolved[table]) == set(keys), table
    # [data] keeps its samples inline; its other keys are written only when the config uses them
    assert set(resolved["data"]) == {"inputs", "targets", "preset"}
    for key in ("init", "init_range", "seed", "use_biases"):
        assert resolved["network"][key] == SCHEMA["network"][key]
    for key in ("loss", "learning_rate", "mode", "epochs", "update_biases", "shuffle", "record"):
        assert resolved["training"][key] == SCHEMA["training"][key]
    assert resolved["network"]["activations"] == ["sigmoid"]
    assert resolved["training"]["batch_size"] == 1  # online
    assert resolved["data"]["preset"] == "and" and len(resolved["data"]["inputs"]) == 4
    assert resolved["video"] == {}  # the engine keeps [video] as written; the film fills it in


def test_resolved_config_is_plain_json_data_and_builds_the_same_config():
    import json

    raw = parse(MINIMAL.replace('preset = "and"', "inputs = [[0, 1]]\ntargets = [[1]]")).to_dict()
    assert json.loads(json.dumps(raw)) == raw
    raw.pop("source")
    again = from_dict(raw).to_dict()
    again.pop("source")
    assert again == raw


def test_arrays_are_read_only():
    cfg = load("mazur")
    for arr in (cfg.inputs, cfg.targets, *cfg.weights, *cfg.biases):
        with pytest.raises(ValueError):
            arr[...] = 0


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads(name):
    cfg = load(name)
    assert cfg.source == name
    assert cfg.inputs.shape == (len(cfg.inputs), cfg.layers[0])
    assert cfg.targets.shape == (len(cfg.inputs), cfg.layers[-1])
    assert len(cfg.activations) == len(cfg.layers) - 1
    assert set(cfg.to_dict()["training"]) == set(SCHEMA["training"])


def test_no_source_is_the_default_preset():
    assert load().source == "mazur" == load(None).to_dict()["source"]


def test_a_toml_file_loads(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text("""\
# a 2-3-2 softmax classifier
[network]
layers = [2, 3, 2]
activations = ["relu", "softmax"]
weights = [
  [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]],
  [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
]
init = "he"

[training]
loss = "cross_entropy"
learning_rate = 0.25
mode = "minibatch"
batch_size = 2
epochs = 3
record = 2

[data]
inputs = [[0, 0], [1, 1], [1, 0]]
targets = [[1, 0], [0, 1], [0, 1]]

[video]
scenes = ["forward", "backward"]
focus = [1, 3]
notation = "delta_rule"
""")
    cfg = load(str(path))
    assert cfg.source == str(path)
    assert cfg.layers == (2, 3, 2) and cfg.activations == ("relu", "softmax")
    assert cfg.weights[0].shape == (3, 2) and cfg.weights[1].shape == (2, 3)
    assert cfg.biases is None
    assert (cfg.loss, cfg.learning_rate, cfg.mode, cfg.batch_size, cfg.epochs, cfg.record) == (
        "cross_entropy", 0.25, "minibatch", 2, 3, 2)
    np.testing.assert_array_equal(cfg.targets, [[1, 0], [0, 1], [0, 1]])
    assert cfg.video == {"scenes": ["forward", "backward"], "focus": [1, 3], "notation": "delta_rule"}
    assert cfg.text == path.read_text()  # for the film's errors about [video], with their lines


def test_a_preset_name_wins_over_a_folder_of_that_name(tmp_path, monkeypatch):
    (tmp_path / "xor").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load("xor").source == "xor"


def test_line_number_of_a_key_error_in_a_multi_line_file():
    text = """\
# comment line 1
[network]
layers = [2, 2, 1]
weights = [
  [[0.1, 0.2],
   [0.3, 0.4]],
  [[0.5, 0.6]]
]
[data]                   # a line inside the array above must not look like a header
inputs = [
  [0, 1],
  [1, 0]
]
targets = [[1], [0]]

[training]
epochs = 5
learning_rate = -1       # line 18
"""
    err = error_of(text)
    assert err.line == 18 and err.source == "cfg.toml"
    assert str(err).startswith("cfg.toml:18: [training] learning_rate: must be > 0")
    assert error_of(text.replace("[[0.5, 0.6]]", "[[0.5, 0.6, 0.7]]")).line == 4  # weights =
    assert error_of(text.replace("  [1, 0]\n", "  [1, nan]\n")).line == 10  # inputs =


@pytest.mark.parametrize("text,line,start", [
    ("[network]\nlayers = [2, 1]\n[training . extra]\nx = 1\n", 3, "[training] extra: unknown key"),
    ('[network]\nlayers = [2, 1]\ntraining.epochs = 0\n', 3, "[network] training: unknown key"),
    ('training.epochs = 0\n[network]\nlayers = [2, 1]\n[data]\npreset = "and"\n', 1,
     "[training] epochs: must be >= 1"),
    ('training = { shuffle = true, epoch = 3 }\n[network]\nlayers = [2, 1]\n', 1,
     "[training] epoch: unknown key (did you mean 'epochs'?)"),
    ('[network]\nlayers = [2, 1]\n"use_biases" = 1\n[data]\npreset = "and"\n', 3,
     "[network] use_biases: expected true or false"),
    ("[[network]]\nlayers = [2, 1]\n", 1, "[network]: expected a table"),
    ("[network]\nactivations = []\n", 1, "[network] layers: missing"),  # not written: its table
])
def test_line_numbers_of_other_toml_spellings(text, line, start):
    err = error_of(text)
    assert (err.line, err.key_message[: len(start)]) == (line, start)


def test_toml_syntax_error_gets_its_line():
    err = error_of("[network]\nlayers = [2, 1]\nseed = = 3\n")
    assert err.line == 3 and str(err).startswith("cfg.toml:3: not valid TOML:")
    assert "(at line" not in str(err)  # the place is said once, up front


@pytest.mark.parametrize("value,message", [
    ("true", "expected an integer, got boolean True"),
    ("1.5", "expected an integer, got number 1.5"),
    ("-1", "must be >= 0, got -1"),
])
def test_integers_are_integers(value, message):
    err = error_of(MINIMAL.replace("[data]", f"seed = {value}\n[data]"))
    assert err.key_message == f"[network] seed: {message}"


def test_messages_stay_short_for_huge_values():
    err = error_of(MINIMAL.replace("[2, 1]", "[2, 1]\ninit = " + repr(["x"] * 500)))
    assert len(str(err)) < 200 and "..." in str(err)


def test_mode_batch_fills_the_batch_size_and_refuses_another():
    cfg = parse(MINIMAL + '[training]\nmode = "batch"\n')
    assert cfg.batch_size == 4
    err = error_of(MINIMAL + '[training]\nmode = "batch"\nbatch_size = 2\n')
    assert err.line == 8 and "needs mode = \"minibatch\"" in str(err)


def test_softmax_cross_entropy_targets_must_sum_to_one():
    text = """\
[network]
layers = [2, 2]
activations = ["softmax"]
[training]
loss = "cross_entropy"
[data]
inputs = [[0, 1], [1, 0]]
targets = [[1, 0], [0.5, 0.4]]
"""
    err = error_of(text)
    assert err.line == 8 and "targets[1] sums to 0.9" in str(err)


def test_the_video_table_passes_through_unread_and_the_engine_imports_no_film():
    code = ("import sys; from backprop_core.config import from_dict; "
            "cfg = from_dict({'network': {'layers': [2, 1]}, 'data': {'preset': 'and'}, "
            "'video': {'language': 'xx', 'anything': [1, 2]}}); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('manim', 'scenes', 'bpviz', 'click')]; "
            "print(cfg.video, bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("{'language': 'xx', 'anything': [1, 2]} []")


def test_an_unknown_table_still_lists_the_video_table():
    err = error_of(MINIMAL + "\n[vdeo]\nscenes = []\n")
    assert "unknown table [vdeo] (did you mean 'video'?)" in str(err) and err.line == 7
    assert "tables: [network], [training], [data], [video]" in str(err)
