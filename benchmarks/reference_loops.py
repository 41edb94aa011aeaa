"""The loops that ``bench_core.py`` times bpviz against: bare NumPy and PyTorch.

Both run the same math as ``backprop_core.train.train`` on the same initial parameters, data and
sample order, without tracing: the gradient-descent steps and, after every epoch, the mean loss
over the training set (which bpviz records). They take the steps' sample indices epoch by epoch
and return the final weights and the epoch losses.
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
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return z


def _df(name, z, a):
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def _loss(loss, out_act, z, out, y):
    """The mean loss of the rows of ``out`` (``z``: pre-activations) against targets ``y``."""
    if loss == "half_sse":
        return 0.5 * np.sum((y - out) ** 2) / len(y)
    if loss == "mse":
        return np.mean((y - out) ** 2)
    if out_act == "softmax":
        return -np.sum(y * (z - np.log(np.sum(np.exp(z), axis=1, keepdims=True)))) / len(y)
    return np.sum(np.logaddexp(0.0, z) - y * z) / len(y)


def bare_numpy(cfg: Config, weights, biases, epochs):
    """Gradient descent without tracing; returns the final weights and the epoch losses.

    Each step takes its samples as rows of one batch (online: a batch of one), as
    ``backprop_core.network`` does: forward, deltas, the mean gradient, update.
    """
    acts, lr, loss = cfg.activations, cfg.learning_rate, cfg.loss
    learn_b = cfg.use_biases and cfg.update_biases
    X, Y = cfg.inputs, cfg.targets
    W = [w.copy() for w in weights]
    B = [b.copy() for b in biases]
    n_layers = len(W)
    losses = []
    for steps in epochs:
        for batch in steps:
            m = len(batch)
            a, zs = [X[batch]], []
            for w, b, name in zip(W, B, acts):  # forward
                zs.append(a[-1] @ w.T + b)
                a.append(_f(name, zs[-1]))
            y, out = Y[batch], a[-1]
            if loss == "cross_entropy":  # BP1
                d = out - y
            else:
                g = out - y if loss == "half_sse" else (2.0 / out.shape[1]) * (out - y)
                if acts[-1] == "softmax":
                    d = out * (g - np.sum(out * g, axis=1, keepdims=True))
                else:
                    d = g * _df(acts[-1], zs[-1], out)
            deltas = [d]
            for layer in range(n_layers - 1, 0, -1):  # BP2, with the weights before the update
                d = (d @ W[layer]) * _df(acts[layer - 1], zs[layer - 1], a[layer])
                deltas.insert(0, d)
            for layer, d in enumerate(deltas):  # BP3, BP4: the mean over the batch, then the update
                W[layer] -= lr * (d.T @ a[layer] / m)
                if learn_b:
                    B[layer] -= lr * (d.sum(axis=0) / m)
        a = X  # the loss over the training set after the epoch
        for w, b, name in zip(W, B, acts):
            z = a @ w.T + b
            a = _f(name, z)
        losses.append(_loss(loss, acts[-1], z, a, Y))
    return W, losses


# -- PyTorch --------------------------------------------------------------------------------
def torch_sgd(torch, cfg: Config, weights, biases, epochs):
    """The same math in PyTorch (autograd + SGD); returns the final weights and the epoch losses."""
    F = torch.nn.functional
    W = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    learn_b = cfg.use_biases and cfg.update_biases
    B = [torch.tensor(b, dtype=torch.float64, requires_grad=learn_b) for b in biases]
    opt = torch.optim.SGD(W + (B if learn_b else []), lr=cfg.learning_rate)
    X = torch.tensor(cfg.inputs, dtype=torch.float64)
    Y = torch.tensor(cfg.targets, dtype=torch.float64)
    data = {}
    for steps in epochs:
        for batch in steps:
            key = tuple(batch.tolist())
            if key not in data:
                idx = torch.as_tensor(batch)
                data[key] = (X[idx], Y[idx])
    epoch_data = [[data[tuple(batch.tolist())] for batch in steps] for steps in epochs]
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "softmax": lambda z: torch.softmax(z, dim=1), "linear": lambda z: z}
    acts, loss = cfg.activations, cfg.loss

    def mean_loss(xb, yb):
        a = xb
        for w, b, name in zip(W, B, acts):
            z = F.linear(a, w, b)
            a = fns[name](z)
        m = xb.shape[0]
        if loss == "half_sse":
            return 0.5 * ((a - yb) ** 2).sum() / m
        if loss == "mse":
            return ((a - yb) ** 2).mean()
        if acts[-1] == "softmax":
            return -(yb * F.log_softmax(z, dim=1)).sum() / m
        return F.binary_cross_entropy_with_logits(z, yb, reduction="sum") / m

    losses = []
    for step_data in epoch_data:
        for xb, yb in step_data:
            opt.zero_grad()
            mean_loss(xb, yb).backward()
            opt.step()
        with torch.no_grad():  # the loss over the training set after the epoch
            losses.append(float(mean_loss(X, Y)))
    return [w.detach().numpy() for w in W], losses
