"""A dense network read from an ONNX file: its layers, activations, weights and biases.

The graph must be a chain from its one input to its one output of dense layers, each

- ``Gemm(x, B, C)`` (``transA = 0``; ``transB`` 0 or 1; ``alpha`` and ``beta`` are folded into the
  weights and the biases), or ``MatMul(x, B)`` followed by ``Add(., C)`` or by nothing (no bias),

followed by ``Sigmoid``, ``Tanh``, ``Relu``, ``Softmax`` (last axis, output layer only) or by
nothing (a linear layer). ``Identity`` nodes are passed through. The weights and biases are
initializers or ``Constant`` nodes. Any other operator, a weight of the wrong shape, a branch or a
second input gives a :class:`~bpviz.importing.configs.ModelImportError` naming the node.

ONNX is protobuf data: reading it runs no code from the file (nothing here loads a pickle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bpviz.importing.configs import ModelImportError

ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "Relu": "relu", "Softmax": "softmax"}
"""ONNX operators read as activations, and the engine's name of each."""
SUPPORTED = "Gemm, or MatMul + Add, each followed by Sigmoid, Tanh, Relu, Softmax or nothing"
PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".joblib", ".ckpt", ".bin")


@dataclass
class DenseNetwork:
    """Layers read from a model so far: ``W^l`` as ``(n_l, n_{l-1})``, ``b^l``, the activations."""

    weights: list[np.ndarray] = field(default_factory=list)
    biases: list[np.ndarray] = field(default_factory=list)
    activations: list[str] = field(default_factory=list)
    dtype: str = "float32"


def _describe(node, index: int) -> str:
    name = f"{node.name!r} " if node.name else f"#{index} "
    return f"node {name}({node.op_type})"


