"""The loops that ``bench_core.py`` times bpviz against: bare NumPy and PyTorch.

Both run the same gradient descent as ``backprop_core.train.train`` on the same initial
parameters, data and sample order, without tracing, and return the final weights.
"""

from __future__ import annotations

import numpy as np

from backprop_core.config import Config


# -- bare NumPy -----------------------------------------------------------------------------
def _f(name, z):
    if name == "sigmoid":  # the stable sigmoid of backprop_core.activations, same numbers
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0, e) / (1.0 + e)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    return z


def _df(name, z, a):
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def bare_numpy(cfg: Config, weights, biases, steps):
    """Gradient descent without tracing; returns the final weights.

    Online: ``W -= lr * outer(delta, a)`` right after each sample's backward pass. A batch
    step sums the per-sample gradients and applies their mean once.
    """
    acts, lr, loss = cfg.activations, cfg.learning_rate, cfg.loss
    learn_b = cfg.use_biases and cfg.update_biases
    X, Y = cfg.inputs, cfg.targets
    W = [w.copy() for w in weights]
    B = [b.copy() for b in biases]
    n_layers = len(W)
    for batch in steps:
        m = len(batch)
        if m > 1:
            gw = [np.zeros_like(w) for w in W]
            gb = [np.zeros_like(b) for b in B]
        for i in batch:
            a, zs = [X[i]], []
            for w, b, name in zip(W, B, acts):  # forward
                zs.append(w @ a[-1] + b)
                a.append(_f(name, zs[-1]))
            y, out = Y[i], a[-1]
            if loss == "cross_entropy":  # BP1
                d = out - y
            else:
                g = out - y if loss == "half_sse" else (2.0 / out.size) * (out - y)
                d = out * (g - out @ g) if acts[-1] == "softmax" else g * _df(acts[-1], zs[-1], out)
            deltas = [d]
            for layer in range(n_layers - 1, 0, -1):  # BP2, with the weights before the update
                d = (W[layer].T @ d) * _df(acts[layer - 1], zs[layer - 1], a[layer])
                deltas.insert(0, d)
            for layer, d in enumerate(deltas):
                if m == 1:  # online update
                    W[layer] -= lr * np.outer(d, a[layer])  # BP4
                    if learn_b:
                        B[layer] -= lr * d  # BP3
                else:
                    gw[layer] += np.outer(d, a[layer])
                    gb[layer] += d
        if m > 1:
            for layer in range(n_layers):  # update with the mean gradient
                W[layer] -= lr * (gw[layer] / m)
                if learn_b:
                    B[layer] -= lr * (gb[layer] / m)
    return W


# -- PyTorch --------------------------------------------------------------------------------
def torch_sgd(torch, cfg: Config, weights, biases, steps):
    """The same gradient descent in PyTorch (autograd + SGD); returns the final weights."""
    F = torch.nn.functional
    W = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    learn_b = cfg.use_biases and cfg.update_biases
    B = [torch.tensor(b, dtype=torch.float64, requires_grad=learn_b) for b in biases]
    opt = torch.optim.SGD(W + (B if learn_b else []), lr=cfg.learning_rate)
    X = torch.tensor(cfg.inputs, dtype=torch.float64)
    Y = torch.tensor(cfg.targets, dtype=torch.float64)
    data = {}
    for batch in steps:
        key = tuple(batch.tolist())
        if key not in data:
            idx = torch.as_tensor(batch)
            data[key] = (X[idx], Y[idx])
    step_data = [data[tuple(batch.tolist())] for batch in steps]
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "softmax": lambda z: torch.softmax(z, dim=1), "linear": lambda z: z}
    acts, loss = cfg.activations, cfg.loss
    for xb, yb in step_data:
        opt.zero_grad()
        a = xb
        for w, b, name in zip(W, B, acts):
            z = F.linear(a, w, b)
            a = fns[name](z)
        m = xb.shape[0]
        if loss == "half_sse":
            e = 0.5 * ((a - yb) ** 2).sum() / m
        elif loss == "mse":
            e = ((a - yb) ** 2).mean()
        elif acts[-1] == "softmax":
            e = -(yb * F.log_softmax(z, dim=1)).sum() / m
        else:
            e = F.binary_cross_entropy_with_logits(z, yb, reduction="sum") / m
        e.backward()
        opt.step()
    return [w.detach().numpy() for w in W]
