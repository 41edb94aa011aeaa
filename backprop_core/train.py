"""Gradient-descent training that records a :class:`~backprop_core.trace.Trace`.

``online``: one update per sample, right after its backward pass. ``batch``: one update
per epoch with the mean gradient over the training set. ``minibatch``: one update per
``batch_size`` samples (the last batch may be smaller), with their mean gradient.
Hidden deltas always use the weights from before the update.

Recording is kept cheap without changing a bit of any number: the parameters live in one
flat read-only vector per update (its views are the trace's arrays, so ``after`` of a step
is ``before`` of the next, with no copy); records take the arrays each step has just made,
marked read-only, instead of copying them; the evaluation at the end of an epoch runs all
samples at once (:func:`~backprop_core.network.stacked_pass`) and the next step reuses what
it computed. ``benchmarks/bench_core.py`` measures the cost of tracing.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .errors import BpvizError
from .network import (
    NonFiniteError,
    all_finite,
    backward,
    forward,
    gradients,
    init_params,
    stacked_pass,
)
from .trace import EpochRecord, Params, SampleRecord, Step, Stopped, Trace, adopt, frozen_arrays

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
    elif cfg.record == "epochs":
        recorded = 0
    else:
        recorded = -(-total_steps // int(cfg.record))  # step indices 0, N, 2N, ... below total_steps
    per_step = 3 * n_params + per_sample * (n / steps_per_epoch)
    return int(recorded * per_step + (cfg.epochs + 1) * n_params)


def evaluate(cfg: Config, weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[float, float | None]:
    """Mean per-sample loss over the training set, and accuracy when targets are class labels."""
    return _Evaluator(cfg)(weights, biases)


class _Evaluator:
    """:func:`evaluate` for one config, with what does not depend on the parameters worked out once.

    With two samples or more, all of them go through :func:`~backprop_core.network.stacked_pass`
    at once (the same numbers, bit for bit); when it declines (a value is not finite, or an
    activation is not element-wise), the per-sample loop runs and raises as it always did.
    :meth:`run` also hands back every sample's forward and backward numbers, which the next
    step reuses while the parameters have not changed.
    """

    def __init__(self, cfg: Config, xs=None, ys=None):
        self.cfg = cfg
        self.xs = cfg.inputs if xs is None else xs
        self.ys = cfg.targets if ys is None else ys
        self.labels = bool(np.all((cfg.targets == 0) | (cfg.targets == 1)))
        self.one_hot = (self.labels and cfg.layers[-1] > 1
                        and bool(np.all(cfg.targets.sum(axis=1) == 1)))
        self.is_one = cfg.targets == 1

    def __call__(self, weights, biases) -> tuple[float, float | None]:
        loss, acc, _ = self.run(weights, biases)
        return loss, acc

    def run(self, weights, biases):
        """Mean loss, accuracy, and a function ``i -> (Forward, loss, deltas)`` of sample ``i``."""
        cfg = self.cfg
        n = len(cfg.inputs)
        stacked = None
        if n > 1:
            stacked = stacked_pass(weights, biases, cfg.activations, cfg.loss, cfg.inputs, cfg.targets)
        if stacked is None:
            return self._per_sample(weights, biases)
        total = 0.0
        for e in stacked.loss:
            total += e
        out, y = stacked.a[-1], cfg.targets
        correct = 0
        if self.one_hot:
            correct = int(np.count_nonzero(np.argmax(out, axis=1) == np.argmax(y, axis=1)))
        elif self.labels:
            correct = int(np.count_nonzero(((out >= 0.5) == self.is_one).all(axis=1)))
        xs = self.xs
        return total / n, (correct / n if self.labels else None), lambda i: stacked.sample(i, xs[i])

    def _per_sample(self, weights, biases):
        cfg, labels, one_hot = self.cfg, self.labels, self.one_hot
        total, correct = 0.0, 0
        kept = []
        for x, y in zip(self.xs, self.ys):
            fwd = forward(weights, biases, cfg.activations, x)
            e, deltas = backward(weights, cfg.activations, cfg.loss, fwd, y)
            kept.append((fwd, e, deltas))
            total += e
            out = fwd.a[-1]
            if one_hot:
                correct += int(np.argmax(out) == np.argmax(y))
            elif labels:
                correct += int(np.all((out >= 0.5) == (y == 1)))
        n = len(self.xs)
        return total / n, (correct / n if labels else None), kept.__getitem__


def train(cfg: Config) -> Trace:
    """Train as ``cfg`` says and return the trace.

    Raises
    ------
    TraceTooLarge
        If the trace would exceed :data:`MAX_TRACE_NUMBERS`.
    TrainingDiverged
        If a value becomes NaN or infinite; its ``trace`` holds the steps before it.
        NumPy's overflow warnings are silenced: non-finite values are detected and reported.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _train(cfg)


