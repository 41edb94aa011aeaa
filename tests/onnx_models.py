"""ONNX test models built with ``onnx.helper``, and their outputs from onnx's reference evaluator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

ONNX_ACTS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softmax": "Softmax", "linear": None}
ELEM = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}


def dense_model(layers, activations, dtype=np.float32, form="gemm", seed=0, trans_b=1, alpha=1.0,
                beta=1.0, bias_shape="row", extra=None):
    """A chain of dense layers; ``form`` is ``gemm`` or ``matmul`` (MatMul + Add).

    ``extra(nodes, inits, last)`` may append nodes after the last one and return the new output name.
    Returns ``(model, weights, biases)`` with the engine's ``W^l`` (n_l, n_{l-1}) before alpha/beta.
    """
    rng = np.random.default_rng(seed)
    nodes, inits, weights, biases = [], [], [], []
    current = "x"
    for i, (n_in, n_out, act) in enumerate(zip(layers, layers[1:], activations), start=1):
        w = rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in)).astype(dtype)
        b = rng.normal(0.0, 0.5, size=n_out).astype(dtype)
        weights.append(w)
        biases.append(b)
        b_arr = b.reshape(1, n_out) if bias_shape == "row" else b
        if form == "gemm":
            b_mat = w if trans_b else w.T
            inits += [numpy_helper.from_array(b_mat, f"W{i}"), numpy_helper.from_array(b_arr, f"b{i}")]
            attrs = {"transB": trans_b}
            if alpha != 1.0:
                attrs["alpha"] = alpha
            if beta != 1.0:
                attrs["beta"] = beta
            nodes.append(helper.make_node("Gemm", [current, f"W{i}", f"b{i}"], [f"z{i}"], name=f"fc{i}",
                                          **attrs))
        else:
            inits += [numpy_helper.from_array(np.ascontiguousarray(w.T), f"W{i}"),
                      numpy_helper.from_array(b_arr, f"b{i}")]
            nodes.append(helper.make_node("MatMul", [current, f"W{i}"], [f"m{i}"], name=f"matmul{i}"))
            nodes.append(helper.make_node("Add", [f"m{i}", f"b{i}"], [f"z{i}"], name=f"add{i}"))
        current = f"z{i}"
        if ONNX_ACTS[act]:
            attrs = {"axis": -1} if act == "softmax" else {}
            nodes.append(helper.make_node(ONNX_ACTS[act], [current], [f"a{i}"], name=f"act{i}", **attrs))
            current = f"a{i}"
    if extra is not None:
        current = extra(nodes, inits, current)
    graph = helper.make_graph(
        nodes, "dense", [helper.make_tensor_value_info("x", ELEM[dtype], ["batch", layers[0]])],
        [helper.make_tensor_value_info(current, ELEM[dtype], ["batch", layers[-1]])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, weights, biases


def save(model, path: Path) -> Path:
    onnx.save(model, str(path))
    return path


def run(model, x: np.ndarray) -> np.ndarray:
    """The model's output for the batch ``x`` (onnx's reference evaluator)."""
    return ReferenceEvaluator(model).run(None, {"x": x})[0]
