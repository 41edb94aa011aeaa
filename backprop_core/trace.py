"""The trace: frozen, read-only records of every number a training run produced.

Conventions (docs/trace-format.md): layers ``0..L``, layer 0 is the input. ``weights[l - 1]``
is ``W^l`` with shape ``(n_l, n_{l-1})``; lists of per-layer vectors are indexed the same
way (``z[l - 1]`` is ``z^l``), except ``a``, which starts at ``a^0 = x`` (``a[l]`` is
``a^l``). ``delta^l = dE/dz^l`` of one sample. Every array is read-only and the trace's
own: a copy of what the caller passed in, unless that already was read-only all the way
down (:func:`is_frozen`: training freezes its passes' fresh arrays and records row views of
them). Records may share a :class:`Params` (:func:`~backprop_core.train.train` gives a step's
``after`` as the next step's ``before`` and as the epoch's ``params``). Every record checks its
shapes when the :class:`Trace` is built.

Examples
--------
>>> from backprop_core import run_preset
>>> trace = run_preset("mazur")
>>> round(trace.steps[0].per_sample[0].loss, 9)
0.298371109
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

FORMAT = "bpviz-trace"
VERSION = 1


class TraceError(ValueError):
    """A trace breaks one of its invariants (shapes, indices, format)."""


def frozen_array(values: Any) -> np.ndarray:
    """``values`` as a float array that cannot be written to.

    A read-only copy, unless ``values`` already is a read-only float array that no array it views
    can write to (:func:`is_frozen`): then ``values`` itself, shared rather than copied.
    """
    if isinstance(values, np.ndarray) and values.dtype == float and is_frozen(values):
        return values
    arr = np.array(values, dtype=float, copy=True)
    arr.setflags(write=False)
    return arr


def frozen_arrays(values: Any) -> tuple[np.ndarray, ...]:
    """A tuple of :func:`frozen_array` arrays."""
    return tuple(map(frozen_array, values))


def is_frozen(arr: np.ndarray) -> bool:
    """Whether ``arr`` and every array it views are read-only, down to one that owns its data.

    Such an array can be shared: nobody can write to it through ``arr`` or through its bases (an
    array over some other buffer, which might be written to, does not count).
    """
    while arr is not None:
        if not isinstance(arr, np.ndarray) or arr.flags.writeable:
            return False
        arr = arr.base
    return True


def freeze(*arrays: np.ndarray) -> None:
    """Make ``arrays`` read-only in place, so that records take them (and row views of them) uncopied."""
    for arr in arrays:
        arr.setflags(write=False)


@lru_cache(maxsize=64)
def weight_shapes(layers: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Shapes ``(n_l, n_{l-1})`` of ``W^1 .. W^L``."""
    return tuple((layers[i + 1], layers[i]) for i in range(len(layers) - 1))


@lru_cache(maxsize=64)
def vector_shapes(layers: tuple[int, ...], start: int = 1) -> tuple[tuple[int], ...]:
    """Shapes ``(n_l,)`` for layers ``start .. L``."""
    return tuple((n,) for n in layers[start:])


@lru_cache(maxsize=64)
def row_shapes(layers: tuple[int, ...], m: int, start: int = 1) -> tuple[tuple[int, int], ...]:
    """Shapes ``(m, n_l)`` for layers ``start .. L``: ``m`` samples, one per row."""
    return tuple((m, n) for n in layers[start:])


@lru_cache(maxsize=64)
def _all_row_shapes(layers: tuple[int, ...], m: int) -> tuple[tuple[int, ...], ...]:
    """The shapes of :class:`SampleRows`' ``y``, ``loss``, ``z``, ``a`` and ``delta``, in that order."""
    per_layer = row_shapes(layers, m)
    return ((m, layers[-1]), (m,), *per_layer, *row_shapes(layers, m, start=0), *per_layer)


def _check_shapes(what: str, name: str, arrays: tuple[np.ndarray, ...], shapes: tuple[tuple, ...]) -> None:
    """Raise :class:`TraceError`, naming ``what.name[i]``, unless ``arrays`` have the ``shapes``."""
    if tuple(arr.shape for arr in arrays) == shapes:
        return
    if len(arrays) != len(shapes):
        raise TraceError(f"{what}.{name}: {len(arrays)} arrays, expected {len(shapes)}")
    for i, (arr, shape) in enumerate(zip(arrays, shapes)):
        if arr.shape != shape:
            raise TraceError(f"{what}.{name}[{i}]: shape {arr.shape}, expected {shape}")


