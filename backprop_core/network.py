"""A dense network: parameter initialisation, the forward pass and the backward pass.

Read beside the equations (docs/trace-format.md): ``W^l`` has shape ``(n_l, n_{l-1})``;

    z^l = W^l a^{l-1} + b^l          a^l = f_l(z^l)           delta^l = dE/dz^l
    BP1  delta^L = dE/da^L * f_L'(z^L)                         (output layer)
    BP2  delta^l = (W^{l+1})^T delta^{l+1} * f_l'(z^l)         (hidden layers, weights before the update)
    BP3  dE/db^l = delta^l
    BP4  dE/dW^l = outer(delta^l, a^{l-1})

:func:`forward` and :func:`backward` take one sample, a 1-D vector ``x`` of shape ``(n_0,)``,
or a batch of samples, one per row of ``x`` (shape ``(m, n_0)``): the same lines compute every
row at once. For a batch, :func:`backward` gives each sample's loss and deltas (one row each)
and the gradients averaged over the batch, which is what a gradient-descent step applies.
Training passes a batch (an online step is a batch of one sample). ``np.matvec(W, v)`` multiplies
each row of ``v`` as a vector, so that a batch gets the very numbers of its samples taken one by
one (the matrix product ``v @ W.T`` would add in another order, and change last bits).

The passes compute with whatever they are given, NaN and infinity included;
:func:`check_finite` finds the first value of a step that is not finite and names it.
"""

from __future__ import annotations

from typing import NamedTuple

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
        ``"z"``, ``"loss"``, ``"delta"`` or ``"updated weight"``.
    """

    def __init__(self, layer: int, quantity: str):
        super().__init__(f"{quantity} of layer {layer} is not finite")
        self.layer = layer
        self.quantity = quantity


def check_finite(z, loss=None, delta=(), weights=(), biases=()) -> None:
    """Raise :class:`NonFiniteError` at the first NaN or infinity of a step, in the order computed.

    The order is ``z^1 .. z^L``, the ``loss`` (of layer ``L``), ``delta^1 .. delta^L``, then the
    updated ``W^l`` and ``b^l``, layer by layer. Every value is tested at once; only when that
    test fails are they looked at one by one, to name the first.
    """
    named = [("z", layer, v) for layer, v in enumerate(z, start=1)]
    if loss is not None:
        named.append(("loss", len(z), loss))
    named += [("delta", layer, d) for layer, d in enumerate(delta, start=1)]
    for layer, (w, b) in enumerate(zip(weights, biases), start=1):
        named += [("updated weight", layer, w), ("updated weight", layer, b)]
    values = np.concatenate([v for _, _, v in named], axis=None)
    if np.count_nonzero(np.isfinite(values)) == values.size:
        return
    for quantity, layer, v in named:
        if not np.isfinite(v).all():
            raise NonFiniteError(layer, quantity)


class Forward(NamedTuple):
    """Pre-activations ``z^1..z^L`` and activations ``a^0..a^L`` (``a[0]`` is the input)."""

    z: tuple[np.ndarray, ...]
    a: tuple[np.ndarray, ...]


class Backward(NamedTuple):
    """The loss, the deltas ``delta^1..delta^L`` and the gradients of ``W^1..W^L`` and ``b^1..b^L``.

    For a batch, ``loss`` holds one loss per sample and each delta one row per sample; the
    gradients are the mean over the batch.
    """

    loss: float | np.ndarray
    delta: tuple[np.ndarray, ...]
    grad_weights: tuple[np.ndarray, ...]
    grad_biases: tuple[np.ndarray, ...]


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


def forward(weights, biases, activations: tuple[str, ...], x: np.ndarray) -> Forward:
    """The forward pass of one sample ``x`` (or of each row of a batch ``x``)."""
    a = [np.asarray(x, dtype=float)]
    z = []
    for w, b, f in zip(weights, biases, activations):
        z.append(np.matvec(w, a[-1]) + b)  # z^l = W^l a^{l-1} + b^l
        a.append(activate(f, z[-1]))  # a^l = f_l(z^l): finite where z^l is, for every activation
    return Forward(tuple(z), tuple(a))


def backward(weights, activations: tuple[str, ...], loss: str, fwd: Forward, y: np.ndarray) -> Backward:
    """The backward pass of the sample (or batch) whose forward pass is ``fwd``, with targets ``y``.

    ``weights`` are those the forward pass used (before the update).
    """
    z, a = fwd.z, fwd.a
    n_layers = len(weights)
    e = loss_value(loss, activations[-1], z[-1], a[-1], y)
    delta = [np.empty(0)] * n_layers  # delta[l - 1] is delta^l
    delta[-1] = output_delta(loss, activations[-1], z[-1], a[-1], y)  # BP1
    for i in range(n_layers - 2, -1, -1):
        # BP2: delta^l = (W^{l+1})^T delta^{l+1} * f_l'(z^l)
        delta[i] = np.matvec(weights[i + 1].T, delta[i + 1]) * derivative(activations[i], z[i], a[i + 1])
    # The gradients of a batch are the mean over its samples (one sample: a batch of one).
    rows_d, rows_a = [np.atleast_2d(d) for d in delta], [np.atleast_2d(v) for v in a]
    m = len(rows_a[0])
    # Sums in the order of the samples, from 0: 0.0 + the running sum is 0 + d_1 + ... + d_m to the bit.
    grad_biases = [(0.0 + np.add.accumulate(d)[-1]) / m for d in rows_d]  # BP3: mean of delta^l
    grad_weights = [np.einsum("nj,nk->jk", d, a_prev) / m  # BP4: mean of outer(delta^l, a^{l-1})
                    for d, a_prev in zip(rows_d, rows_a)]
    return Backward(e, tuple(delta), tuple(grad_weights), tuple(grad_biases))
