"""The ``mnist_like`` preset: ten stroke-drawn 28x28 digits through a 784-16-16-10 network."""

from __future__ import annotations

import numpy as np

from backprop_core import run_preset
from backprop_core.equations import neuron_equations, sign_equations, weight_equations
from backprop_core.gradcheck import check
from backprop_core.presets import data_preset


def test_images_are_digit_like_and_targets_one_hot():
    xs, ys = data_preset("mnist_like")
    images = np.array(xs).reshape(10, 28, 28)
    assert images.min() == 0.0 and images.max() == 1.0
    inked = (images > 0.5).sum(axis=(1, 2))
    assert np.all((inked > 40) & (inked < 300)), inked  # strokes, neither blank nor filled
    assert np.all(images[:, :3].max(axis=(1, 2)) == 0) and np.all(images[:, -2:].max(axis=(1, 2)) == 0)
    assert len({img.tobytes() for img in images}) == 10  # ten different digits
    assert np.array_equal(np.array(ys), np.eye(10))


def test_mnist_like_trains_to_every_digit():
    trace = run_preset("mnist_like")
    assert trace.layers == (784, 16, 16, 10)
    first, last = trace.epochs[0], trace.epochs[-1]
    assert last.loss < first.loss / 10
    assert last.accuracy == 1.0


def test_mnist_like_gradients_check():
    """The first recorded step, every one of its 12,960 weights and 42 biases, by finite differences."""
    result = check(run_preset("mnist_like"), max_steps=1)
    assert result.checked == 784 * 16 + 16 * 16 + 16 * 10 + 42
    assert result.passed, result.summary()


def test_equations_of_sampled_neurons_and_weights_give_the_trace():
    """784 inputs: z, a, delta of the first and last neuron of each layer, and a few weights."""
    trace = run_preset("mnist_like")
    step = trace.steps[0]
    rec = step.record(step.samples[0])
    for layer in (1, 2, 3):
        for j in (0, trace.layers[layer] - 1):
            eqs = neuron_equations(trace, step, step.samples[0], layer, j)
            for key, want in (("z", rec.z[layer - 1][j]), ("a", rec.a[layer][j]),
                              ("delta", rec.delta[layer - 1][j])):
                assert np.isclose(eqs[key].evaluate(), want, rtol=1e-9, atol=1e-12), (layer, j, key)
        for k in (0, trace.layers[layer - 1] - 1):
            new = step.after.weights[layer - 1][0, k]
            weight = weight_equations(trace, step, step.samples[0], layer, 0, k)
            assert np.isclose(weight["update_w"].evaluate(), new, rtol=1e-9, atol=1e-12)
            signs = sign_equations(trace, step, step.samples[0], layer, 0, k)
            assert np.isclose(signs["update_w"].evaluate(), new, rtol=1e-9, atol=1e-12)
