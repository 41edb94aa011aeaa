"""Activation functions and their derivatives, numerically stable.

Every function takes a 1-D pre-activation vector ``z`` (one sample), or a 2-D array with one
sample per row, and returns the same shape. Element-wise activations also give
``derivative(z, a)``: the diagonal of ``da/dz``. ``softmax`` is not element-wise (it works
along the last axis: each row on its own); its Jacobian-vector product is ``softmax_vjp``.
"""

from __future__ import annotations

import numpy as np

NAMES = ("sigmoid", "tanh", "relu", "linear", "softmax")
"""Activation names accepted in a config, in documentation order."""

OUTPUT_ONLY = ("softmax",)
"""Activations allowed only on the output layer."""


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))`` without overflow for large ``|z|``."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # exp(-z) for z >= 0, exp(z) below: never above 1
    return np.where(z >= 0, 1.0, e) / (1.0 + e)  # 1 / (1 + exp(-z)) and exp(z) / (1 + exp(z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax (of each row), shifted by ``max(z)`` so that no exponential overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """``log(softmax(z))`` (of each row) computed as ``z - logsumexp(z)``."""
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    return z - (m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """Apply the activation called ``name`` to ``z``."""
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "linear":
        return np.array(z, dtype=float)
    if name == "softmax":
        return softmax(z)
    raise ValueError(f"unknown activation {name!r}")


def derivative(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Element-wise derivative ``f'(z)``, written with ``a = f(z)`` where the textbooks do.

    sigmoid: ``a (1 - a)``; tanh: ``1 - a^2``; relu: ``1`` where ``z > 0`` else ``0``;
    linear: ``1``. For softmax this is only the diagonal ``a (1 - a)`` of the Jacobian;
    use :func:`softmax_vjp` for the full product.
    """
    if name in ("sigmoid", "softmax"):
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (np.asarray(z) > 0).astype(float)
    if name == "linear":
        return np.ones_like(np.asarray(z, dtype=float))
    raise ValueError(f"unknown activation {name!r}")


def softmax_vjp(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``J^T g`` for the softmax Jacobian ``J = diag(a) - a a^T``: ``a * (g - a . g)`` (of each row)."""
    return a * (g - np.sum(a * g, axis=-1, keepdims=True))
