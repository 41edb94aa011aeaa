"""A dense network: forward pass, backward pass, parameter initialisation.

``W^l`` has shape ``(n_l, n_{l-1})``; ``z^l = W^l a^{l-1} + b^l``; ``a^l = f_l(z^l)``;
``delta^l = dE/dz^l`` for one sample. Vectors are 1-D.

:mod:`backprop_core.passes` runs them as training does (fused for one sample, or stacked for
many) with the same numbers, bit for bit.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from . import activations as _activations
from .activations import activate, derivative
from .losses import loss_value, output_delta

try:  # np.count_nonzero without its Python wrapper (the same C function), where it can be found
    from numpy._core.multiarray import count_nonzero
except ImportError:  # pragma: no cover - other NumPy layouts
    count_nonzero = np.count_nonzero
_isfinite = np.isfinite
_count_nonzero = count_nonzero
_float64 = np.dtype(np.float64)
_copysign, _exp, _maximum, _greater_equal = np.copysign, np.exp, np.maximum, np.greater_equal
# Constants as 0-d arrays: the same float64 numbers as Python's -1.0, 0.0 and 1.0 in a ufunc,
# without converting a Python float at every call.
_MINUS_ONE, _ZERO, _ONE = np.array(-1.0), np.array(0.0), np.array(1.0)
for _constant in (_MINUS_ONE, _ZERO, _ONE):
    _constant.setflags(write=False)


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
    so nothing overflows, without the boolean-mask gathers and scatters. The numerator, 1 where
    ``z >= 0`` and ``e`` elsewhere, is ``maximum(e, z >= 0)`` (``e <= 1``; NaN stays NaN).
    """
    e = _copysign(z, _MINUS_ONE)  # -|z|: the same bits as -abs(z), NaN included
    _exp(e, out=e)
    out = _maximum(e, _greater_equal(z, _ZERO))
    e += _ONE
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


class Forward(NamedTuple):
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
