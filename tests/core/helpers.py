"""Small builders shared by the core tests: configs from dicts, a naive reference forward pass."""

from __future__ import annotations

import numpy as np

from backprop_core.config import from_dict
from backprop_core.train import train


def make_config(layers, activations, loss="half_sse", mode="online", epochs=1, n=4, seed=0,
                batch_size=None, **training):
    """A config with seeded random data that fits ``layers`` and ``loss``."""
    rng = np.random.default_rng(seed + 1000)
    xs = rng.uniform(-1, 1, size=(n, layers[0]))
    if activations[-1] == "softmax":
        ys = np.eye(layers[-1])[rng.integers(0, layers[-1], size=n)]
    else:
        ys = rng.uniform(0.05, 0.95, size=(n, layers[-1]))
    tr = {"loss": loss, "mode": mode, "epochs": epochs, "learning_rate": 0.3, **training}
    if batch_size is not None:
        tr["batch_size"] = batch_size
    return from_dict({
        "network": {"layers": list(layers), "activations": list(activations), "init": "uniform",
                    "init_range": 0.8, "seed": seed},
        "training": tr,
        "data": {"inputs": xs.tolist(), "targets": ys.tolist()},
    })


def make_trace(*args, **kwargs):
    """Train :func:`make_config`."""
    return train(make_config(*args, **kwargs))


def reference_loss(loss, out_act, weights, biases, acts, x, y):
    """The loss of one sample from the textbook formulas, written independently of the engine."""
    a = np.asarray(x, dtype=float)
    for w, b, f in zip(weights, biases, acts):
        z = w @ a + b
        if f == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        elif f == "tanh":
            a = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
        elif f == "relu":
            a = np.where(z > 0, z, 0.0)
        elif f == "linear":
            a = z
        elif f == "softmax":
            a = np.exp(z) / np.exp(z).sum()
    y = np.asarray(y)
    if loss == "half_sse":
        return 0.5 * np.sum((y - a) ** 2)
    if loss == "mse":
        return np.sum((y - a) ** 2) / len(y)
    if out_act == "softmax":
        return -np.sum(y * np.log(a))
    return -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))


def exhaustive_presets() -> list[str]:
    """Presets whose every equation the core tests check one by one.

    ``mnist_like`` (784-16-16-10) has 12,960 weights: SymPy would take many minutes over them,
    so ``test_mnist_like`` checks the equations of sampled neurons and weights instead.
    """
    from backprop_core.presets import PRESETS

    return [name for name in PRESETS if name != "mnist_like"]
