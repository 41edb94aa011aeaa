"""``bpviz import MODEL -o CONFIG``: ONNX models in, configs out, the same numbers, one-line errors.

The models are built with ``onnx.helper`` (tests/onnx_models.py) and run with onnx's reference
evaluator; the imported config's network (``backprop_core.network.forward``) must give the same
outputs: to 1e-6 for float32 models, 1e-12 for float64 ones.
"""

from __future__ import annotations

import json
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from onnx import helper, numpy_helper

from backprop_core.config import load
from backprop_core.network import forward
from bpviz.cli import main
from bpviz.importing.onnx_model import read_onnx

from ..onnx_models import dense_model, run, save
from .test_errors import assert_one_line_error

TOLERANCE = {np.float32: 1e-6, np.float64: 1e-12}
DATA = """\
[data]
inputs = [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5], [-0.4, 0.0, 2.0]]
targets = [[1, 0], [0, 1], [1, 0]]
"""


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def imported(tmp_path, model, *options: str):
    """Import ``model`` with ``options``; the loaded config of the written file."""
    path = save(model, tmp_path / "model.onnx")
    out = tmp_path / "config.toml"
    result = bpviz("import", str(path), "-o", str(out), *options)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    return out


def data_file(tmp_path) -> Path:
    path = tmp_path / "data.toml"
    path.write_text(DATA)
    return path


def max_error(config_path, model, dtype, n_in: int) -> float:
    cfg = load(str(config_path))
    x = np.random.default_rng(7).normal(0.0, 1.5, size=(8, n_in)).astype(dtype)
    ours = forward(cfg.weights, cfg.biases, cfg.activations, x.astype(np.float64)).a[-1]
    theirs = run(model, x)
    assert ours.shape == theirs.shape
    return float(np.abs(ours - theirs).max())


