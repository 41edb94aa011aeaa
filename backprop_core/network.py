"""A dense network: forward pass, backward pass, parameter initialisation.

``W^l`` has shape ``(n_l, n_{l-1})``; ``z^l = W^l a^{l-1} + b^l``; ``a^l = f_l(z^l)``;
``delta^l = dE/dz^l`` for one sample. Vectors are 1-D.

:func:`stacked_pass` runs :func:`forward` and :func:`backward` for many samples at once
(rows of 2-D arrays) with the same numbers, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import activations as _activations
from .activations import activate, derivative
from .losses import loss_value, output_delta

_isfinite = np.isfinite
_count_nonzero = np.count_nonzero
_float64 = np.dtype(np.float64)
_abs, _negative, _exp, _where = np.abs, np.negative, np.exp, np.where


def all_finite(arr: np.ndarray) -> bool:
    """Whether every entry of ``arr`` is finite (no NaN, no infinity).

    ``np.all(np.isfinite(arr))`` in half the time on small arrays, and without the float
    arithmetic (no overflow warnings) that a checksum would risk.
    """
    return _count_nonzero(_isfinite(arr)) == arr.size


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """:func:`~backprop_core.activations.sigmoid` bit for bit, about twice as fast on small vectors.

    The same two formulas, ``1 / (1 + exp(-z))`` for ``z >= 0`` and ``exp(z) / (1 + exp(z))``
    below, built from ``e = exp(-|z|) <= 1`` (which is ``exp(-z)`` or ``exp(z)`` exactly),
    so nothing overflows, without the boolean-mask gathers and scatters.
    """
    e = _abs(z)
    _negative(e, out=e)
    _exp(e, out=e)
    out = _where(z >= 0, 1.0, e)
    e += 1.0
    out /= e
    return out


@lru_cache(maxsize=1)
def _sigmoid_is_exact() -> bool:
    """Whether :func:`_sigmoid` still gives what ``activations.sigmoid`` gives, on a probe.

    A guard against the two drifting apart: if ``activations.sigmoid`` changes, the forward
    pass uses it again until :func:`_sigmoid` follows.
    """
    probe = np.concatenate([np.linspace(-40.0, 40.0, 161), [-1000.0, 1000.0, -745.5, 709.9, -0.0, 0.0],
                            np.random.default_rng(3).normal(0.0, 8.0, 64)])
    with np.errstate(all="ignore"):
        want = _activations.sigmoid(probe)
    return _sigmoid(probe).tobytes() == want.tobytes()


ELEMENTWISE = ("sigmoid", "tanh", "relu", "linear")
"""Activations applied entry by entry, so that a stack of vectors (one per row) may be passed."""


def activation(name: str, z: np.ndarray) -> np.ndarray:
    """:func:`~backprop_core.activations.activate`, with the faster equal sigmoid for float arrays."""
    if name == "sigmoid" and z.dtype == _float64 and _sigmoid_is_exact():
        return _sigmoid(z)
    return activate(name, z)


class NonFiniteError(FloatingPointError):
    """A forward or backward value became NaN or infinite.

    Attributes
    ----------
    layer : int
        The layer (1..L) where it first appeared.
    quantity : str
        ``"z"``, ``"a"``, ``"loss"`` or ``"delta"``.
    """

    def __init__(self, layer: int, quantity: str):
        super().__init__(f"{quantity} of layer {layer} is not finite")
        self.layer = layer
        self.quantity = quantity


@dataclass(frozen=True)
class Forward:
    """Pre-activations ``z^1..z^L`` and activations ``a^0..a^L`` of one sample."""

    z: tuple[np.ndarray, ...]
    a: tuple[np.ndarray, ...]


def init_params(
    layers: tuple[int, ...], init: str, seed: int, init_range: float, use_biases: bool
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Seeded weights and biases.

    ``uniform``: weights and biases from ``U(-init_range, init_range)``;
    ``xavier``: weights from ``U(-r, r)``, ``r = sqrt(6 / (n_in + n_out))``, biases 0;
    ``he``: weights from ``N(0, 2 / n_in)``, biases 0. Biases are 0 when ``use_biases`` is off.
    """
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        if init == "uniform":
            w = rng.uniform(-init_range, init_range, size=(n_out, n_in))
            b = rng.uniform(-init_range, init_range, size=n_out)
        elif init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            w = rng.uniform(-r, r, size=(n_out, n_in))
            b = np.zeros(n_out)
        elif init == "he":
            w = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
            b = np.zeros(n_out)
        else:
            raise ValueError(f"unknown init {init!r}")
        weights.append(w)
        biases.append(b if use_biases else np.zeros(n_out))
    return weights, biases