def _train(cfg: Config) -> Trace:
    size = trace_size(cfg)
    if size > MAX_TRACE_NUMBERS:
        raise TraceTooLarge(
            f"[training] record: the trace would hold about {size / 1e6:.0f} million numbers "
            f"(about {size * 20 / 1e9:.1f} GB of JSON); set record = \"epochs\" or record = N "
            "(every N-th step)"
        )
    run = _Run(cfg)
    initial = run.params
    rng = np.random.default_rng(cfg.shuffle_seed) if cfg.shuffle else None
    fixed_order = None if rng is not None else [b.tolist() for b in batches(cfg, None)]
    epochs: list[EpochRecord] = []
    index, epoch = 0, 0
    try:
        loss0, acc0 = run.evaluate()
        epochs.append(EpochRecord(0, loss0, acc0, initial))
        for epoch in range(1, cfg.epochs + 1):
            order = fixed_order or [b.tolist() for b in batches(cfg, rng)]
            for batch in order:
                run.step(batch, index, epoch, is_recorded(cfg, index))
                index += 1
            loss, acc = run.evaluate()
            epochs.append(EpochRecord(epoch, loss, acc, run.snapshot()))
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
    return Trace(cfg.to_dict(), initial, tuple(run.steps), tuple(epochs))


class _Layout:
    """Where ``W^1..W^L`` and then ``b^1..b^L`` lie in one flat vector of all parameters.

    One flat vector lets an update, its finite check and the ``0 + g`` of a gradient be one
    NumPy call each, instead of one per layer; the arrays seen outside are views of it.
    """

    def __init__(self, layers: tuple[int, ...]):
        self.weights, self.biases = [], []
        offset = 0
        for n_in, n_out in zip(layers[:-1], layers[1:]):
            self.weights.append((offset, offset + n_out * n_in, (n_out, n_in)))
            offset += n_out * n_in
        for n_out in layers[1:]:
            self.biases.append((offset, offset + n_out))
            offset += n_out
        self.size = offset

    def weight_views(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[start:stop].reshape(shape) for start, stop, shape in self.weights]

    def bias_views(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[start:stop] for start, stop in self.biases]

    def flatten(self, weights, biases=()) -> np.ndarray:
        return np.concatenate([np.ravel(w) for w in weights] + [np.ravel(b) for b in biases])