def load_model(path: str | Path):
    """The ``onnx.ModelProto`` in ``path``; an unreadable or non-ONNX file is one line naming it."""
    import onnx
    from google.protobuf.message import DecodeError

    path = Path(path)
    if not path.exists():
        raise ModelImportError(f"{path}: no such file")
    if not path.is_file():
        raise ModelImportError(f"{path}: not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(2)
    except OSError as err:
        raise ModelImportError(f"{path}: cannot read it ({err.strerror or err})") from None
    if path.suffix.lower() in PICKLE_SUFFIXES or head[:1] == b"\x80" or head == b"PK":
        raise ModelImportError(f"{path}: not an ONNX file (a pickle or a PyTorch checkpoint?); bpviz never "
                               "loads pickles: export the model with torch.onnx.export (README, "
                               "'Bring a trained network')")
    try:
        model = onnx.load(str(path))
    except (DecodeError, ValueError, RuntimeError, OSError, UnicodeDecodeError) as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise ModelImportError(f"{path}: not an ONNX model ({first})") from None
    if not model.HasField("graph") or not model.graph.node:
        raise ModelImportError(f"{path}: not an ONNX model (no graph with nodes)")
    return model


def _constants(graph) -> dict[str, np.ndarray]:
    from onnx import numpy_helper

    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.output:
            for attr in node.attribute:
                if attr.name == "value":
                    values[node.output[0]] = numpy_helper.to_array(attr.t)
    return values


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


class _Reader:
    """Walks the graph's chain of nodes, layer by layer."""

    def __init__(self, model, source: str):
        self.graph = model.graph
        self.source = source
        self.values = _constants(self.graph)
        self.net = DenseNetwork()
        self.pending_linear = False  # a dense layer read, its activation not yet
        self.softmax = None  # the Softmax node read, with its index: only the output layer has one

    def fail(self, message: str, node=None, index: int = 0):
        where = f"{_describe(node, index)}: " if node is not None else ""
        raise ModelImportError(f"{self.source}: {where}{message}")

    def read(self) -> DenseNetwork:
        inputs = [i for i in self.graph.input if i.name not in self.values]
        if len(inputs) != 1:
            names = ", ".join(i.name for i in inputs) or "none"
            self.fail(f"the graph must have one input (the sample), it has {len(inputs)}: {names}")
        if len(self.graph.output) != 1:
            self.fail(f"the graph must have one output, it has {len(self.graph.output)}")
        self.net.dtype = _dtype_name(inputs[0])
        rank = len(inputs[0].type.tensor_type.shape.dim)
        if rank > 2:
            self.fail(f"the input {inputs[0].name!r} has {rank} dimensions; bpviz reads a sample of "
                      "features, or a batch of them (1 or 2 dimensions): flatten it before exporting")
        n_in = _last_dim(inputs[0])
        current = inputs[0].name
        nodes = [(i, n) for i, n in enumerate(self.graph.node) if n.op_type != "Constant"]
        users = {}
        for i, node in nodes:
            for name in node.input:
                users.setdefault(name, []).append((i, node))
        k = 0
        while k < len(nodes):
            index, node = nodes[k]
            if node.domain not in ("", "ai.onnx"):
                self.fail(f"operator {node.domain}.{node.op_type} is not supported; bpviz reads "
                          f"{SUPPORTED}", node, index)
            if current not in node.input:
                self.fail(f"it does not take the output of the layer before ({current!r}): "
                          "the graph must be one chain of layers", node, index)
            if len(users.get(current, [])) > 1:
                self.fail(f"{current!r} feeds {len(users[current])} nodes: the graph must be one chain "
                          "of layers", node, index)
            if node.op_type == "Gemm":
                self._gemm(node, index, current)
            elif node.op_type == "MatMul":
                follower = nodes[k + 1] if k + 1 < len(nodes) else None
                if follower and follower[1].op_type == "Add" and node.output[0] in follower[1].input:
                    self._matmul(node, index, current, follower)
                    k += 1
                    node = follower[1]
                else:
                    self._matmul(node, index, current, None)
            elif node.op_type in ACTIVATIONS:
                self._activation(node, index)
            elif node.op_type == "Identity":
                pass
            else:
                self.fail(f"operator {node.op_type} is not supported; bpviz reads {SUPPORTED}", node, index)
            current = node.output[0]
            k += 1
        if self.pending_linear:
            self.net.activations.append("linear")
        if not self.net.weights:
            self.fail(f"no dense layer found; bpviz reads {SUPPORTED}")
        if current != self.graph.output[0].name:
            self.fail(f"the graph's output {self.graph.output[0].name!r} is not the end of the chain "
                      f"of layers ({current!r})")
        if n_in is not None and n_in != self.net.weights[0].shape[1]:
            self.fail(f"the input {inputs[0].name!r} has {n_in} features but the first layer takes "
                      f"{self.net.weights[0].shape[1]}")
        return self.net

    def _constant(self, name: str, node, index: int, what: str) -> np.ndarray:
        if name not in self.values:
            self.fail(f"its {what} {name!r} is not a constant (an initializer): bpviz reads "
                      "trained weights, not computed ones", node, index)
        value = self.values[name]
        if not np.issubdtype(value.dtype, np.floating):
            self.fail(f"its {what} {name!r} is {value.dtype}, not floating point", node, index)
        return value.astype(np.float64)

    def _add_layer(self, w: np.ndarray, b: np.ndarray | None, node, index: int, w_name: str,
                   b_node=None, b_index: int = 0):
        """Append ``W`` (already ``(n_out, n_in)``) and ``b`` after checking them against the layer before."""
        if self.pending_linear:
            self.net.activations.append("linear")
        if self.softmax is not None:
            self.fail("Softmax is only allowed on the output layer", *self.softmax)
        n_out, n_in = w.shape
        if self.net.weights and self.net.weights[-1].shape[0] != n_in:
            self.fail(f"weight {w_name!r} takes {n_in} inputs but the layer before has "
                      f"{self.net.weights[-1].shape[0]} outputs", node, index)
        if b is None:
            b = np.zeros(n_out)
        else:
            if b.size == 1:
                b = np.full(n_out, b.reshape(-1)[0])
            elif b.shape in ((n_out,), (1, n_out)):
                b = b.reshape(n_out)
            else:
                self.fail(f"bias of shape {tuple(b.shape)} does not fit a layer of {n_out} neurons "
                          f"(expected ({n_out},) or (1, {n_out}))", b_node or node, b_index or index)
        self.net.weights.append(w)
        self.net.biases.append(b)
        self.pending_linear = True

    def _weight(self, node, index: int, what: str) -> np.ndarray:
        """The constant second input of ``node``: a dense layer's weight matrix (2-D)."""
        w = self._constant(node.input[1], node, index, what)
        if w.ndim != 2:
            self.fail(f"weight {node.input[1]!r} has shape {tuple(w.shape)}; a dense layer's is 2-D",
                      node, index)
        return w

    def _gemm(self, node, index: int, current: str):
        attrs = _attrs(node)
        if attrs.get("transA", 0):
            self.fail("transA = 1 transposes the samples, not the weights; only transA = 0 is a "
                      "dense layer", node, index)
        if node.input[0] != current:
            self.fail("the sample must be its first input (A)", node, index)
        w = self._weight(node, index, "weight B")
        w = w if attrs.get("transB", 0) else w.T
        w = float(attrs.get("alpha", 1.0)) * w
        b = None
        if len(node.input) > 2 and node.input[2]:
            b = float(attrs.get("beta", 1.0)) * self._constant(node.input[2], node, index, "bias C")
        self._add_layer(w, b, node, index, node.input[1])

    def _matmul(self, node, index: int, current: str, follower):
        if node.input[0] != current:
            self.fail("the sample must be its first input (x @ W)", node, index)
        w = self._weight(node, index, "weight")
        b, b_node, b_index = None, None, 0
        if follower is not None:
            b_index, b_node = follower
            other = [name for name in b_node.input if name != node.output[0]]
            if len(other) != 1:
                self.fail("it must add one bias to the MatMul's output", b_node, b_index)
            b = self._constant(other[0], b_node, b_index, "bias")
        self._add_layer(w.T, b, node, index, node.input[1], b_node, b_index)

    def _activation(self, node, index: int):
        if not self.pending_linear:
            what = "a second activation" if self.net.activations else "an activation before any layer"
            self.fail(f"{what}: each activation must follow a Gemm or MatMul (+ Add)", node, index)
        name = ACTIVATIONS[node.op_type]
        if name == "softmax":
            axis = _attrs(node).get("axis", -1)
            if axis not in (-1, 1):
                self.fail(f"axis = {axis}: bpviz reads a softmax over the last axis (the neurons)",
                          node, index)
            self.softmax = (node, index)
        self.net.activations.append(name)
        self.pending_linear = False


def _dtype_name(value_info) -> str:
    from onnx import helper

    elem = value_info.type.tensor_type.elem_type
    return helper.tensor_dtype_to_np_dtype(elem).name if elem else "float32"


def _last_dim(value_info) -> int | None:
    dims = value_info.type.tensor_type.shape.dim
    if not dims or not dims[-1].HasField("dim_value"):
        return None
    return int(dims[-1].dim_value)


def read_onnx(path: str | Path) -> DenseNetwork:
    """Read the dense network of the ONNX file ``path``.

    Parameters
    ----------
    path : str or pathlib.Path
        An ``.onnx`` file (protobuf); a pickle or PyTorch checkpoint is refused unread.

    Returns
    -------
    DenseNetwork
        ``weights`` as ``W^l`` of shape ``(n_l, n_{l-1})`` (float64, the model's values exactly),
        ``biases``, the engine's ``activations`` and the input's ``dtype`` name.

    Raises
    ------
    ModelImportError
        One line naming the file, and the node when one is at fault.
    """
    model = load_model(path)
    return _Reader(model, str(path)).read()