def forward(
    weights: list[np.ndarray], biases: list[np.ndarray], activations: tuple[str, ...], x: np.ndarray
) -> Forward:
    """Forward pass of one sample; raises :class:`NonFiniteError` on NaN or infinity."""
    a_prev = np.asarray(x, dtype=float)
    zs, acts = [], [a_prev]
    layer = 0
    for w, b, act in zip(weights, biases, activations):
        layer += 1
        z = w @ a_prev
        z += b  # z = W a + b, without a second temporary
        if _count_nonzero(_isfinite(z)) != z.size:
            raise NonFiniteError(layer, "z")
        if act == "sigmoid" and z.dtype == _float64 and _sigmoid_is_exact():
            a_prev = _sigmoid(z)  # in [0, 1] when z is finite: nothing to check
        else:
            a_prev = activate(act, z)
            if _count_nonzero(_isfinite(a_prev)) != a_prev.size:
                raise NonFiniteError(layer, "a")
        zs.append(z)
        acts.append(a_prev)
    return Forward(tuple(zs), tuple(acts))


def backward(
    weights: list[np.ndarray],
    activations: tuple[str, ...],
    loss: str,
    fwd: Forward,
    y: np.ndarray,
) -> tuple[float, list[np.ndarray]]:
    """Loss and deltas ``delta^1..delta^L`` of one sample, with the given (pre-update) weights."""
    n_layers = len(weights)
    e = loss_value(loss, activations[-1], fwd.z[-1], fwd.a[-1], y)
    if not math.isfinite(e):
        raise NonFiniteError(n_layers, "loss")
    deltas: list[np.ndarray] = [np.empty(0)] * n_layers
    deltas[-1] = output_delta(loss, activations[-1], fwd.z[-1], fwd.a[-1], y)  # BP1
    for i in range(n_layers - 2, -1, -1):
        back = weights[i + 1].T @ deltas[i + 1]
        back *= derivative(activations[i], fwd.z[i], fwd.a[i + 1])  # BP2
        deltas[i] = back
    for i, d in enumerate(deltas):
        if _count_nonzero(_isfinite(d)) != d.size:
            raise NonFiniteError(i + 1, "delta")
    return e, deltas


