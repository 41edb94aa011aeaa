"""Forward and backward passes as training runs them: one sample fused, or many samples stacked.

:class:`SamplePass` is :func:`~backprop_core.network.forward` followed by
:func:`~backprop_core.network.backward` in one call, with what depends only on the config
(the activation functions, the loss) worked out once; :func:`stacked_pass` runs many samples
at once. Both give the per-sample functions' numbers bit for bit and raise (or decline) on the
same non-finite values; they exist because a traced step of a tiny network is mostly Python
overhead.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial
from typing import NamedTuple

import numpy as np

from .activations import activate, derivative
from .losses import loss_value, output_delta
from .network import (
    _ONE,
    ELEMENTWISE,
    NonFiniteError,
    _sigmoid,
    _sigmoid_is_exact,
    activation,
    count_nonzero,
)

_isfinite = np.isfinite
_count_nonzero = count_nonzero
_add_reduce = np.add.reduce
_isfinite_float = math.isfinite
_matmul = np.matmul


class SamplePass:
    """``forward`` then ``backward`` of one sample, for one list of activations and one loss.

    Calling it returns ``(z, a, loss, deltas)``: lists ``z^1..z^L`` and ``a^0..a^L`` (``a[0]``
    is ``x`` itself, which must be a float array), the loss as a float and the list
    ``delta^1..delta^L``. It raises :class:`~backprop_core.network.NonFiniteError` where they
    would, in the same order (``z``/``a`` layer by layer, then the loss, then the deltas). With
    ``check_deltas=False`` the deltas are not checked: the caller must find a non-finite delta
    (:meth:`first_bad_delta`) before it uses them, as an online step does through the updated
    parameters, which a non-finite delta makes non-finite.
    """

    def __init__(self, activations: tuple[str, ...], loss: str, layers: tuple[int, ...] | None = None):
        """Set up for ``activations`` and ``loss``.

        ``layers``: give them when the weights will be C-contiguous arrays (or views of a
        vector, as in training): the products may then go through ``np.dot``.
        """
        fast = _sigmoid_is_exact()
        self.n_layers = len(activations)
        # np.dot makes the same gemv as ``@`` with less overhead; checked for these shapes here
        shapes = tuple(zip(layers[1:], layers[:-1])) if layers is not None else None
        self.matvec = np.dot if shapes is not None and dot_is_matmul(shapes) else np.matmul
        # a sum of fewer than 8 numbers is a plain left-to-right sum in NumPy too
        self.python_sum = layers is not None and layers[-1] < 8 and short_sums_are_sequential()
        self.fns = tuple(_sigmoid if act == "sigmoid" and fast else partial(activate, act)
                         for act in activations)
        self.check_a = tuple(not (act == "sigmoid" and fast) for act in activations)
        self.derivatives = tuple(None if act == "sigmoid" else partial(derivative, act)
                                 for act in activations[:-1])  # None: sigmoid, written out
        self.half_sse_sigmoid = loss == "half_sse" and activations[-1] == "sigmoid"
        self.loss, self.out_act = loss, activations[-1]

    def __call__(self, weights, biases, x: np.ndarray, y: np.ndarray, check_deltas: bool = True):
        """``(z, a, loss, deltas)`` of sample ``x`` with target ``y``."""
        zs, acts = [], [x]
        a, layer, matvec = x, 0, self.matvec
        for w, b, f, check_a in zip(weights, biases, self.fns, self.check_a):
            layer += 1
            z = matvec(w, a)
            z += b  # z = W a + b, without a second temporary
            if _count_nonzero(_isfinite(z)) != z.size:
                raise NonFiniteError(layer, "z")
            a = f(z)  # a sigmoid of a finite z is in [0, 1]: nothing to check
            if check_a and _count_nonzero(_isfinite(a)) != a.size:
                raise NonFiniteError(layer, "a")
            zs.append(z)
            acts.append(a)
        if self.half_sse_sigmoid:  # loss_value and output_delta, sharing a - y
            g = a - y  # (y - a) ** 2 == g * g: y - a is -(a - y) exactly
            if self.python_sum:  # in Python floats: the same products and sums
                squares = [v * v for v in g.tolist()]
                e = 0.5 * (squares[0] if len(squares) == 1 else sum(squares))
            else:
                e = 0.5 * float(_add_reduce(g * g))
            if not _isfinite_float(e):
                raise NonFiniteError(layer, "loss")
            d = g * (a * (_ONE - a))  # BP1
        else:
            e = loss_value(self.loss, self.out_act, z, a, y)
            if not _isfinite_float(e):
                raise NonFiniteError(layer, "loss")
            d = output_delta(self.loss, self.out_act, z, a, y)  # BP1
        deltas = [d]
        for i in range(layer - 2, -1, -1):
            back = matvec(weights[i + 1].T, d)
            derivative_i = self.derivatives[i]
            if derivative_i is None:  # sigmoid: a (1 - a), as activations.derivative
                a = acts[i + 1]
                back *= a * (_ONE - a)  # BP2
            else:
                back *= derivative_i(zs[i], acts[i + 1])  # BP2
            d = back
            deltas.append(d)
        deltas.reverse()
        if check_deltas:  # first_bad_delta, written out
            for i, d in enumerate(deltas, start=1):
                if _count_nonzero(_isfinite(d)) != d.size:
                    raise NonFiniteError(i, "delta")
        return zs, acts, e, deltas

    @staticmethod
    def first_bad_delta(deltas) -> int:
        """The first layer (1..L) whose delta is not finite, or 0."""
        for i, d in enumerate(deltas, start=1):
            if _count_nonzero(_isfinite(d)) != d.size:
                return i
        return 0


ROWWISE_DELTA = ("half_sse", "cross_entropy")
"""Losses whose ``output_delta`` is element-wise when the output activation is (``mse``
divides by the vector's size), so that rows of stacked samples may be passed at once."""


class Stacked(NamedTuple):
    """``forward`` and ``backward`` of ``n`` samples: row ``i`` of each array is sample ``i``.

    ``z[l - 1]`` and ``delta[l - 1]`` have shape ``(n, n_l)``, ``a[l]`` ``(n, n_l)`` (``a[0]`` is
    the input); ``loss[i]`` is the loss of sample ``i``. The arrays are read-only.
    """

    z: tuple[np.ndarray, ...]
    a: tuple[np.ndarray, ...]
    loss: list[float]
    delta: tuple[np.ndarray, ...]

    def sample(self, i: int, x: np.ndarray):
        """Row ``i`` as :class:`SamplePass` returns it, with ``x`` as ``a^0``."""
        acts = [a[i] for a in self.a]
        acts[0] = x
        return [z[i] for z in self.z], acts, self.loss[i], [d[i] for d in self.delta]


def _matvec_rows(w: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``w @ row`` for each row of ``rows``, in one call.

    NumPy makes the same matrix-vector product (gemv) for each item of the stack as for
    ``w @ row`` alone, where ``rows @ w.T`` (one matrix-matrix product) may add in another order.
    """
    return _matmul(w, rows[:, :, None])[:, :, 0]  # a new C-contiguous (n, k, 1) array, as (n, k)


@lru_cache(maxsize=1)
def stacking_is_exact() -> bool:
    """Whether the stacked products and row sums give the per-sample ones bit for bit here."""
    rng = np.random.default_rng(7)
    for n_out, n_in in ((1, 2), (3, 5), (7, 40), (10, 16)):
        w, rows = rng.normal(size=(n_out, n_in)), rng.normal(size=(6, n_in))
        d = rng.normal(size=(6, n_out)) * 10.0 ** rng.integers(-8, 8, size=(6, n_out))
        if not (np.array_equal(_matvec_rows(w, rows), np.array([w @ r for r in rows]))
                and np.array_equal(_matvec_rows(w.T, d), np.array([w.T @ r for r in d]))
                and _add_reduce(d * d, axis=1).tobytes() == np.array([np.sum(r * r) for r in d]).tobytes()):
            return False
    return True


@lru_cache(maxsize=16)
def dot_is_matmul(shapes: tuple[tuple[int, int], ...]) -> bool:
    """Whether ``np.dot(w, v)`` and ``np.dot(w.T, u)`` give ``w @ v`` and ``w.T @ u`` bit for bit.

    Probed here, for weights of these shapes lying at an 8-byte offset in a flat vector (as
    the trace's do), so that the forward and backward passes keep the numbers of ``@``.
    """
    rng = np.random.default_rng(11)
    for n_out, n_in in shapes:
        w = rng.normal(size=n_out * n_in + 1)[1:].reshape(n_out, n_in)
        for _ in range(3):
            v, u = rng.normal(size=n_in), rng.normal(size=n_out)
            if np.dot(w, v).tobytes() != (w @ v).tobytes() or np.dot(w.T, u).tobytes() != (w.T @ u).tobytes():
                return False
    return True


@lru_cache(maxsize=1)
def short_sums_are_sequential() -> bool:
    """Whether NumPy sums fewer than 8 non-negative numbers left to right, as Python's ``sum``."""
    rng = np.random.default_rng(5)
    for k in range(1, 8):
        for _ in range(40):
            sq = rng.normal(size=k) ** 2 * 10.0 ** rng.integers(-8, 8, size=k)
            if np.float64(sum(sq.tolist())).tobytes() != _add_reduce(sq).tobytes():
                return False
    return True


def stacked_pass(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    activations: tuple[str, ...],
    loss: str,
    xs: np.ndarray,
    ys: np.ndarray,
) -> Stacked | None:
    """``forward`` and ``backward`` of every row of ``xs`` (targets ``ys``) at once.

    The numbers are those of the per-sample functions, bit for bit: the products are the same
    matrix-vector products, the rest is element-wise or taken row by row. Returns ``None``
    (compute sample by sample instead, which raises the right :class:`NonFiniteError`) when a
    value is not finite, an activation is not element-wise or stacking is not exact here.
    """
    return StackedPass(activations, loss)([np.asarray(w) for w in weights], biases, xs, ys)


class StackedPass:
    """:func:`stacked_pass` for one list of activations and one loss, set up once."""

    def __init__(self, activations: tuple[str, ...], loss: str):
        self.usable = all(act in ELEMENTWISE for act in activations)
        fast = _sigmoid_is_exact()
        self.fns = tuple(_sigmoid if act == "sigmoid" and fast else partial(activation, act)
                         for act in activations)
        self.check_a = tuple(not (act == "sigmoid" and fast) for act in activations)
        self.derivatives = tuple(None if act == "sigmoid" else partial(derivative, act)
                                 for act in activations[:-1])  # None: sigmoid, written out
        self.loss, self.out_act = loss, activations[-1]

    def __call__(self, weights, biases, xs: np.ndarray, ys: np.ndarray) -> Stacked | None:
        """The :class:`Stacked` numbers of the rows of ``xs``, or ``None`` (see :func:`stacked_pass`)."""
        if not (self.usable and stacking_is_exact()):
            return None
        a_prev = np.ascontiguousarray(xs, dtype=float)
        zs, acts = [], [a_prev]
        for w, b, f, check_a in zip(weights, biases, self.fns, self.check_a):
            z = _matvec_rows(w, a_prev)
            z += b
            if _count_nonzero(_isfinite(z)) != z.size:
                return None
            a_prev = f(z)  # (_sigmoid of a finite z is in [0, 1])
            if check_a and _count_nonzero(_isfinite(a_prev)) != a_prev.size:
                return None
            zs.append(z)
            acts.append(a_prev)
        loss, out_act, z_out = self.loss, self.out_act, zs[-1]
        if loss == "half_sse":  # loss_value and output_delta of every row, sharing a - y
            g = a_prev - ys  # (y - a) ** 2 == g * g, as in SamplePass; the same row sums
            losses = [0.5 * e for e in _add_reduce(g * g, axis=1).tolist()]
            if not all(map(_isfinite_float, losses)):
                return None
            if out_act == "sigmoid":  # derivative: a (1 - a), written out
                d = g * (a_prev * (_ONE - a_prev))  # BP1, every row
            else:
                d = g * derivative(out_act, z_out, a_prev)  # BP1, every row
        else:
            losses = [loss_value(loss, out_act, *row) for row in zip(z_out, a_prev, ys)]
            if not all(map(_isfinite_float, losses)):
                return None
            if loss in ROWWISE_DELTA:
                d = output_delta(loss, out_act, z_out, a_prev, ys)  # BP1, every row
            else:
                d = np.array([output_delta(loss, out_act, *row) for row in zip(z_out, a_prev, ys)])
        deltas = [d]
        for i in range(len(zs) - 2, -1, -1):
            back = _matvec_rows(weights[i + 1].T, d)
            derivative_i = self.derivatives[i]
            if derivative_i is None:  # sigmoid: a (1 - a), as activations.derivative
                a = acts[i + 1]
                back *= a * (_ONE - a)  # BP2, every row
            else:
                back *= derivative_i(zs[i], acts[i + 1])  # BP2, every row
            d = back
            deltas.append(d)
        deltas.reverse()
        for d in deltas:
            if _count_nonzero(_isfinite(d)) != d.size:
                return None
        for arr in (*zs, *acts[1:], *deltas):
            arr.setflags(write=False)
        return Stacked(tuple(zs), tuple(acts), losses, tuple(deltas))
