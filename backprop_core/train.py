"""Gradient-descent training that records a :class:`~backprop_core.trace.Trace`.

``online``: one update per sample, right after its backward pass. ``batch``: one update
per epoch with the mean gradient over the training set. ``minibatch``: one update per
``batch_size`` samples (the last batch may be smaller), with their mean gradient.
Every step is :func:`~backprop_core.network.forward` and :func:`~backprop_core.network.backward`
of its samples (a batch, one sample per row; an online step is a batch of one), then
``W <- W - learning_rate * dE/dW`` (and the same for the biases unless they are frozen).
Hidden deltas always use the weights from before the update. Every number of a step is checked
for NaN and infinity at once (:func:`~backprop_core.network.check_finite`).

``[training] record`` says which steps the trace keeps (all, every N-th, or none): a kept step
keeps its passes' arrays, made into its :class:`~backprop_core.trace.Step` when the trace is
read (:class:`~backprop_core.trace.Steps`). The loss (and accuracy) over the training set is
recorded after every epoch (:func:`evaluate`), with the output for every sample at the first
and the last epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from .config import Config
from .config_checks import ValueChecker
from .errors import BpvizError, ConfigError
from .losses import loss_value
from .network import NonFiniteError, backward, check_finite, forward, init_params
from .trace import EpochRecord, Params, SampleRecord, Step, Steps, Stopped, Trace, freeze

__all__ = ["MAX_TRACE_NUMBERS", "TraceTooLarge", "TrainingDiverged", "batches", "evaluate", "initial_params",
           "is_recorded", "train", "trace_size"]

MAX_TRACE_NUMBERS = 20_000_000
"""A trace above this many numbers (about 400 MB of JSON) is refused; ``record`` keeps it small."""


class TrainingDiverged(BpvizError):
    """Training met NaN or infinity; ``trace`` holds everything recorded before it.

    ``trace`` is ``None`` when the initial parameters already give a non-finite value.
    """

    def __init__(self, message: str, trace: Trace | None):
        super().__init__(message)
        self.trace = trace


class TraceTooLarge(ConfigError):
    """The trace the config asks for would be too large to keep (placed at the config's line)."""


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


def recorded_steps(cfg: Config) -> int:
    """How many steps the trace of ``cfg`` will record (if training does not diverge)."""
    total_steps = len(batches(cfg, None)) * cfg.epochs
    if cfg.record == "all":
        return total_steps
    if cfg.record == "epochs":
        return 0
    return -(-total_steps // int(cfg.record))  # step indices 0, N, 2N, ... below total_steps


def trace_size(cfg: Config) -> int:
    """How many numbers the trace of ``cfg`` will hold (an estimate within a few percent)."""
    layers = cfg.layers
    n_params = sum(a * b + a for a, b in zip(layers[1:], layers[:-1]))
    per_sample = 2 * layers[0] + 2 * layers[-1] + 3 * sum(layers[1:])
    n = len(cfg.inputs)
    steps_per_epoch = len(batches(cfg, None))
    recorded = recorded_steps(cfg)
    per_step = 3 * n_params + per_sample * (n / steps_per_epoch)
    return int(recorded * per_step + (cfg.epochs + 1) * n_params + 2 * n * layers[-1])


def evaluate(cfg: Config, weights, biases) -> tuple[float, float | None, np.ndarray]:
    """Mean loss over the training set, accuracy, and the output ``a^L`` of every sample.

    All samples go through :func:`~backprop_core.network.forward` at once, one per row; row ``i``
    of the outputs is sample ``i``. The accuracy is ``None`` unless the targets are class labels
    (every target 0 or 1): then it is the share of samples whose output gives their class (the
    largest output for one-hot targets, every output on the right side of 0.5 otherwise).
    Raises :class:`~backprop_core.network.NonFiniteError` at the first ``z`` or loss that is
    not finite.
    """
    fwd = forward(weights, biases, cfg.activations, cfg.inputs)
    losses = loss_value(cfg.loss, cfg.activations[-1], fwd.z[-1], fwd.a[-1], cfg.targets)
    check_finite(fwd.z, losses)
    loss = sum(losses.tolist()) / len(losses)  # summed in order, from the first sample
    outputs = fwd.a[-1]
    if cfg.labels is None:
        return loss, None, outputs
    if cfg.labels == "one-hot":  # the largest output
        right = np.argmax(outputs, axis=1) == np.argmax(cfg.targets, axis=1)
    else:
        right = np.all((outputs >= 0.5) == (cfg.targets == 1), axis=1)
    return loss, np.count_nonzero(right) / len(right), outputs


def train(cfg: Config, progress: Callable[[int, int], None] | None = None) -> Trace:
    """Train as ``cfg`` says and return the trace; ``progress(epoch, epochs)`` after every epoch.

    Raises
    ------
    TraceTooLarge
        If the trace would exceed :data:`MAX_TRACE_NUMBERS`.
    TrainingDiverged
        If a value becomes NaN or infinite; its ``trace`` holds the steps before it.
        NumPy's overflow warnings are silenced: non-finite values are detected and reported.
    """
    size = trace_size(cfg)
    if size > MAX_TRACE_NUMBERS:
        key = "epochs" if cfg.record == "epochs" else "record"
        advice = ("lower [training] epochs: every epoch keeps its parameters" if key == "epochs" else
                  "set record = \"epochs\" or record = N (every N-th step)")
        raise TraceTooLarge(
            f"[training] {key}: the trace would hold about {size / 1e6:.0f} million numbers "
            f"(about {size * 20 / 1e9:.1f} GB of JSON); {advice}",
            cfg.source, ValueChecker(cfg.source, cfg.text).line_of("training", key))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _train(cfg, progress)


def _train(cfg: Config, progress: Callable[[int, int], None] | None = None) -> Trace:
    weights, biases = initial_params(cfg)
    initial = Params(weights, biases)
    current = initial  # the record of the current parameters, once one is made (else None)
    rng = np.random.default_rng(cfg.shuffle_seed) if cfg.shuffle else None
    steps: list[Callable[[], Step]] = []  # made into records when the trace is read
    epochs: list[EpochRecord] = []
    index = epoch = 0
    try:
        loss, accuracy, outputs = evaluate(cfg, weights, biases)
        epochs.append(EpochRecord(0, loss, accuracy, initial, outputs))
        for epoch in range(1, cfg.epochs + 1):
            for batch in batches(cfg, rng):
                xs, ys = cfg.inputs[batch], cfg.targets[batch]  # the step's samples, one per row
                fwd = forward(weights, biases, cfg.activations, xs)
                bwd = backward(weights, cfg.activations, cfg.loss, fwd, ys)
                new_weights, new_biases = _update(cfg, weights, biases, bwd)
                check_finite(fwd.z, bwd.loss, bwd.delta, new_weights, new_biases)
                freeze(*new_weights, *new_biases)  # never written again: the trace takes them uncopied
                if is_recorded(cfg, index):
                    before = current or Params(weights, biases)
                    current = Params(new_weights, new_biases)
                    steps.append(partial(_step, index, epoch, batch, fwd, bwd, ys, before, current))
                else:
                    current = None
                weights, biases = new_weights, new_biases
                index += 1
            loss, accuracy, outputs = evaluate(cfg, weights, biases)
            current = current or Params(weights, biases)
            last = epoch == cfg.epochs  # outputs are kept at the first and the last epoch
            epochs.append(EpochRecord(epoch, loss, accuracy, current, outputs if last else None))
            if progress is not None:
                progress(epoch, cfg.epochs)
    except NonFiniteError as err:
        if not epochs:
            raise TrainingDiverged(
                f"{err} before training started; are [network] weights or biases, or [data] values, "
                "too large?", None) from None
        stopped = Stopped(epoch, index, err.layer, str(err))
        partial_trace = Trace(cfg.to_dict(), initial, Steps(steps), tuple(epochs), stopped)
        raise TrainingDiverged(
            f"training diverged at epoch {epoch}, step {index}: {err} "
            f"(lower [training] learning_rate, now {cfg.learning_rate})",
            partial_trace,
        ) from None
    return Trace(cfg.to_dict(), initial, Steps(steps), tuple(epochs))


def _update(cfg: Config, weights, biases, bwd) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``W - learning_rate * dE/dW`` (and the same for ``b``, unless the biases are frozen), as new arrays."""
    new_weights = [w - cfg.learning_rate * g for w, g in zip(weights, bwd.grad_weights)]
    new_biases = biases
    if cfg.use_biases and cfg.update_biases:
        new_biases = [b - cfg.learning_rate * g for b, g in zip(biases, bwd.grad_biases)]
    return new_weights, new_biases


def _step(index: int, epoch: int, batch: np.ndarray, fwd, bwd, ys: np.ndarray, before: Params,
          after: Params) -> Step:
    """The record of one step: row ``k`` of the passes' arrays is sample ``batch[k]``.

    The passes' arrays are fresh and nobody else's, so they are frozen as they are and each
    sample's record keeps row views of them (no copies).
    """
    freeze(ys, *fwd.z, *fwd.a, *bwd.delta, *bwd.grad_weights, *bwd.grad_biases)
    records = []
    for k, i in enumerate(batch):
        rows_a = [a[k] for a in fwd.a]  # rows_a[0] is x
        records.append(SampleRecord(int(i), rows_a[0], ys[k], [z[k] for z in fwd.z], rows_a,
                                    float(bwd.loss[k]), [d[k] for d in bwd.delta]))
    mean_loss = sum(record.loss for record in records) / len(records)
    return Step(index, epoch, tuple(batch), tuple(records), mean_loss, before, bwd.grad_weights,
                bwd.grad_biases, after)
