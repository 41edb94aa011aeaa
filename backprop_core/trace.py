"""The trace: frozen, read-only records of every number a training run produced.

Conventions (docs/trace-format.md): layers ``0..L``, layer 0 is the input. ``weights[l - 1]``
is ``W^l`` with shape ``(n_l, n_{l-1})``; lists of per-layer vectors are indexed the same
way (``z[l - 1]`` is ``z^l``), except ``a``, which starts at ``a^0 = x`` (``a[l]`` is
``a^l``). ``delta^l = dE/dz^l`` of one sample. Every array is read-only and the trace's
own: a copy of what the caller passed in, unless that already was read-only all the way
down (:func:`is_frozen`: training freezes its passes' fresh arrays and records row views of
them). Records may share a :class:`Params` (:func:`~backprop_core.train.train` gives a step's
``after`` as the next step's ``before`` and as the epoch's ``params``). Every record checks its
shapes when the :class:`Trace` is built, but for the steps training made (:class:`Steps`).

Examples
--------
>>> from backprop_core import run_preset
>>> trace = run_preset("mazur")
>>> round(trace.steps[0].per_sample[0].loss, 9)
0.298371109
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


@dataclass(frozen=True, eq=False, slots=True)
class Step:
    """One parameter update: the samples it used, their numbers, the gradient applied.

    ``loss`` is the mean per-sample loss of the step's samples (parameters ``before``);
    ``grad_weights``/``grad_biases`` are the mean per-sample gradients actually applied.
    """

    index: int
    epoch: int
    samples: tuple[int, ...]
    per_sample: tuple[SampleRecord, ...]
    loss: float
    before: Params
    grad_weights: tuple[np.ndarray, ...]
    grad_biases: tuple[np.ndarray, ...]
    after: Params

    def __post_init__(self) -> None:
        object.__setattr__(self, "samples", tuple(int(s) for s in self.samples))
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
        for rec in self.per_sample:
            if rec.sample == sample:
                return rec
        raise KeyError(f"sample {sample} is not in step {self.index} (samples {list(self.samples)})")


class Steps(Sequence[Step]):
    """Recorded steps, each made into its :class:`Step` when it is first asked for.

    ``makers[i]()`` makes step ``i``. Training records a step as the arrays its passes computed
    and makes the :class:`Step` (with a :class:`SampleRecord` per sample) from them only when the
    trace is read: a run of many small steps costs no records until then. The steps come from the
    passes, so the :class:`Trace` does not check their shapes.
    """

    def __init__(self, makers: Iterable[Callable[[], Step]]):
        self._makers = list(makers)
        self._made: list[Step | None] = [None] * len(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[k] for k in range(len(self))[i])
        if self._made[i] is None:
            self._made[i] = self._makers[i]()
        return self._made[i]

    def __eq__(self, other: object) -> bool:
        """Equal to a tuple (or :class:`Steps`) of the same steps, as a tuple of steps would be."""
        if not isinstance(other, tuple | Steps):
            return NotImplemented
        return tuple(self) == tuple(other)


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
    steps : tuple of Step, or Steps
        Recorded steps, in order (all of them, or as ``[training] record`` says); training gives
        :class:`Steps`, made when read.
    epochs : tuple of EpochRecord
        ``epochs[0]`` is before training; ``epochs[e]`` after epoch ``e``.
    stopped : Stopped or None
        Set when training stopped on a non-finite value.
    """

    config: dict
    initial: Params
    steps: tuple[Step, ...] | Steps
    epochs: tuple[EpochRecord, ...]
    stopped: Stopped | None = None
    layers: tuple[int, ...] = field(init=False)
    activations: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        net = self.config["network"]
        object.__setattr__(self, "layers", tuple(int(n) for n in net["layers"]))
        object.__setattr__(self, "activations", tuple(net["activations"]))
        object.__setattr__(self, "epochs", tuple(self.epochs))
        self.initial.check(self.layers, "initial")
        checked = {id(self.initial)}  # Params shared between records are checked once
        if not isinstance(self.steps, Steps):
            object.__setattr__(self, "steps", tuple(self.steps))
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
