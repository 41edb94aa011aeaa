"""A trace checked against its own equations before it is believed.

A trace file is data a user can edit: a loss set by hand would be shown next to an equation
that gives another number. :func:`retrained` runs the engine again from the trace's config
(the initial parameters follow from it: its seed or its explicit weights), and
:func:`first_difference` compares every recorded number with the one the engine gives (at
:data:`RTOL` relative), in the order of the file: the initial parameters, each step (its
epoch, samples, loss, every sample's ``x``, ``y``, ``z``, ``a``, loss and ``delta``, the
parameters before, the gradients, the parameters after), each epoch, and why the run stopped.
Since the run is the one the config describes, an edited learning rate shows as the parameters
after the first step that disagree with it. :func:`first_non_finite` finds NaN or infinity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from .config import Config
from .trace import Params, Step, Trace
from .train import TraceTooLarge, TrainingDiverged, train

RTOL = 1e-9
"""Largest relative difference between a recorded number and the engine's."""


def retrained(cfg: Config, progress: Callable[[int, int], None] | None = None) -> Trace | str:
    """The trace ``cfg`` gives, or why it gives none (a run that diverges at once, a trace too large).

    ``progress(epoch, epochs)`` as for :func:`~backprop_core.train.train`.
    """
    try:
        return train(cfg, progress)
    except TrainingDiverged as err:
        return err.trace if err.trace is not None else str(err)
    except TraceTooLarge as err:
        return str(err)


def _arrays(name: str, got, want) -> Iterator[tuple[str, object, object]]:
    if len(got) != len(want):
        yield f"{name}", f"{len(got)} arrays", f"{len(want)}"
        return
    for i, (g, w) in enumerate(zip(got, want)):
        yield from _array(f"{name}[{i}]", g, w)


def _array(name: str, got, want) -> Iterator[tuple[str, object, object]]:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        yield name, f"of shape {got.shape}", f"shape {want.shape}"
        return
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    close = np.abs(got - want) <= RTOL * np.maximum(np.abs(want), scale)
    if not np.all(close):
        where = np.unravel_index(int(np.argmin(close)), got.shape)
        index = "".join(f"[{int(i)}]" for i in where)
        yield f"{name}{index}", float(got[where]), float(want[where])


def _number(name: str, got, want) -> Iterator[tuple[str, object, object]]:
    if got is None or want is None:
        if got is not want:
            yield name, got, want
        return
    got, want = float(got), float(want)
    if not abs(got - want) <= RTOL * abs(want):
        yield name, got, want


def _params(name: str, got: Params, want: Params, suffix: str = "") -> Iterator:
    yield from _arrays(f"{name}weights{suffix}", got.weights, want.weights)
    yield from _arrays(f"{name}biases{suffix}", got.biases, want.biases)


def _step(name: str, got: Step, want: Step) -> Iterator:
    for field in ("index", "epoch", "samples"):
        if getattr(got, field) != getattr(want, field):
            yield f"{name}.{field}", getattr(got, field), getattr(want, field)
    yield from _number(f"{name}.loss", got.loss, want.loss)
    for k, (g, w) in enumerate(zip(got.per_sample, want.per_sample)):
        where = f"{name}.per_sample[{k}]"
        yield from _array(f"{where}.x", g.x, w.x)
        yield from _array(f"{where}.y", g.y, w.y)
        yield from _arrays(f"{where}.z", g.z, w.z)
        yield from _arrays(f"{where}.a", g.a, w.a)
        yield from _number(f"{where}.loss", g.loss, w.loss)
        yield from _arrays(f"{where}.delta", g.delta, w.delta)
    yield from _params(f"{name}.", got.before, want.before, "_before")
    yield from _arrays(f"{name}.grad_weights", got.grad_weights, want.grad_weights)
    yield from _arrays(f"{name}.grad_biases", got.grad_biases, want.grad_biases)
    yield from _params(f"{name}.", got.after, want.after, "_after")


def differences(got: Trace, want: Trace) -> Iterator[tuple[str, object, object]]:
    """Every ``(field, recorded, expected)`` where ``got`` departs from ``want``, in file order."""
    yield from _params("initial.", got.initial, want.initial)
    if len(got.steps) != len(want.steps):
        yield "steps", f"{len(got.steps)} recorded", f"{len(want.steps)}"
    for i, (g, w) in enumerate(zip(got.steps, want.steps)):
        yield from _step(f"steps[{i}]", g, w)
    if len(got.epochs) != len(want.epochs):
        yield "epochs", f"{len(got.epochs)} recorded", f"{len(want.epochs)}"
    for i, (g, w) in enumerate(zip(got.epochs, want.epochs)):
        yield from _number(f"epochs[{i}].loss", g.loss, w.loss)
        yield from _number(f"epochs[{i}].accuracy", g.accuracy, w.accuracy)
        yield from _params(f"epochs[{i}].", g.params, w.params)
        if g.outputs is None:  # not recorded: traces written before epochs kept outputs have none
            continue
        if w.outputs is None:
            yield f"epochs[{i}].outputs", "recorded", None
        else:
            yield from _array(f"epochs[{i}].outputs", g.outputs, w.outputs)
    if got.stopped != want.stopped:
        yield "stopped", got.stopped, want.stopped


def _params_arrays(params: Params) -> list:
    return [*params.weights, *params.biases]


def numbers(trace: Trace) -> np.ndarray:
    """Every number of ``trace`` in file order, as one flat array (counts and indices included)."""
    parts: list = [_params_arrays(trace.initial), [[len(trace.steps), len(trace.epochs)]]]
    for step in trace.steps:
        parts.append([[step.index, step.epoch, len(step.samples), *step.samples, step.loss]])
        for rec in step.per_sample:
            parts.append([rec.x, rec.y, *rec.z, *rec.a, [rec.loss], *rec.delta])
        parts += [_params_arrays(step.before), step.grad_weights, step.grad_biases,
                  _params_arrays(step.after)]
    for epoch in trace.epochs:
        accuracy = -1.0 if epoch.accuracy is None else epoch.accuracy
        parts += [[[epoch.loss, accuracy, epoch.outputs is not None]], _params_arrays(epoch.params)]
        if epoch.outputs is not None:
            parts.append([epoch.outputs])
    return np.concatenate([np.ravel(np.asarray(a, dtype=float)) for part in parts for a in part])


def first_difference(got: Trace, want: Trace) -> tuple[str, object, object] | None:
    """The first of :func:`differences`, or ``None`` when every number agrees.

    The same engine on the same machine gives the same bits: the traces are first compared as
    two flat arrays (:func:`numbers`), and walked field by field only when they differ.
    """
    if got.stopped == want.stopped and np.array_equal(numbers(got), numbers(want)):
        return None
    return next(differences(got, want), None)


def first_non_finite(data: dict) -> str | None:
    """The JSON path of the first NaN or infinite number in trace data (``io.to_dict`` layout)."""

    def walk(value, path: str) -> str | None:
        if isinstance(value, float):
            return None if np.isfinite(value) else path
        if isinstance(value, list):
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                arr = None
            if arr is not None and arr.dtype == float:
                if np.all(np.isfinite(arr)):
                    return None
                where = np.unravel_index(int(np.argmin(np.isfinite(arr))), arr.shape)
                return path + "".join(f"[{int(i)}]" for i in where)
            for i, item in enumerate(value):
                found = walk(item, f"{path}[{i}]")
                if found:
                    return found
        if isinstance(value, dict):
            for key, item in value.items():
                found = walk(item, f"{path}.{key}" if path else key)
                if found:
                    return found
        return None

    return walk(data, "")
