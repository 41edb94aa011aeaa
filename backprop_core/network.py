"""A dense network: forward pass, backward pass, parameter initialisation.

``W^l`` has shape ``(n_l, n_{l-1})``; ``z^l = W^l a^{l-1} + b^l``; ``a^l = f_l(z^l)``;
``delta^l = dE/dz^l`` for one sample. Vectors are 1-D.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import activate, derivative
from .losses import loss_value, output_delta


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
    for layer, (w, b, act) in enumerate(zip(weights, biases, activations), start=1):
        z = w @ a_prev + b
        if not np.all(np.isfinite(z)):
            raise NonFiniteError(layer, "z")
        a_prev = activate(act, z)
        if not np.all(np.isfinite(a_prev)):
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
    if not np.isfinite(e):
        raise NonFiniteError(n_layers, "loss")
    deltas: list[np.ndarray] = [np.empty(0)] * n_layers
    deltas[-1] = output_delta(loss, activations[-1], fwd.z[-1], fwd.a[-1], y)  # BP1
    for i in range(n_layers - 2, -1, -1):
        back = weights[i + 1].T @ deltas[i + 1]
        deltas[i] = back * derivative(activations[i], fwd.z[i], fwd.a[i + 1])  # BP2
    for i, d in enumerate(deltas):
        if not np.all(np.isfinite(d)):
            raise NonFiniteError(i + 1, "delta")
    return e, deltas


def gradients(
    a: tuple[np.ndarray, ...], deltas: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per-sample gradients ``dE/dW^l`` and ``dE/db^l``."""
    grad_w = [np.outer(d, a[i]) for i, d in enumerate(deltas)]  # BP4
    grad_b = [d.copy() for d in deltas]  # BP3
    return grad_w, grad_b