CASES = [  # (id, layers, activations, dense_model options)
    ("gemm-softmax", [3, 5, 4, 2], ["tanh", "relu", "softmax"], {}),
    ("matmul-add-softmax", [3, 5, 4, 2], ["sigmoid", "tanh", "softmax"], {"form": "matmul"}),
    ("gemm-transB0-alpha-beta", [3, 4, 2], ["relu", "sigmoid"],
     {"trans_b": 0, "alpha": 0.5, "beta": 2.0, "bias_shape": "vector"}),
    ("matmul-linear-out", [3, 6, 2], ["relu", "linear"], {"form": "matmul", "bias_shape": "vector"}),
    ("gemm-linear-hidden", [3, 4, 4, 2], ["linear", "sigmoid", "tanh"], {}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_round_trip_equals_the_onnx_evaluator(tmp_path, case, dtype):
    _, layers, activations, options = case
    model, weights, biases = dense_model(layers, activations, dtype=dtype, **options)
    out = imported(tmp_path, model, "--data", str(data_file(tmp_path)))
    cfg = load(str(out))
    assert cfg.layers == tuple(layers)
    assert cfg.activations == tuple(activations)
    assert cfg.loss == ("cross_entropy" if activations[-1] == "softmax" else "half_sse")
    assert max_error(out, model, dtype, layers[0]) <= TOLERANCE[dtype]
    if "alpha" not in options:  # the weights are the model's floats exactly
        for ours, theirs in zip(cfg.weights, weights):
            np.testing.assert_array_equal(ours, theirs.astype(np.float64))
        for ours, theirs in zip(cfg.biases, biases):
            np.testing.assert_array_equal(ours, theirs.astype(np.float64))


def test_matmul_without_add_has_zero_biases(tmp_path):
    def no_bias(nodes, inits, last):
        inits.append(numpy_helper.from_array(np.ones((2, 3), np.float32), "W9"))
        nodes.append(helper.make_node("MatMul", [last, "W9"], ["m9"], name="last"))
        return "m9"

    model, _, _ = dense_model([3, 2], ["sigmoid"], extra=no_bias)
    net = read_onnx(save(model, tmp_path / "m.onnx"))
    assert net.activations == ["sigmoid", "linear"]
    np.testing.assert_array_equal(net.biases[1], np.zeros(3))
    np.testing.assert_array_equal(net.weights[1], np.ones((3, 2)))


def test_identity_nodes_pass_through(tmp_path):
    def identity(nodes, inits, last):
        nodes.append(helper.make_node("Identity", [last], ["same"], name="id"))
        return "same"

    model, _, _ = dense_model([3, 4, 2], ["relu", "softmax"], form="matmul", extra=identity)
    net = read_onnx(save(model, tmp_path / "m.onnx"))
    assert net.activations == ["relu", "softmax"]


def test_data_preset_and_loss_option(tmp_path):
    model, _, _ = dense_model([2, 3, 1], ["tanh", "sigmoid"], dtype=np.float64)
    out = imported(tmp_path, model, "--data", "xor", "--loss", "cross_entropy")
    cfg = load(str(out))
    assert cfg.data_preset == "xor" and cfg.loss == "cross_entropy" and cfg.epochs == 1
    assert bpviz("trace", str(out), "-o", str(tmp_path / "t.json")).exit_code == 0


def test_data_iris_is_the_dataset(tmp_path):
    """``--data iris`` names scikit-learn's iris (4 inputs, 3 classes), not the 4-5-3 preset's network."""
    model, _, _ = dense_model([4, 3, 3], ["relu", "softmax"], dtype=np.float64)
    out = imported(tmp_path, model, "--data", "iris", "--loss", "cross_entropy")
    assert 'dataset = "iris"' in out.read_text()
    cfg = load(str(out))
    assert cfg.inputs.shape == (150, 4) and cfg.targets.shape == (150, 3)
    assert bpviz("trace", str(out), "-o", str(tmp_path / "t.json")).exit_code == 0


def test_without_data_the_config_says_what_to_add(tmp_path):
    model, _, _ = dense_model([2, 3, 1], ["tanh", "sigmoid"])
    path = save(model, tmp_path / "model.onnx")
    out = tmp_path / "config.toml"
    result = bpviz("import", str(path), "-o", str(out))
    assert result.exit_code == 0 and "no --data" in result.stdout
    assert "# [data]" in out.read_text()
    assert_one_line_error(bpviz("trace", str(out)), "[data] inputs", "missing")
    out.write_text(out.read_text() + '\n[data]\npreset = "and"\n')
    assert load(str(out)).data_preset == "and"


def test_a_relative_csv_path_is_rewritten_for_the_new_folder(tmp_path):
    (tmp_path / "course").mkdir()
    source = tmp_path / "course" / "class.toml"
    source.write_text('[data]\ncsv = "grades.csv"\nclass = "passed"\n')
    model, _, _ = dense_model([2, 3, 1], ["tanh", "sigmoid"])
    path = save(model, tmp_path / "model.onnx")
    out = tmp_path / "imported" / "config.toml"
    # the [data] csv keys belong to the CSV work of the same issue: only the copy is checked here
    from bpviz.importing.configs import data_table

    assert data_table(str(source), out) == {"csv": "../course/grades.csv", "class": "passed"}
    assert path.is_file()


def test_output_folders_are_created_and_the_file_is_written_atomically(tmp_path):
    model, _, _ = dense_model([3, 4, 2], ["relu", "softmax"])
    path = save(model, tmp_path / "model.onnx")
    out = tmp_path / "a" / "b" / "config.toml"
    result = bpviz("import", str(path), "-o", str(out), "--data", str(data_file(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["config.toml"]  # no temp file left


def test_the_784_16_16_10_model_imports_and_renders_in_dense_mode(tmp_path):
    model, _, _ = dense_model([784, 16, 16, 10], ["sigmoid", "sigmoid", "softmax"], seed=3)
    out = imported(tmp_path, model, "--data", "mnist_like")
    cfg = load(str(out))
    assert cfg.layers == (784, 16, 16, 10)
    assert cfg.video["scenes"] == ["forward", "backward"]  # the chapters of dense mode
    assert max_error(out, model, np.float32, 784) <= 1e-6
    frames = tmp_path / "new" / "frames"  # -o creates the missing folders
    result = bpviz("frames", str(out), "--quality", "low", "--scene", "forward", "-o", str(frames))
    assert result.exit_code == 0, result.stderr
    index = json.loads((frames / "frames.json").read_text())
    stills = index["stills"] if isinstance(index, dict) else index
    assert stills and all((frames / s["file"]).is_file() for s in stills)


# -- bad models: one line naming the file (and the node), exit 2, no file written ----------------------
def _append(op, inputs=None, name="bad", inits=(), **attrs):
    def extra(nodes, init_list, last):
        init_list.extend(numpy_helper.from_array(v, k) for k, v in inits)
        nodes.append(helper.make_node(op, inputs or [last], ["y"], name=name, **attrs))
        return "y"
    return extra


def _wrong_width(nodes, inits, last):
    inits += [numpy_helper.from_array(np.ones((2, 7), np.float32), "W9"),
              numpy_helper.from_array(np.ones(2, np.float32), "b9")]
    nodes.append(helper.make_node("Gemm", [last, "W9", "b9"], ["y"], name="fc_wrong", transB=1))
    return "y"


def _wrong_bias(nodes, inits, last):
    inits += [numpy_helper.from_array(np.ones((2, 2), np.float32), "W9"),
              numpy_helper.from_array(np.ones(3, np.float32), "b9")]
    nodes.append(helper.make_node("MatMul", [last, "W9"], ["m9"], name="mm"))
    nodes.append(helper.make_node("Add", ["m9", "b9"], ["y"], name="bias_wrong"))
    return "y"


def _branch(nodes, inits, last):
    nodes.append(helper.make_node("Sigmoid", [last], ["s"], name="left"))
    nodes.append(helper.make_node("Tanh", [last], ["t"], name="right"))
    nodes.append(helper.make_node("Add", ["s", "t"], ["y"], name="join"))
    return "y"


BAD_MODELS = [  # (id, dense_model arguments, fragments of the one error line)
    ("unsupported-op", dict(layers=[3, 4, 2], activations=["relu", "linear"], extra=_append("LeakyRelu")),
     ["node 'bad' (LeakyRelu)", "not supported", "Gemm, or MatMul + Add"]),
    ("transA", dict(layers=[3, 4, 2], activations=["relu", "linear"],
                    extra=_append("Gemm", ["z2", "Wt"], inits=[("Wt", np.ones((2, 2), np.float32))],
                                  transA=1)),
     ["node 'bad' (Gemm)", "transA"]),
    ("wrong-width", dict(layers=[3, 4, 2], activations=["relu", "linear"], extra=_wrong_width),
     ["node 'fc_wrong' (Gemm)", "'W9' takes 7 inputs", "2 outputs"]),
    ("wrong-bias", dict(layers=[3, 4, 2], activations=["relu", "tanh"], extra=_wrong_bias),
     ["node 'bias_wrong' (Add)", "shape (3,)", "2 neurons"]),
    ("weight-3d", dict(layers=[3, 4, 2], activations=["relu", "tanh"],
                       extra=_append("MatMul", ["a2", "W3"], inits=[("W3", np.ones((1, 2, 2), np.float32))])),
     ["node 'bad' (MatMul)", "(1, 2, 2)", "2-D"]),
    ("hidden-softmax", dict(layers=[3, 4, 2], activations=["softmax", "tanh"]),
     ["node 'act1' (Softmax)", "only allowed on the output layer"]),
    ("softmax-axis", dict(layers=[3, 4], activations=["linear"], extra=_append("Softmax", ["z1"], axis=0)),
     ["(Softmax)", "axis = 0"]),
    ("two-activations", dict(layers=[3, 4, 2], activations=["relu", "tanh"], extra=_append("Sigmoid")),
     ["node 'bad' (Sigmoid)", "second activation"]),
    ("branch", dict(layers=[3, 4, 2], activations=["relu", "linear"], extra=_branch),
     ["node 'left' (Sigmoid)", "feeds 2 nodes", "one chain"]),
]


@pytest.mark.parametrize("case", BAD_MODELS, ids=[c[0] for c in BAD_MODELS])
def test_a_bad_model_is_one_line_naming_the_node(tmp_path, case):
    _, kwargs, fragments = case
    model, _, _ = dense_model(**kwargs)
    path = save(model, tmp_path / "bad.onnx")
    out = tmp_path / "sub" / "config.toml"
    assert_one_line_error(bpviz("import", str(path), "-o", str(out)), str(path), *fragments)
    assert not (tmp_path / "sub").exists()


def test_an_input_of_rank_three_is_refused(tmp_path):
    model, _, _ = dense_model([3, 2], ["sigmoid"])
    dims = model.graph.input[0].type.tensor_type.shape.dim
    dims.insert(1, helper.make_tensor_value_info("t", 1, [1]).type.tensor_type.shape.dim[0])
    path = save(model, tmp_path / "bad.onnx")
    out = tmp_path / "config.toml"
    assert_one_line_error(bpviz("import", str(path), "-o", str(out)), "input 'x' has 3 dimensions")
    assert not out.exists()


def _pickle(path):
    path.write_bytes(pickle.dumps({"weights": [1, 2]}))  # bytes only: bpviz must not unpickle them


def _torch_zip(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps([1]))


BAD_FILES = [  # (id, file name, how to make it (None: nothing there), fragments)
    ("missing", "none.onnx", None, ["none.onnx", "no such file"]),
    ("folder", "dir.onnx", lambda p: p.mkdir(), ["dir.onnx", "not a file"]),
    ("text", "notes.onnx", lambda p: p.write_text("this is not a model\n" * 20),
     ["notes.onnx", "not an ONNX"]),
    ("empty", "empty.onnx", lambda p: p.write_bytes(b""), ["empty.onnx", "not an ONNX"]),
    ("pickle", "model.pkl", _pickle, ["model.pkl", "never loads pickles", "torch.onnx.export"]),
    ("torch-checkpoint", "model.pt", _torch_zip, ["model.pt", "never loads pickles"]),
    ("pickle-named-onnx", "sneaky.onnx", _pickle, ["sneaky.onnx", "never loads pickles"]),
]


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_file_that_is_not_onnx_is_one_line_naming_it(tmp_path, case, monkeypatch):
    _, name, make, fragments = case
    path = tmp_path / name
    if make:
        make(path)
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("a pickle was loaded"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("a pickle was loaded"))
    out = tmp_path / "config.toml"
    assert_one_line_error(bpviz("import", str(path), "-o", str(out)), *fragments)
    assert not out.exists()


def test_bad_data_and_bad_options_write_nothing(tmp_path):
    model, _, _ = dense_model([3, 4, 2], ["relu", "softmax"])
    path = save(model, tmp_path / "model.onnx")
    out = tmp_path / "config.toml"
    assert_one_line_error(bpviz("import", str(path), "-o", str(out), "--data", "xorr"),
                          "--data", "'xorr'", "did you mean 'xor'")
    assert_one_line_error(bpviz("import", str(path), "-o", str(out), "--data", "irsi"),
                          "--data", "'irsi'", "did you mean 'iris'", "datasets: iris")
    assert_one_line_error(bpviz("import", str(path), "-o", str(out), "--data", "xor"),
                          "--data xor", "[network] layers = [3, 4, 2]")
    assert_one_line_error(bpviz("import", str(path), "-o", str(out), "--loss", "hinge"), "--loss", "hinge")
    no_data = tmp_path / "nodata.toml"
    no_data.write_text("[network]\nlayers = [3, 2]\n")
    assert_one_line_error(bpviz("import", str(path), "-o", str(out), "--data", str(no_data)),
                          "no [data] table")
    assert not out.exists()


def test_a_failed_import_leaves_the_existing_config_unchanged(tmp_path):
    model, _, _ = dense_model([3, 4, 2], ["softmax", "tanh"])
    path = save(model, tmp_path / "model.onnx")
    out = tmp_path / "config.toml"
    out.write_text("precious")
    assert_one_line_error(bpviz("import", str(path), "-o", str(out)), "Softmax")
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "model.onnx"]


def test_output_under_a_file_or_onto_the_model_is_refused(tmp_path):
    model, _, _ = dense_model([3, 2], ["sigmoid"])
    path = save(model, tmp_path / "model.onnx")
    (tmp_path / "f").write_text("x")
    assert_one_line_error(bpviz("import", str(path), "-o", str(tmp_path / "f" / "sub" / "c.toml")),
                          "is a file")
    assert_one_line_error(bpviz("import", str(path), "-o", str(path)), "being read")
    assert (tmp_path / "f").read_text() == "x"


def test_without_onnx_one_line_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    model = tmp_path / "model.onnx"
    model.write_bytes(b"")
    out = tmp_path / "config.toml"
    assert_one_line_error(bpviz("import", str(model), "-o", str(out)), "pip install 'bpviz[import]'")
    assert not out.exists()