class _Run:
    """The state of one training run: current parameters and the steps recorded so far.

    The current parameters are read-only views of one flat vector. An update makes a new
    vector, so a recorded step's ``after`` holds the views without a copy and is the very
    object that the next step's ``before`` (or the epoch's ``params``) needs. Only a vector
    that no record holds is updated in place. Frozen biases are not in the vector: they stay
    the initial arrays.
    """

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.params: Params | None = Params(*initial_params(cfg))  # the current values, or None
        self.layout = layout = _Layout(cfg.layers)
        self.learn_biases = cfg.use_biases and cfg.update_biases
        if self.learn_biases:
            self.flat = layout.flatten(self.params.weights, self.params.biases)
        else:
            self.flat = layout.flatten(self.params.weights)
            self.biases = list(self.params.biases)
        self._use(self.flat)
        self.shared = False  # whether a record holds views of self.flat
        # w - lr * (0 + g) differs from w - lr * g only where w is -0.0 (the sign of a zero
        # step), and an update never makes a -0.0 (x - y is -0.0 only for x = -0.0): without
        # one at the start, steps whose gradient is not kept may skip the 0 + g.
        self.signed_zeros = bool(np.any(np.signbit(self.flat) & (self.flat == 0)))
        # Gradients of steps that are not recorded go to one reused buffer.
        self.scratch = np.empty(layout.size)
        self.scratch_views = (layout.weight_views(self.scratch), layout.bias_views(self.scratch))
        # One read-only copy of each sample, shared by its records (as x and as a[0]).
        self.xs = frozen_arrays(cfg.inputs)
        self.ys = frozen_arrays(cfg.targets)
        self.evaluator = _Evaluator(cfg, self.xs, self.ys)
        self.reuse = None  # (flat, i -> (Forward, loss, deltas)) from the last evaluation
        self.steps: list[Step] = []

    def _use(self, flat: np.ndarray) -> None:
        """Make the read-only vector ``flat`` the current parameters."""
        flat.setflags(write=False)
        self.flat = flat
        self.weights = self.layout.weight_views(flat)
        if self.learn_biases:
            self.biases = self.layout.bias_views(flat)

    def snapshot(self) -> Params:
        """The current parameters as a :class:`Params` (shared while they do not change)."""
        if self.params is None:
            self.params = adopt(Params, tuple(self.weights), tuple(self.biases))
            self.shared = True
        return self.params

    def evaluate(self) -> tuple[float, float | None]:
        """:func:`evaluate` with the current parameters; its numbers are kept for the next step."""
        loss, acc, sample = self.evaluator.run(self.weights, self.biases)
        self.reuse = (self.flat, sample)
        return loss, acc

    def step(self, batch: list[int], index: int, epoch: int, keep: bool) -> None:
        """One update over the samples ``batch``; appends a :class:`Step` when ``keep``."""
        cfg, weights, biases, layout = self.cfg, self.weights, self.biases, self.layout
        acts, loss, xs, ys = cfg.activations, cfg.loss, self.xs, self.ys
        reuse = self.reuse[1] if self.reuse is not None and self.reuse[0] is self.flat else None
        before = self.snapshot() if keep else None
        records = []
        total = 0.0
        m = len(batch)
        if m == 1:  # online: the mean of one gradient is the gradient (0 + g, as from zeros)
            grad = np.empty(layout.size) if keep else self.scratch
            views = (layout.weight_views(grad), layout.bias_views(grad)) if keep else self.scratch_views
        else:
            grad = np.zeros(layout.size)
            views = self.scratch_views
        for i in batch:
            if reuse is not None:  # the last evaluation computed this sample with these parameters
                fwd, e, deltas = reuse(i)
            else:
                fwd = forward(weights, biases, acts, xs[i])
                e, deltas = backward(weights, acts, loss, fwd, ys[i])
            gradients(fwd.a, deltas, out=views)
            if m > 1:
                grad += self.scratch  # the sum over the batch, from zeros
            total += e
            if keep:
                records.append(self._record(i, fwd, e, deltas))
        if m == 1:
            if keep or self.signed_zeros:
                np.add(grad, 0.0, out=grad)  # 0 + g: -0.0 becomes 0.0 as in a sum from zeros
        else:
            grad /= m
        self.reuse = None
        self._update(grad, keep)
        if keep:
            grad.setflags(write=False)
            if m > 1:
                views = (layout.weight_views(grad), layout.bias_views(grad))
            else:  # made before grad was frozen
                for view in (*views[0], *views[1]):
                    view.setflags(write=False)
            after = adopt(Params, tuple(self.weights), tuple(self.biases))
            self.steps.append(adopt(
                Step, index, epoch, tuple(batch), tuple(records), total / m, before,
                tuple(views[0]), tuple(views[1]), after,
            ))
            self.params, self.shared = after, True
        else:
            self.params = None

    def _update(self, grad: np.ndarray, keep: bool) -> None:
        """``w - learning_rate * g`` for every parameter; raises if a result is not finite."""
        lr, n = self.cfg.learning_rate, self.flat.size
        g = grad if n == grad.size else grad[:n]  # frozen biases: weights only
        if keep:  # the recorded gradient stays as it is
            new = self.flat - lr * g
        else:
            np.multiply(g, lr, out=g)  # lr * g, in the scratch buffer
            if self.shared:
                new = self.flat - g
            else:  # no record holds the current vector: update it in place
                new = self.flat
                new.setflags(write=True)
                np.subtract(new, g, out=new)
                new.setflags(write=False)
        self.shared = False
        if not all_finite(new):
            self._raise_non_finite(new)
        if new is not self.flat:
            self._use(new)

    def _raise_non_finite(self, new: np.ndarray):
        """Raise for the first layer whose updated weights or biases are not finite."""
        layout = self.layout
        new_b = layout.bias_views(new) if self.learn_biases else self.biases
        for layer, (w, b) in enumerate(zip(layout.weight_views(new), new_b), start=1):
            if not (all_finite(w) and all_finite(b)):
                raise NonFiniteError(layer, "updated weight")

    def _record(self, i: int, fwd, e: float, deltas: list[np.ndarray]) -> SampleRecord:
        """The record of sample ``i``: its forward and backward arrays, made read-only in place."""
        x = self.xs[i]
        z, a, deltas = fwd.z, (x, *fwd.a[1:]), tuple(deltas)
        for arr in (*z, *a[1:], *deltas):
            arr.setflags(write=False)
        return adopt(SampleRecord, i, x, self.ys[i], z, a, e, deltas)
