"""Gradients against central finite differences of an independent reference loss."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_core.gradcheck import check

from .helpers import make_trace, reference_loss

HIDDEN = ["sigmoid", "tanh", "relu", "linear"]
OUTPUTS = [("sigmoid", "half_sse"), ("sigmoid", "mse"), ("sigmoid", "cross_entropy"),
           ("softmax", "cross_entropy"), ("softmax", "half_sse"), ("tanh", "mse"),
           ("linear", "half_sse"), ("relu", "mse")]


def fd_gradients(trace, step, h=1e-6):
    """Finite-difference gradient of the step's mean reference loss for every parameter."""
    data = trace.config["data"]
    acts, loss = trace.activations, trace.loss_name
    weights = [np.array(w) for w in step.before.weights]
    biases = [np.array(b) for b in step.before.biases]

    def mean_loss():
        return np.mean([reference_loss(loss, acts[-1], weights, biases, acts,
                                       data["inputs"][i], data["targets"][i]) for i in step.samples])

    out = []
    for params in (weights, biases):
        grads = []
        for p in params:
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                up = mean_loss()
                p[idx] = old - h
                down = mean_loss()
                p[idx] = old
                g[idx] = (up - down) / (2 * h)
            grads.append(g)
        out.append(grads)
    return out


def assert_close_to_fd(trace):
    for step in trace.steps:
        fd_w, fd_b = fd_gradients(trace, step)
        for got, want in zip(step.grad_weights + step.grad_biases, fd_w + fd_b):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("out_act,loss", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_activation_and_loss_matches_finite_differences(hidden, out_act, loss):
    trace = make_trace([3, 4, 3], [hidden, out_act], loss=loss, epochs=1, n=3)
    assert_close_to_fd(trace)


@pytest.mark.parametrize("mode,batch_size", [("online", None), ("batch", None), ("minibatch", 2)])
def test_every_mode_matches_finite_differences(mode, batch_size):
    trace = make_trace([2, 3, 2, 2], ["tanh", "sigmoid", "sigmoid"], mode=mode, batch_size=batch_size,
                       n=5, epochs=2)
    assert len(trace.steps) == {"online": 10, "batch": 2, "minibatch": 6}[mode]
    assert_close_to_fd(trace)


@settings(max_examples=25, deadline=None)
@given(
    layers=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(HIDDEN),
    output=st.sampled_from(OUTPUTS),
    mode=st.sampled_from(["online", "batch", "minibatch"]),
    seed=st.integers(0, 10_000),
)
def test_random_networks_match_finite_differences(layers, hidden, output, mode, seed):
    out_act, loss = output
    if out_act == "softmax" and layers[-1] < 2:
        layers = [*layers[:-1], 2]
    acts = [hidden] * (len(layers) - 2) + [out_act]
    trace = make_trace(layers, acts, loss=loss, mode=mode, n=3, seed=seed,
                       batch_size=2 if mode == "minibatch" else None)
    assert_close_to_fd(trace)
    assert check(trace).passed


def test_gradcheck_fails_on_a_wrong_gradient():
    """The checker must be able to say FAIL: tamper with a recorded gradient."""
    from dataclasses import replace

    trace = make_trace([2, 2, 1], ["sigmoid", "sigmoid"], n=1)
    step = trace.steps[0]
    bad = [np.array(g) for g in step.grad_weights]
    bad[0][0, 0] *= 1.01
    tampered = replace(trace, steps=(replace(step, grad_weights=tuple(bad)),))
    result = check(tampered)
    assert not result.passed
    assert "W^1[0, 0]" in result.worst
