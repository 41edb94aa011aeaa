"""A trace file is checked against its own equations before it is believed (issue 17, group 3).

Each case edits one number of mazur's trace (one step, one sample) as a user could by hand,
and the loader must refuse it, naming the field and the step; NaN is refused even with
``--trust-trace``. The command line's cases are in ``tests/cli/test_edited_traces.py``.
"""

from __future__ import annotations

import json

import pytest

from backprop_core import io
from backprop_core.config import load
from backprop_core.errors import TraceFormatError
from backprop_core.train import train


@pytest.fixture(scope="module")
def mazur():
    return io.to_dict(train(load("mazur")))


def edited(data: dict, edit) -> dict:
    copy = json.loads(json.dumps(data))
    edit(copy)
    return copy


def set_loss(d):
    d["steps"][0]["loss"] = d["steps"][0]["per_sample"][0]["loss"] = 0.123


EDITS = {
    "loss": (set_loss, "steps[0].loss (training step 0) is 0.123 but its equations give 0.29837"),
    "a": (lambda d: d["steps"][0]["per_sample"][0]["a"][1].__setitem__(0, 0.5),
          "steps[0].per_sample[0].a[1][0] (training step 0) is 0.5"),
    "delta": (lambda d: d["steps"][0]["per_sample"][0]["delta"][0].__setitem__(1, 0.5),
              "steps[0].per_sample[0].delta[0][1] (training step 0) is 0.5"),
    "weights_after": (lambda d: d["steps"][0]["weights_after"][1][0].__setitem__(0, 0.5),
                      "steps[0].weights_after[1][0][0] (training step 0) is 0.5"),
    "learning_rate": (lambda d: d["config"]["training"].__setitem__("learning_rate", 0.4),
                      "steps[0].weights_after[0][0][0] (training step 0)"),
    "grad_weights": (lambda d: d["steps"][0]["grad_weights"][0][0].__setitem__(0, 0.5),
                     "steps[0].grad_weights[0][0][0] (training step 0) is 0.5"),
    "epoch": (lambda d: d["steps"][0].__setitem__("epoch", 3), "steps[0].epoch (training step 0) is 3 "
                                                                "but its equations give 1"),
    "initial": (lambda d: d["initial"]["biases"][0].__setitem__(0, 0.3), "initial.biases[0][0] is 0.3"),
    "epoch loss": (lambda d: d["epochs"][1].__setitem__("loss", 0.2), "epochs[1].loss is 0.2"),
}


def test_a_trace_from_bpviz_agrees_with_its_equations(mazur):
    assert io.number_problem(io.from_dict(mazur)) is None


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_number_is_found_with_its_field_and_step(mazur, edit, tmp_path):
    change, message = EDITS[edit]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(edited(mazur, change)))
    with pytest.raises(TraceFormatError) as err:
        io.load(path)
    assert message in str(err.value) and str(err.value).startswith(f"{path}: ")
    assert "--trust-trace" in str(err.value)
    io.load(path, trust=True)  # trusted: read as written


def test_nan_is_refused_even_when_trusted(mazur, tmp_path):
    path = tmp_path / "nan.json"
    text = json.dumps(edited(mazur, lambda d: d["steps"][0]["per_sample"][0]["z"][0].__setitem__(1, 1.0)))
    path.write_text(text.replace('"z":[[0.3775,1.0]', '"z":[[0.3775,NaN]').replace(
        '"z": [[0.3775, 1.0]', '"z": [[0.3775, NaN]'))
    assert "NaN" in path.read_text()
    where = r"steps\[0\]\.per_sample\[0\]\.z\[0\]\[1\] is not a finite"
    for trust in (False, True):
        with pytest.raises(TraceFormatError, match=where):
            io.load(path, trust=trust)


def test_save_follows_links_and_writes_special_files_in_place(tmp_path):
    import os

    trace = io.from_dict(json.loads(json.dumps(train_mazur())))
    (tmp_path / "target.json").write_text("old")
    (tmp_path / "link.json").symlink_to("target.json")
    io.save(trace, tmp_path / "link.json")
    assert (tmp_path / "link.json").is_symlink()
    assert io.load(tmp_path / "target.json").steps[0].loss == trace.steps[0].loss
    null = tmp_path / "null"
    os.mknod(null, 0o666 | 0o020000, os.makedev(1, 3))
    io.save(trace, null)
    assert null.is_char_device()
    long = tmp_path / ("t" * 250 + ".json")
    io.save(trace, long)
    assert long.is_file() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def train_mazur() -> dict:
    return io.to_dict(train(load("mazur")))
