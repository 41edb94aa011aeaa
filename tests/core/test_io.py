"""Trace JSON: exact round trip, atomic writes, validation on load; the engine imports no manim."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from backprop_core import io, run_preset
from backprop_core.errors import TraceFormatError
from backprop_core.presets import PRESETS

from .helpers import make_trace


def all_arrays(trace):
    yield from trace.initial.weights + trace.initial.biases
    for s in trace.steps:
        yield from s.before.weights + s.before.biases + s.after.weights + s.after.biases
        yield from s.grad_weights + s.grad_biases
        for r in s.per_sample:
            yield from (r.x, r.y, *r.z, *r.a, *r.delta)
    for e in trace.epochs:
        yield from e.params.weights + e.params.biases
        if e.outputs is not None:
            yield e.outputs


@pytest.mark.parametrize("name", PRESETS)
def test_round_trip_is_exact(name, tmp_path):
    trace = run_preset(name)
    path = io.save(trace, tmp_path / "t.json")
    back = io.load(path)
    assert back.config == trace.config
    assert [s.loss for s in back.steps] == [s.loss for s in trace.steps]
    assert [(e.loss, e.accuracy) for e in back.epochs] == [(e.loss, e.accuracy) for e in trace.epochs]
    pairs = list(zip(all_arrays(trace), all_arrays(back), strict=True))
    assert pairs
    for a, b in pairs:
        np.testing.assert_array_equal(a, b)
    assert io.dumps(back) == io.dumps(trace)


def test_file_layout_has_the_documented_fields(tmp_path):
    data = json.loads(io.dumps(run_preset("mazur")))
    assert data["format"] == "bpviz-trace" and data["version"] == 1
    assert set(data) >= {"config", "initial", "steps", "epochs"}
    step = data["steps"][0]
    assert set(step) >= {"index", "epoch", "samples", "per_sample", "grad_weights", "grad_biases",
                         "weights_after", "biases_after"}
    assert set(step["per_sample"][0]) == {"sample", "x", "y", "z", "a", "loss", "delta"}
    assert data["config"]["network"]["init"] == "xavier"  # defaults filled in
    assert data["epochs"][0]["epoch"] == 0


def test_interrupted_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "trace.json"
    target.write_text("precious")

    def boom(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(io.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        io.save(run_preset("mazur"), target)
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]


def _mutated(change):
    data = json.loads(io.dumps(make_trace([2, 2, 1], ["sigmoid", "sigmoid"], n=2)))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("change,message", [
    (lambda d: d.update(format="other"), "not a bpviz trace"),
    (lambda d: d.update(version=2), "version 2 is not supported"),
    (lambda d: d.pop("epochs"), "missing field 'epochs'"),
    (lambda d: d["steps"][0]["grad_weights"].pop(), r"steps\[0\].*grad_weights"),
    (lambda d: d["steps"][0]["per_sample"][0]["z"][0].append(1.0), r"steps\[0\].*z\[0\]: shape"),
    (lambda d: d["epochs"].reverse(), r"epochs\[0\]: epoch"),
    (lambda d: d["initial"].update(weights=[[[1, 2, 3]]]), "initial"),
])
def test_load_says_what_is_wrong(change, message):
    with pytest.raises(TraceFormatError, match=message):
        io.loads(_mutated(change), "t.json")


def test_load_rejects_non_json_and_truncated_files(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(io.dumps(run_preset("mazur"))[:200])
    with pytest.raises(TraceFormatError, match="cut.json: not JSON"):
        io.load(path)


def test_backprop_core_imports_no_manim_click_film_or_bpviz():
    code = ("import sys, importlib, pkgutil, backprop_core; "
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(backprop_core.__path__, "
            "'backprop_core.')]; "
            "assert 'backprop_core.equations.latex' in sys.modules; "
            "bad = [m for m in sys.modules "
            "       if m.split('.')[0] in ('manim', 'scenes', 'bpviz', 'cairo', 'click')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
