"""Mazur's published worked example, number for number, through the `mazur` preset.

Matt Mazur, "A Step by Step Backpropagation Example" (2015). His figures are rounded to
the digits he printed; each is compared to that many digits.
"""

from __future__ import annotations

import pytest

from backprop_core import run_preset


@pytest.fixture(scope="module")
def trace():
    return run_preset("mazur")


@pytest.fixture(scope="module")
def step(trace):
    return trace.steps[0]


def test_forward_pass(step):
    rec = step.per_sample[0]
    assert rec.z[0][0] == pytest.approx(0.3775, abs=1e-12)  # net_h1
    assert rec.a[1][0] == pytest.approx(0.593269992, abs=1e-9)  # out_h1
    assert rec.a[1][1] == pytest.approx(0.596884378, abs=1e-9)  # out_h2
    assert rec.z[1][0] == pytest.approx(1.105905967, abs=1e-9)  # net_o1
    assert rec.a[2][0] == pytest.approx(0.75136507, abs=1e-8)  # out_o1
    assert rec.a[2][1] == pytest.approx(0.772928465, abs=1e-9)  # out_o2


def test_total_error(step):
    assert step.per_sample[0].loss == pytest.approx(0.298371109, abs=1e-9)
    assert step.loss == step.per_sample[0].loss


def test_output_layer(step):
    # dE/dw5 = 0.082167041; w5+ = 0.35891648, w6+ = 0.408666186, w7+ = 0.511301270, w8+ = 0.561370121
    assert step.grad_weights[1][0, 0] == pytest.approx(0.082167041, abs=1e-9)
    after = step.after.weights[1]
    assert after[0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert after[0, 1] == pytest.approx(0.408666186, abs=1e-9)
    assert after[1, 0] == pytest.approx(0.511301270, abs=1e-9)
    assert after[1, 1] == pytest.approx(0.561370121, abs=1e-9)
    # delta_o1 = dE/dnet_o1 = 0.138498562
    assert step.per_sample[0].delta[1][0] == pytest.approx(0.138498562, abs=1e-9)


def test_hidden_layer_uses_weights_before_the_update(step):
    # dE/dw1 = 0.000438568; w1+ = 0.149780716, w2+ = 0.19956143, w3+ = 0.24975114, w4+ = 0.29950229
    assert step.grad_weights[0][0, 0] == pytest.approx(0.000438568, abs=1e-9)
    after = step.after.weights[0]
    assert after[0, 0] == pytest.approx(0.149780716, abs=1e-9)
    assert after[0, 1] == pytest.approx(0.19956143, abs=1e-8)
    assert after[1, 0] == pytest.approx(0.24975114, abs=1e-8)
    assert after[1, 1] == pytest.approx(0.29950229, abs=1e-8)


def test_biases_are_frozen_as_in_mazur(trace, step):
    assert trace.config["training"]["update_biases"] is False
    for before, after in zip(step.before.biases, step.after.biases):
        assert (before == after).all()
    assert step.grad_biases[1][0] == step.per_sample[0].delta[1][0]  # BP3 still recorded


def test_epoch_losses(trace):
    assert [e.epoch for e in trace.epochs] == [0, 1]
    assert trace.epochs[0].loss == pytest.approx(0.298371109, abs=1e-9)
    # After one update. Mazur prints 0.291027924, from his rounded intermediate values; the exact
    # figure from his weights is 0.29102777...
    assert trace.epochs[1].loss == pytest.approx(0.2910277737, abs=1e-10)
    assert trace.epochs[1].accuracy is None  # targets 0.01/0.99 are not class labels
