"""The state of one training run: all parameters in one flat vector, and the steps recorded.

A helper of :mod:`backprop_core.train`, which drives it epoch by epoch. Recording is kept cheap
without changing a bit of any number (see :mod:`backprop_core.train`).
"""

from __future__ import annotations

import math

import numpy as np

from .config import Config
from .evaluation import Evaluator
from .network import _ZERO, NonFiniteError, all_finite, init_params
from .param_layout import ParamLayout, Rows
from .passes import SamplePass
from .records import new_params, new_record, new_step
from .trace import Params, SampleRecord, Step, frozen_arrays

_einsum, _multiply = np.einsum, np.multiply
_add, _subtract, _dot = np.add, np.subtract, np.dot

DOT_CHECK_SIZE = 512
"""From this many parameters on, an update is checked through ``v . v`` (one read of ``v``)."""


def _finite_by_dot(v: np.ndarray) -> bool:
    """Whether every entry of ``v`` is finite, for a long vector.

    ``v . v`` is finite only if every ``v_i`` is (an infinity or a NaN makes the sum infinite or
    NaN), at half the cost of ``isfinite``'s pass and count. A finite ``v`` whose sum of squares
    overflows (entries above about 1e154) is then checked entry by entry.
    """
    return math.isfinite(_dot(v, v)) or all_finite(v)


