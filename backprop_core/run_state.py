"""The state of one training run: all parameters in one flat vector, and the steps recorded.

A helper of :mod:`backprop_core.train`, which drives it epoch by epoch. Recording is kept cheap
without changing a bit of any number (see :mod:`backprop_core.train`).
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .evaluation import Evaluator
from .network import NonFiniteError, all_finite, backward, forward, gradients, init_params
from .trace import Params, SampleRecord, Step, adopt, frozen_arrays


def initial_params(cfg: Config) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The explicit parameters of ``cfg``, or seeded ones."""
    weights, biases = init_params(cfg.layers, cfg.init, cfg.seed, cfg.init_range, cfg.use_biases)
    if cfg.weights is not None:
        weights = [np.array(w, dtype=float) for w in cfg.weights]
    if cfg.biases is not None and cfg.use_biases:
        biases = [np.array(b, dtype=float) for b in cfg.biases]
    return weights, biases


class ParamLayout:
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
        """``W^1..W^L`` as views of ``flat``."""
        return [flat[start:stop].reshape(shape) for start, stop, shape in self.weights]

    def bias_views(self, flat: np.ndarray) -> list[np.ndarray]:
        """``b^1..b^L`` as views of ``flat``."""
        return [flat[start:stop] for start, stop in self.biases]

    def flatten(self, weights, biases=()) -> np.ndarray:
        """One new vector of ``weights`` then ``biases``."""
        return np.concatenate([np.ravel(w) for w in weights] + [np.ravel(b) for b in biases])


class RunState:
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
        self.layout = layout = ParamLayout(cfg.layers)
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
        self.evaluator = Evaluator(cfg, self.xs, self.ys)
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
