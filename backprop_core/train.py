"""Gradient-descent training that records a :class:`~backprop_core.trace.Trace`.

``online``: one update per sample, right after its backward pass. ``batch``: one update
per epoch with the mean gradient over the training set. ``minibatch``: one update per
``batch_size`` samples (the last batch may be smaller), with their mean gradient.
Hidden deltas always use the weights from before the update.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .errors import BpvizError
from .network import NonFiniteError, backward, forward, gradients, init_params
from .trace import EpochRecord, Params, SampleRecord, Step, Stopped, Trace

MAX_TRACE_NUMBERS = 20_000_000
"""A trace above this many numbers (about 400 MB of JSON) is refused; ``record`` keeps it small."""


class TrainingDiverged(BpvizError):
    """Training met NaN or infinity; ``trace`` holds everything recorded before it."""

    def __init__(self, message: str, trace: Trace):
        super().__init__(message)
        self.trace = trace


class TraceTooLarge(BpvizError):
    """The trace the config asks for would be too large to keep."""


def initial_params(cfg: Config) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The explicit parameters of ``cfg``, or seeded ones."""
    weights, biases = init_params(cfg.layers, cfg.init, cfg.seed, cfg.init_range, cfg.use_biases)
    if cfg.weights is not None:
        weights = [np.array(w, dtype=float) for w in cfg.weights]
    if cfg.biases is not None and cfg.use_biases:
        biases = [np.array(b, dtype=float) for b in cfg.biases]
    return weights, biases


def batches(cfg: Config, rng: np.random.Generator | None) -> list[np.ndarray]:
    """The sample indices of each step of one epoch, in order."""
    n = len(cfg.inputs)
    order = rng.permutation(n) if rng is not None else np.arange(n)
    size = {"online": 1, "batch": n, "minibatch": cfg.batch_size}[cfg.mode]
    return [order[i : i + size] for i in range(0, n, size)]


def is_recorded(cfg: Config, index: int) -> bool:
    """Whether step ``index`` is kept under ``[training] record``."""
    if cfg.record == "all":
        return True
    if cfg.record == "epochs":
        return False
    return index % int(cfg.record) == 0


def trace_size(cfg: Config) -> int:
    """How many numbers the trace of ``cfg`` will hold (an estimate within a few percent)."""
    layers = cfg.layers
    n_params = sum(a * b + a for a, b in zip(layers[1:], layers[:-1]))
    per_sample = 2 * layers[0] + 2 * layers[-1] + 3 * sum(layers[1:])
    n = len(cfg.inputs)
    steps_per_epoch = len(batches(cfg, None))
    total_steps = steps_per_epoch * cfg.epochs
    if cfg.record == "all":
        recorded = total_steps
    else:
        recorded = sum(1 for i in range(total_steps) if is_recorded(cfg, i))
    per_step = 3 * n_params + per_sample * (n / steps_per_epoch)
    return int(recorded * per_step + (cfg.epochs + 1) * n_params)


def evaluate(cfg: Config, weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[float, float | None]:
    """Mean per-sample loss over the training set, and accuracy when targets are class labels."""
    total, correct = 0.0, 0
    labels = bool(np.all((cfg.targets == 0) | (cfg.targets == 1)))
    one_hot = labels and cfg.layers[-1] > 1 and bool(np.all(cfg.targets.sum(axis=1) == 1))
    for x, y in zip(cfg.inputs, cfg.targets):
        fwd = forward(weights, biases, cfg.activations, x)
        e, _ = backward(weights, cfg.activations, cfg.loss, fwd, y)
        total += e
        out = fwd.a[-1]
        if one_hot:
            correct += int(np.argmax(out) == np.argmax(y))
        elif labels:
            correct += int(np.all((out >= 0.5) == (y == 1)))
    n = len(cfg.inputs)
    return total / n, (correct / n if labels else None)


def train(cfg: Config) -> Trace:
    """Train as ``cfg`` says and return the trace.

    Raises
    ------
    TraceTooLarge
        If the trace would exceed :data:`MAX_TRACE_NUMBERS`.
    TrainingDiverged
        If a value becomes NaN or infinite; its ``trace`` holds the steps before it.
    """
    size = trace_size(cfg)
    if size > MAX_TRACE_NUMBERS:
        raise TraceTooLarge(
            f"[training] record: the trace would hold about {size / 1e6:.0f} million numbers "
            f"(about {size * 20 / 1e9:.1f} GB of JSON); set record = \"epochs\" or record = N "
            "(every N-th step)"
        )
    weights, biases = initial_params(cfg)
    initial = Params(weights, biases)
    rng = np.random.default_rng(cfg.shuffle_seed) if cfg.shuffle else None
    learn_biases = cfg.use_biases and cfg.update_biases
    steps: list[Step] = []
    loss0, acc0 = evaluate(cfg, weights, biases)
    epochs = [EpochRecord(0, loss0, acc0, initial)]
    index, epoch = 0, 1
    try:
        for epoch in range(1, cfg.epochs + 1):
            for batch in batches(cfg, rng):
                weights, biases = _step(cfg, weights, biases, batch, index, epoch, learn_biases, steps)
                index += 1
            loss, acc = evaluate(cfg, weights, biases)
            epochs.append(EpochRecord(epoch, loss, acc, Params(weights, biases)))
    except NonFiniteError as err:
        stopped = Stopped(epoch, index, err.layer, str(err))
        partial = Trace(cfg.to_dict(), initial, tuple(steps), tuple(epochs), stopped)
        raise TrainingDiverged(
            f"training diverged at epoch {epoch}, step {index}: {err} "
            f"(lower [training] learning_rate, now {cfg.learning_rate})",
            partial,
        ) from None
    return Trace(cfg.to_dict(), initial, tuple(steps), tuple(epochs))


def _step(cfg, weights, biases, batch, index, epoch, learn_biases, steps):
    """One update over the samples ``batch``; appends a :class:`Step` when it is recorded."""
    keep = is_recorded(cfg, index)
    records = []
    sum_w = [np.zeros_like(w) for w in weights]
    sum_b = [np.zeros_like(b) for b in biases]
    total = 0.0
    for i in batch:
        x, y = cfg.inputs[i], cfg.targets[i]
        fwd = forward(weights, biases, cfg.activations, x)
        e, deltas = backward(weights, cfg.activations, cfg.loss, fwd, y)
        gw, gb = gradients(fwd.a, deltas)
        for acc, g in zip(sum_w, gw):
            acc += g
        for acc, g in zip(sum_b, gb):
            acc += g
        total += e
        if keep:
            records.append(SampleRecord(int(i), x, y, fwd.z, fwd.a, e, tuple(deltas)))
    m = len(batch)
    grad_w = [g / m for g in sum_w]
    grad_b = [g / m for g in sum_b]
    new_w = [w - cfg.learning_rate * g for w, g in zip(weights, grad_w)]
    new_b = [b - cfg.learning_rate * g for b, g in zip(biases, grad_b)] if learn_biases else biases
    for layer, (w, b) in enumerate(zip(new_w, new_b), start=1):
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise NonFiniteError(layer, "updated weight")
    if keep:
        steps.append(
            Step(
                index=index,
                epoch=epoch,
                samples=tuple(int(i) for i in batch),
                per_sample=tuple(records),
                loss=total / m,
                before=Params(weights, biases),
                grad_weights=grad_w,
                grad_biases=grad_b,
                after=Params(new_w, new_b),
            )
        )
    return new_w, list(new_b)