def initial_params(cfg: Config) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The explicit parameters of ``cfg``, or seeded ones."""
    weights, biases = init_params(cfg.layers, cfg.init, cfg.seed, cfg.init_range, cfg.use_biases)
    if cfg.weights is not None:
        weights = [np.array(w, dtype=float) for w in cfg.weights]
    if cfg.biases is not None and cfg.use_biases:
        biases = [np.array(b, dtype=float) for b in cfg.biases]
    return weights, biases


class RunState:
    """The state of one training run: current parameters and the steps recorded so far.

    The current parameters are read-only views of one flat vector. An update makes a new
    vector, so a recorded step's ``after`` holds the views without a copy and is the very
    object that the next step's ``before`` (or the epoch's ``params``) needs. Only a vector
    that no record holds is updated in place. Frozen biases are not in the vector: they stay
    the initial arrays.
    """

    def __init__(self, cfg: Config, recorded: int = 0):
        self.cfg = cfg
        self.params: Params | None = Params(*initial_params(cfg))  # the current values, or None
        self.layout = layout = ParamLayout(cfg.layers)
        self.learn_biases = cfg.use_biases and cfg.update_biases
        self.lr = np.array(float(cfg.learning_rate))  # 0-d: the same float64, no conversion per call
        if self.learn_biases:
            self.flat = layout.flatten(self.params.weights, self.params.biases)
        else:
            self.flat = layout.flatten(self.params.weights)
            self.biases = self.params.biases
        self._use(self.flat)
        self.all_finite = _finite_by_dot if self.flat.size >= DOT_CHECK_SIZE else all_finite
        self.shared = False  # whether a record holds views of self.flat
        # w - lr * (0 + g) differs from w - lr * g only where w is -0.0 (the sign of a zero
        # step), and an update never makes a -0.0 (x - y is -0.0 only for x = -0.0): without
        # one at the start, steps whose gradient is not kept may skip the 0 + g.
        self.signed_zeros = bool(np.any(np.signbit(self.flat) & (self.flat == 0)))
        # Gradients of steps that are not recorded go to one reused buffer.
        self.scratch = np.empty(layout.size)
        # per layer: whether the outer product is large (einsum is the faster there,
        # multiply.outer on small ones), and the gradient's views in the scratch buffer
        big = [n_out * n_in >= 2048 for n_in, n_out in zip(cfg.layers[:-1], cfg.layers[1:])]
        scratch = self.scratch
        self.scratch_layers = tuple(zip(big, layout.weight_views(scratch), layout.bias_views(scratch)))
        # The gradients and updated parameters of the ``recorded`` online steps to come.
        self.grad_rows = Rows(layout.size, recorded, layout)
        self.param_rows = Rows(self.flat.size, recorded, layout, biases=self.learn_biases)
        self.lr_g = np.empty(self.flat.size)  # learning_rate * g of a recorded step
        # One read-only copy of each sample, shared by its records (as x and as a[0]).
        self.xs = frozen_arrays(cfg.inputs)
        self.ys = frozen_arrays(cfg.targets)
        self.evaluator = Evaluator(cfg, self.xs, self.ys, contiguous=True)
        self.sample_pass = self.evaluator.sample_pass
        self.reuse = None  # (flat, i -> (z, a, loss, deltas)) from the last evaluation
        self.outputs = None  # () -> outputs of every sample, from the last evaluation
        self.steps: list[Step] = []
        self.sample_tuples = [(i,) for i in range(len(cfg.inputs))]  # an online step's samples

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
            self.params = new_params(self.weights, self.biases)
            self.shared = True
        return self.params

    def evaluate(self) -> tuple[float, float | None]:
        """:func:`evaluate` with the current parameters; its numbers are kept for the next step."""
        loss, acc, sample, self.outputs = self.evaluator.run(self.weights, self.biases)
        self.reuse = (self.flat, sample)
        return loss, acc

    def step(self, batch: list[int], index: int, epoch: int, keep: bool) -> None:
        """One update over the samples ``batch``; appends a :class:`Step` when ``keep``."""
        if len(batch) == 1:
            self.online_step(batch, index, epoch, keep)
            return
        reuse, self.reuse = self.reuse, None
        reuse = reuse[1] if reuse is not None and reuse[0] is self.flat else None
        before = self.snapshot() if keep else None
        grad, records, e = self._batch_gradient(batch, reuse, keep)
        if not keep:
            self.params = None
            return
        grad.setflags(write=False)  # before its views, which are then read-only too
        layout = self.layout
        self.params = after = new_params(self.weights, self.biases)
        self.shared = True
        self.steps.append(new_step(index, epoch, tuple(batch), records, e, before,
                                   layout.weight_views(grad), layout.bias_views(grad), after))

    def online_step(self, batch: list[int], index: int, epoch: int, keep: bool) -> None:
        """:meth:`step` of one sample (``batch`` holds one index): the mean gradient is its own."""
        i = batch[0]
        reuse, self.reuse = self.reuse, None
        if reuse is not None and reuse[0] is self.flat:  # the last evaluation computed this sample
            numbers = reuse[1](i)  # with these parameters
            unchecked = None
        else:  # deltas checked through the updated parameters (_update)
            numbers = self.sample_pass(self.weights, self.biases, self.xs[i], self.ys[i], False)
            unchecked = numbers[3]
        _, a, e, deltas = numbers
        self._gradients(a, deltas)
        if not keep:
            grad = self.scratch
            if self.signed_zeros:
                grad += _ZERO  # 0 + g: -0.0 becomes 0.0 as in a sum from zeros
            self._update(grad, False, unchecked)
            self.params = None
            return
        before = self.params or self.snapshot()
        grad, frozen_grad, grad_w, grad_b = self.grad_rows.take()
        _add(self.scratch, _ZERO, out=grad)  # 0 + g, as above
        self._update(frozen_grad, True, unchecked)
        record = self._record(i, numbers)
        self.params = after = new_params(self.weights, self.biases)
        self.shared = True
        # 0.0 + e: the mean loss of the step, summed from 0.0 like a batch's
        self.steps.append(new_step(index, epoch, self.sample_tuples[i], (record,), 0.0 + e, before,
                                   grad_w, grad_b, after))

    def _gradients(self, a, deltas) -> None:
        """``outer(delta, a)`` (BP4) and ``delta`` (BP3) of one sample, into ``self.scratch``."""
        for (big, grad_w, grad_b), d, a_prev in zip(self.scratch_layers, deltas, a):
            if big:  # one product per entry either way: the same bits
                _einsum("j,k->jk", d, a_prev, out=grad_w)
            else:
                _multiply(d[:, None], a_prev, grad_w)  # np.outer, with less overhead
            grad_b[:] = d

    def _batch_gradient(self, batch, reuse, keep):
        """The mean gradient over ``batch``, its records (when ``keep``) and the mean loss."""
        records = []
        total = 0.0
        grad = np.zeros(self.layout.size)
        for i in batch:
            if reuse is not None:
                numbers = reuse(i)
            else:
                numbers = self.sample_pass(self.weights, self.biases, self.xs[i], self.ys[i])
            self._gradients(numbers[1], numbers[3])
            grad += self.scratch  # the sum over the batch, from zeros
            total += numbers[2]
            if keep:
                records.append(self._record(i, numbers))
        m = len(batch)
        grad /= m
        self._update(grad, keep, None)
        return grad, tuple(records), total / m

    def _update(self, grad: np.ndarray, keep: bool, deltas) -> None:
        """``w - learning_rate * g`` for every parameter; raises if a result is not finite.

        ``deltas``: the unchecked deltas that ``grad`` was made of, or ``None``
        (see :meth:`_raise_non_finite`).
        """
        lr, flat = self.lr, self.flat
        g = grad if self.learn_biases else grad[:flat.size]  # frozen biases: weights only
        if keep:  # the recorded gradient stays as it is
            row, new, weights, biases = self.param_rows.take()
            _subtract(flat, _multiply(lr, g, self.lr_g), out=row)
            self.shared = False
            if not self.all_finite(new):
                self._raise_non_finite(new, deltas)
            self.flat, self.weights = new, weights
            if self.learn_biases:
                self.biases = biases
            return
        np.multiply(g, lr, out=g)  # lr * g, in the scratch buffer
        if self.shared:
            new = self.flat - g
        else:  # no record holds the current vector: update it in place
            new = self.flat
            new.setflags(write=True)
            np.subtract(new, g, out=new)
            new.setflags(write=False)
        self.shared = False
        if not self.all_finite(new):
            self._raise_non_finite(new, deltas)
        if new is not self.flat:
            self._use(new)

    def _raise_non_finite(self, new: np.ndarray, deltas):
        """Raise for the first layer whose updated weights or biases are not finite.

        Or for the first non-finite delta among ``deltas`` (unchecked, or ``None``): a
        non-finite delta makes a row of its layer's gradient, so of the updated weights,
        non-finite; it is reported as a delta, as the check after the backward pass would.
        """
        bad = SamplePass.first_bad_delta(deltas) if deltas is not None else 0
        if bad:
            raise NonFiniteError(bad, "delta")
        layout = self.layout
        new_b = layout.bias_views(new) if self.learn_biases else self.biases
        for layer, (w, b) in enumerate(zip(layout.weight_views(new), new_b), start=1):
            if not (all_finite(w) and all_finite(b)):
                raise NonFiniteError(layer, "updated weight")

    def _record(self, i: int, numbers) -> SampleRecord:
        """The record of sample ``i``: its forward and backward arrays, made read-only in place."""
        z, a, e, deltas = numbers
        for arr in z:
            arr.setflags(write=False)
        for arr in deltas:
            arr.setflags(write=False)
        for arr in a:  # a[0] is the read-only self.xs[i]
            arr.setflags(write=False)
        return new_record(i, a[0], self.ys[i], tuple(z), tuple(a), e, tuple(deltas))