def gradients(
    a: tuple[np.ndarray, ...],
    deltas: list[np.ndarray],
    out: tuple[list[np.ndarray], list[np.ndarray]] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per-sample gradients ``dE/dW^l`` and ``dE/db^l``: new arrays, or written into ``out``.

    ``out`` is a pair of lists of float arrays of the gradients' shapes (for example views
    of one flat buffer); it is returned.
    """
    if out is None:
        grad_w = [np.empty((d.shape[0], a_i.shape[0]), np.result_type(d, a_i)) for d, a_i in zip(deltas, a)]
        grad_b = [np.empty_like(d) for d in deltas]
    else:
        grad_w, grad_b = out
    for i, d in enumerate(deltas):
        _outer(d, a[i], grad_w[i])  # BP4: outer(delta, a)
        np.copyto(grad_b[i], d)  # BP3
    return grad_w, grad_b


def _outer(u: np.ndarray, v: np.ndarray, out: np.ndarray) -> None:
    """``out[j, k] = u[j] * v[k]``, as ``np.outer``.

    One product per entry, so every way gives the same bits: ``einsum`` is the faster one on
    large matrices, ``multiply.outer`` on small ones.
    """
    if out.size >= 2048:
        np.einsum("j,k->jk", u, v, out=out)
    else:
        np.multiply.outer(u, v, out=out)


ROWWISE_DELTA = ("half_sse", "cross_entropy")
"""Losses whose ``output_delta`` is element-wise when the output activation is (``mse``
divides by the vector's size), so that rows of stacked samples may be passed at once."""


@dataclass(frozen=True, eq=False)
class Stacked:
    """:func:`forward` and :func:`backward` of ``n`` samples: row ``i`` of each array is sample ``i``.

    ``z[l - 1]`` and ``delta[l - 1]`` have shape ``(n, n_l)``, ``a[l]`` ``(n, n_l)`` (``a[0]`` is
    the input); ``loss[i]`` is the loss of sample ``i``. The arrays are read-only.
    """

    z: tuple[np.ndarray, ...]
    a: tuple[np.ndarray, ...]
    loss: tuple[float, ...]
    delta: tuple[np.ndarray, ...]

    def sample(self, i: int, x: np.ndarray) -> tuple[Forward, float, list[np.ndarray]]:
        """Row ``i`` as :func:`forward` and :func:`backward` return it, with ``x`` as ``a^0``."""
        fwd = Forward(tuple(z[i] for z in self.z), (x, *(a[i] for a in self.a[1:])))
        return fwd, self.loss[i], [d[i] for d in self.delta]


def _matvec_rows(w: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``w @ row`` for each row of ``rows``, in one call.

    NumPy makes the same matrix-vector product (gemv) for each item of the stack as for
    ``w @ row`` alone, where ``rows @ w.T`` (one matrix-matrix product) may add in another order.
    """
    out = np.empty((rows.shape[0], w.shape[0]))
    np.matmul(w, rows[:, :, None], out=out[:, :, None])
    return out


@lru_cache(maxsize=1)
def stacking_is_exact() -> bool:
    """Whether :func:`_matvec_rows` gives ``w @ row`` bit for bit with this NumPy and BLAS."""
    rng = np.random.default_rng(7)
    for n_out, n_in in ((1, 2), (3, 5), (7, 40)):
        w, rows = rng.normal(size=(n_out, n_in)), rng.normal(size=(6, n_in))
        d = rng.normal(size=(6, n_out))
        if not (np.array_equal(_matvec_rows(w, rows), np.array([w @ r for r in rows]))
                and np.array_equal(_matvec_rows(w.T, d), np.array([w.T @ r for r in d]))):
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
    """:func:`forward` and :func:`backward` of every row of ``xs`` (targets ``ys``) at once.

    The numbers are those of the per-sample functions, bit for bit: the products are the same
    matrix-vector products, the rest is element-wise or taken row by row. Returns ``None``
    (compute sample by sample instead, which raises the right :class:`NonFiniteError`) when a
    value is not finite, an activation is not element-wise or stacking is not exact here.
    """
    if not (all(act in ELEMENTWISE for act in activations) and stacking_is_exact()):
        return None
    weights = [np.asarray(w) for w in weights]
    a_prev = np.ascontiguousarray(xs, dtype=float)
    zs, acts = [], [a_prev]
    for w, b, act in zip(weights, biases, activations):
        z = _matvec_rows(w, a_prev)
        z += b
        if not all_finite(z):
            return None
        a_prev = activation(act, z)
        if not ((act == "sigmoid" and _sigmoid_is_exact()) or all_finite(a_prev)):
            return None  # (_sigmoid of a finite z is in [0, 1])
        zs.append(z)
        acts.append(a_prev)
    out_act, z_out, a_out = activations[-1], zs[-1], acts[-1]
    losses = []
    for z_i, a_i, y_i in zip(z_out, a_out, ys):
        e = loss_value(loss, out_act, z_i, a_i, y_i)
        if not math.isfinite(e):
            return None
        losses.append(e)
    n_layers = len(weights)
    deltas: list[np.ndarray] = [np.empty(0)] * n_layers
    if loss in ROWWISE_DELTA:
        deltas[-1] = output_delta(loss, out_act, z_out, a_out, ys)  # BP1, every row
    else:
        deltas[-1] = np.array([output_delta(loss, out_act, *row) for row in zip(z_out, a_out, ys)])
    for i in range(n_layers - 2, -1, -1):
        back = _matvec_rows(weights[i + 1].T, deltas[i + 1])
        back *= derivative(activations[i], zs[i], acts[i + 1])  # BP2, every row
        deltas[i] = back
    for d in deltas:
        if not all_finite(d):
            return None
    for arr in (*zs, *acts[1:], *deltas):
        arr.setflags(write=False)
    return Stacked(tuple(zs), tuple(acts), tuple(losses), tuple(deltas))
