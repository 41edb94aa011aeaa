"""Per-sample losses and their gradients with respect to the output.

``half_sse``       E = 1/2 sum_k (y_k - o_k)^2   (the textbook E, Mazur's)
``mse``            E = 1/K sum_k (y_k - o_k)^2   (no 1/2)
``cross_entropy``  softmax output: E = -sum_k y_k log o_k;
                   sigmoid output: E = -sum_k [y_k log o_k + (1 - y_k) log(1 - o_k)]

Logs are computed from the pre-activation ``z`` (log-softmax, softplus), so they
stay finite when an output saturates to 0 or 1. The arrays are one sample's vectors, or 2-D
with one sample per row: the sums run over the last axis (a loss per row).
"""

from __future__ import annotations

import numpy as np

from .activations import derivative, log_softmax, softmax_vjp

NAMES = ("half_sse", "mse", "cross_entropy")
"""Loss names accepted in a config."""

CROSS_ENTROPY_OUTPUTS = ("softmax", "sigmoid")
"""Output activations that ``cross_entropy`` accepts."""


def _softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(z))`` without overflow."""
    return np.logaddexp(0.0, z)


def loss_value(loss: str, out_act: str, z: np.ndarray, a: np.ndarray, y: np.ndarray):
    """Loss of one sample with output pre-activation ``z``, output ``a`` and target ``y``.

    A float for one sample; for 2-D arrays (one sample per row), an array of one loss per row.
    """
    if loss == "half_sse":
        return 0.5 * ((y - a) ** 2).sum(axis=-1)
    if loss == "mse":
        return ((y - a) ** 2).mean(axis=-1)
    if loss == "cross_entropy":
        if out_act == "softmax":
            return -(y * log_softmax(z)).sum(axis=-1)
        if out_act == "sigmoid":
            # -[y log s(z) + (1 - y) log(1 - s(z))] = softplus(z) - y z
            return (_softplus(z) - y * z).sum(axis=-1)
        raise ValueError(f"cross_entropy needs a softmax or sigmoid output, not {out_act!r}")
    raise ValueError(f"unknown loss {loss!r}")


def loss_grad(loss: str, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dE/da`` of one sample (for cross-entropy, valid where ``0 < a < 1``)."""
    if loss == "half_sse":
        return a - y
    if loss == "mse":
        return (2.0 / a.shape[-1]) * (a - y)
    if loss == "cross_entropy":
        return -y / a + (1.0 - y) / (1.0 - a)
    raise ValueError(f"unknown loss {loss!r}")


def output_delta(loss: str, out_act: str, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``delta^L = dE/dz^L`` of one sample (BP1).

    Cross-entropy with a softmax or sigmoid output simplifies to ``a - y``; that form is
    used because it is exact and stable where ``dE/da`` would divide by zero.
    """
    if loss == "cross_entropy" and out_act in CROSS_ENTROPY_OUTPUTS:
        return a - y  # BP1, simplified
    g = loss_grad(loss, a, y)
    if out_act == "softmax":
        return softmax_vjp(a, g)  # BP1 with the full softmax Jacobian
    return g * derivative(out_act, z, a)  # BP1