@dataclass(frozen=True, eq=False, slots=True)
class Params:
    """Weights ``W^1..W^L`` and biases ``b^1..b^L`` at one moment."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", frozen_arrays(self.weights))
        object.__setattr__(self, "biases", frozen_arrays(self.biases))

    def check(self, layers: tuple[int, ...], what: str) -> None:
        """Raise :class:`TraceError` unless the shapes fit ``layers``."""
        _check_shapes(what, "weights", self.weights, weight_shapes(layers))
        _check_shapes(what, "biases", self.biases, vector_shapes(layers))


@dataclass(frozen=True, eq=False, slots=True)
class SampleRecord:
    """Forward and backward numbers of one sample, with the parameters at the start of its step."""

    sample: int
    x: np.ndarray
    y: np.ndarray
    z: tuple[np.ndarray, ...]
    a: tuple[np.ndarray, ...]
    loss: float
    delta: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", frozen_array(self.x))
        object.__setattr__(self, "y", frozen_array(self.y))
        for name in ("z", "a", "delta"):
            object.__setattr__(self, name, frozen_arrays(getattr(self, name)))
        object.__setattr__(self, "loss", float(self.loss))

    def check(self, layers: tuple[int, ...], what: str) -> None:
        """Raise :class:`TraceError` unless the shapes fit ``layers``."""
        _check_shapes(what, "z", self.z, vector_shapes(layers))
        _check_shapes(what, "delta", self.delta, vector_shapes(layers))
        _check_shapes(what, "a", self.a, vector_shapes(layers, start=0))
        if self.a[0] is not self.x and not np.array_equal(self.a[0], self.x):
            raise TraceError(f"{what}: a[0] differs from x")
        if self.y.shape != (layers[-1],):
            raise TraceError(f"{what}.y: shape {self.y.shape}, expected ({layers[-1]},)")


class SampleRows(Sequence[SampleRecord]):
    """The records of a step's samples, made when asked for from the arrays of the step's passes.

    Row ``k`` of each array is the ``k``-th sample of the step (a batch, one sample per row, as
    :func:`~backprop_core.network.forward` and :func:`~backprop_core.network.backward` give it):
    ``y`` (``(m, n_L)``), ``loss`` (``(m,)``), and per layer ``z``, ``a`` (``a[0]`` is ``x``) and
    ``delta`` (``(m, n_l)``). The arrays become the trace's: they are frozen, not copied. Training
    keeps these few arrays for a step, and ``rows[k]`` is the :class:`SampleRecord` of its ``k``-th
    sample, made of row views of them at the first ask.
    """

    def __init__(self, samples, y: np.ndarray, z, a, loss: np.ndarray, delta):
        self.samples = tuple(map(int, samples))
        self.y, self.z, self.a, self.loss, self.delta = y, tuple(z), tuple(a), loss, tuple(delta)
        freeze(y, *self.z, *self.a, loss, *self.delta)
        self._records: list[SampleRecord | None] = [None] * len(self.samples)

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[i] for i in range(len(self))[k])
        if self._records[k] is None:
            rows_a = [a[k] for a in self.a]  # rows_a[0] is x
            self._records[k] = SampleRecord(self.samples[k], rows_a[0], self.y[k], [z[k] for z in self.z],
                                            rows_a, self.loss[k], [d[k] for d in self.delta])
        return self._records[k]

    def check(self, layers: tuple[int, ...], what: str) -> None:
        """Raise :class:`TraceError` unless the shapes fit ``layers`` and the number of samples."""
        m = len(self.samples)
        shapes = tuple([arr.shape for arr in (self.y, self.loss, *self.z, *self.a, *self.delta)])
        if len(self.z) == len(self.delta) == len(layers) - 1 and shapes == _all_row_shapes(layers, m):
            return  # all at once; else one by one, to name the one that does not fit
        _check_shapes(what, "z", self.z, row_shapes(layers, m))
        _check_shapes(what, "delta", self.delta, row_shapes(layers, m))
        _check_shapes(what, "a", self.a, row_shapes(layers, m, start=0))
        _check_shapes(what, "y", (self.y,), ((m, layers[-1]),))
        _check_shapes(what, "loss", (self.loss,), ((m,),))


@dataclass(frozen=True, eq=False, slots=True)
class Step:
    """One parameter update: the samples it used, their numbers, the gradient applied.

    ``loss`` is the mean per-sample loss of the step's samples (parameters ``before``);
    ``grad_weights``/``grad_biases`` are the mean per-sample gradients actually applied.
    """

    index: int
    epoch: int
    samples: tuple[int, ...]
    per_sample: tuple[SampleRecord, ...] | SampleRows
    loss: float
    before: Params
    grad_weights: tuple[np.ndarray, ...]
    grad_biases: tuple[np.ndarray, ...]
    after: Params

    def __post_init__(self) -> None:
        object.__setattr__(self, "samples", tuple(map(int, self.samples)))
        if not isinstance(self.per_sample, SampleRows):
            object.__setattr__(self, "per_sample", tuple(self.per_sample))
        object.__setattr__(self, "grad_weights", frozen_arrays(self.grad_weights))
        object.__setattr__(self, "grad_biases", frozen_arrays(self.grad_biases))
        object.__setattr__(self, "loss", float(self.loss))

    def check(self, layers: tuple[int, ...], checked: set[int] | None = None) -> None:
        """Raise :class:`TraceError` unless shapes and sample indices agree.

        ``checked`` holds the ids of :class:`Params` already checked (a step's ``before`` is
        usually the step before's ``after``): they are not checked again, and this step's are added.
        """
        what = f"steps[{self.index}]"
        if isinstance(self.per_sample, SampleRows):  # the passes' arrays, one row per sample
            if self.per_sample.samples != self.samples:
                raise TraceError(f"{what}: per_sample does not follow samples")
            self.per_sample.check(layers, f"{what}.per_sample")
        else:
            if [r.sample for r in self.per_sample] != list(self.samples):
                raise TraceError(f"{what}: per_sample does not follow samples")
            for i, rec in enumerate(self.per_sample):
                rec.check(layers, f"{what}.per_sample[{i}]")
        checked = set() if checked is None else checked
        for name, params in (("before", self.before), ("after", self.after)):
            if id(params) not in checked:
                params.check(layers, f"{what}.{name}")
                checked.add(id(params))
        _check_shapes(what, "grad_weights", self.grad_weights, weight_shapes(layers))
        _check_shapes(what, "grad_biases", self.grad_biases, vector_shapes(layers))

    def record(self, sample: int) -> SampleRecord:
        """The record of dataset sample ``sample`` in this step."""
        for k, s in enumerate(self.samples):
            if s == sample:
                return self.per_sample[k]
        raise KeyError(f"sample {sample} is not in step {self.index} (samples {list(self.samples)})")


@dataclass(frozen=True, eq=False, slots=True)
class EpochRecord:
    """Mean loss over the training set with the parameters at the end of ``epoch``.

    Epoch 0 holds the initial parameters. ``accuracy`` is ``None`` unless the targets
    are class labels (every target 0 or 1). ``outputs`` holds the network's output for every
    training sample (row ``i``: sample ``i``, shape ``(n_samples, n_L)``) with these parameters;
    :func:`~backprop_core.train.train` records it for the first and the last epoch only
    (``None`` elsewhere).
    """

    epoch: int
    loss: float
    accuracy: float | None
    params: Params
    outputs: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.outputs is not None:
            object.__setattr__(self, "outputs", frozen_array(self.outputs))


@dataclass(frozen=True)
class Stopped:
    """Why a run ended early (a NaN or infinite value)."""

    epoch: int
    step: int
    layer: int
    message: str


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything one training run computed.

    Parameters
    ----------
    config : dict
        The resolved config (every default filled in), as plain JSON-able data.
    initial : Params
        Parameters before the first step.
    steps : tuple of Step
        Recorded steps, in order (all of them, or as ``[training] record`` says).
    epochs : tuple of EpochRecord
        ``epochs[0]`` is before training; ``epochs[e]`` after epoch ``e``.
    stopped : Stopped or None
        Set when training stopped on a non-finite value.
    """

    config: dict
    initial: Params
    steps: tuple[Step, ...]
    epochs: tuple[EpochRecord, ...]
    stopped: Stopped | None = None
    layers: tuple[int, ...] = field(init=False)
    activations: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        net = self.config["network"]
        object.__setattr__(self, "layers", tuple(int(n) for n in net["layers"]))
        object.__setattr__(self, "activations", tuple(net["activations"]))
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "epochs", tuple(self.epochs))
        self.initial.check(self.layers, "initial")
        checked = {id(self.initial)}  # Params shared between records are checked once
        for pos, step in enumerate(self.steps):
            step.check(self.layers, checked)
            if pos and step.index <= self.steps[pos - 1].index:
                raise TraceError(f"steps[{pos}]: index {step.index} does not increase")
        n_samples = len(self.config["data"]["inputs"])
        for pos, ep in enumerate(self.epochs):
            if ep.epoch != pos:
                raise TraceError(f"epochs[{pos}]: epoch {ep.epoch}, expected {pos}")
            if id(ep.params) not in checked:
                ep.params.check(self.layers, f"epochs[{pos}]")
            if ep.outputs is not None:
                shape = (n_samples, self.layers[-1])
                if ep.outputs.shape != shape:
                    raise TraceError(f"epochs[{pos}].outputs: shape {ep.outputs.shape}, expected {shape}")

    @property
    def loss_name(self) -> str:
        """The configured loss."""
        return self.config["training"]["loss"]

    @property
    def final(self) -> Params:
        """Parameters at the end of the run."""
        return self.epochs[-1].params

    def step(self, index: int) -> Step:
        """The recorded step whose ``index`` is ``index``."""
        for s in self.steps:
            if s.index == index:
                return s
        raise KeyError(f"step {index} is not recorded (recorded: {len(self.steps)} steps)")
