"""Gradient-descent training that records a :class:`~backprop_core.trace.Trace`.

``online``: one update per sample, right after its backward pass. ``batch``: one update
per epoch with the mean gradient over the training set. ``minibatch``: one update per
``batch_size`` samples (the last batch may be smaller), with their mean gradient.
Hidden deltas always use the weights from before the update.

Recording is kept cheap without changing a bit of any number: the parameters live in one
flat read-only vector per update (its views are the trace's arrays, so ``after`` of a step
is ``before`` of the next, with no copy; recorded vectors are rows of large blocks); records
take the arrays each step has just made, marked read-only, instead of copying them, and are
built without ``__init__`` (:mod:`~backprop_core.records`); one fused call makes a sample's
forward and backward pass (:class:`~backprop_core.passes.SamplePass`, whose non-finite delta
checks an online step makes through the updated weights); the evaluation at the end of an
epoch runs all samples at once (:func:`~backprop_core.passes.stacked_pass`) and the next step
reuses what it computed, as do the outputs recorded at the first and last epoch; the trace's
checks of the steps run a chunk at a time while the records are still in the processor's
cache (:class:`~backprop_core.trace_checks.StepVerifier`). ``benchmarks/bench_core.py``
measures the cost of tracing.
"""

from __future__ import annotations

import gc

import numpy as np

from .config import Config
from .errors import BpvizError
from .evaluation import evaluate
from .network import NonFiniteError
from .records import new_epoch
from .run_state import RunState, initial_params
from .trace import EpochRecord, Stopped, Trace
from .trace_checks import StepVerifier, verified

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


class TraceTooLarge(BpvizError):
    """The trace the config asks for would be too large to keep."""


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


def train(cfg: Config) -> Trace:
    """Train as ``cfg`` says and return the trace.

    Raises
    ------
    TraceTooLarge
        If the trace would exceed :data:`MAX_TRACE_NUMBERS`.
    TrainingDiverged
        If a value becomes NaN or infinite; its ``trace`` holds the steps before it.
        NumPy's overflow warnings are silenced: non-finite values are detected and reported.

    The cyclic garbage collector is paused meanwhile (and resumed after): it would scan the
    growing trace again and again, and the trace makes no reference cycle.
    """
    gc_was_on = gc.isenabled()
    gc.disable()  # the trace grows by many small objects and holds no cycle: no collection needed
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return _train(cfg)
    finally:
        if gc_was_on:
            gc.enable()


def _train(cfg: Config) -> Trace:
    size = trace_size(cfg)
    if size > MAX_TRACE_NUMBERS:
        raise TraceTooLarge(
            f"[training] record: the trace would hold about {size / 1e6:.0f} million numbers "
            f"(about {size * 20 / 1e9:.1f} GB of JSON); set record = \"epochs\" or record = N "
            "(every N-th step)"
        )
    run = RunState(cfg, recorded_steps(cfg))
    initial = run.params
    rng = np.random.default_rng(cfg.shuffle_seed) if cfg.shuffle else None
    fixed_order = None if rng is not None else [b.tolist() for b in batches(cfg, None)]
    epochs: list[EpochRecord] = []
    index, epoch = 0, 0
    every = {"all": 1, "epochs": 0}.get(cfg.record, cfg.record)  # is_recorded, inlined
    verifier = StepVerifier(cfg.layers, initial)  # the trace's checks of the steps, as they come
    step = run.online_step if cfg.mode == "online" else run.step
    evaluate, snapshot, update, last = run.evaluate, run.snapshot, verifier.update, cfg.epochs
    try:
        loss0, acc0 = evaluate()  # with the outputs of every sample (sample_outputs)
        epochs.append(new_epoch(0, loss0, acc0, initial, run.outputs()))
        for epoch in range(1, last + 1):
            for batch in fixed_order or [b.tolist() for b in batches(cfg, rng)]:
                step(batch, index, epoch, every == 1 or (every > 0 and index % every == 0))
                index += 1
            update(run.steps)
            loss, acc = evaluate()
            # the outputs of every sample at the first and the last epoch
            epochs.append(new_epoch(epoch, loss, acc, snapshot(), run.outputs() if epoch == last else None))
    except NonFiniteError as err:
        if not epochs:
            raise TrainingDiverged(
                f"{err} before training started; are [network] weights or biases, or [data] values, "
                "too large?", None) from None
        stopped = Stopped(epoch, index, err.layer, str(err))
        partial = Trace(cfg.to_dict(), initial, tuple(run.steps), tuple(epochs), stopped)
        raise TrainingDiverged(
            f"training diverged at epoch {epoch}, step {index}: {err} "
            f"(lower [training] learning_rate, now {cfg.learning_rate})",
            partial,
        ) from None
    verifier.update(run.steps, final=True)
    steps = tuple(run.steps)
    with verified(steps, verifier):
        return Trace(cfg.to_dict(), initial, steps, tuple(epochs))
