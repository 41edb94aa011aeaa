"""The SymPy equations against the trace: every substituted form evaluates to its trace field.

Each equation's ``value`` must be the trace field it explains (found here independently,
from ``key``, ``at`` and ``sample``), and SymPy's evaluation of its substituted form must give
the same number to 1e-12. Presets use their first recorded step; synthetic configs cover every
activation, loss, mode and bias setting.
"""

from __future__ import annotations

import math
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_core import run_preset
from backprop_core.activations import derivative
from backprop_core.config import from_dict
from backprop_core.equations import (
    NOTATIONS,
    all_equations,
    loss_equations,
    neuron_equations,
    weight_equations,
)
from backprop_core.equations.latex import format_number, to_latex
from backprop_core.train import train

from .helpers import exhaustive_presets

FORBIDDEN = ("+ -", "- -", r"\cdot -")
NEURON_SAMPLE_KEYS = ("z", "a", "fprime", "delta", "grad_b")
WEIGHT_SAMPLE_KEYS = ("grad_w", "chain")
NEURON_STEP_KEYS = ("grad_b_mean", "update_b")
WEIGHT_STEP_KEYS = ("grad_w_mean", "update_w")


@cache
def preset_trace(name):
    return run_preset(name)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def expected_value(trace, step, eq, notation) -> float:
    """The trace field ``eq`` explains, looked up from its key and position."""
    sign = -1.0 if notation == "delta_rule" else 1.0
    rec = step.record(eq.sample) if eq.sample is not None else None
    layer = eq.at[0] if eq.at else None
    if eq.key == "loss":
        return rec.loss
    if eq.key == "loss_mean":
        return step.loss
    j = eq.at[1]
    table = {
        "z": lambda: rec.z[layer - 1][j],
        "a": lambda: rec.a[layer][j],
        "fprime": lambda: derivative(trace.activations[layer - 1], rec.z[layer - 1], rec.a[layer])[j],
        "delta": lambda: sign * rec.delta[layer - 1][j],
        "grad_b": lambda: rec.delta[layer - 1][j],
        "grad_b_mean": lambda: step.grad_biases[layer - 1][j],
        "update_b": lambda: step.after.biases[layer - 1][j],
        "grad_w": lambda: rec.delta[layer - 1][j] * rec.a[layer - 1][eq.at[2]],
        "chain": lambda: rec.delta[layer - 1][j] * rec.a[layer - 1][eq.at[2]],
        "grad_w_mean": lambda: step.grad_weights[layer - 1][j, eq.at[2]],
        "update_w": lambda: step.after.weights[layer - 1][j, eq.at[2]],
    }
    return float(table[eq.key]())


def expected_keys(trace, step) -> set:
    """Every (key, at, sample) a step must have."""
    layers, keys = trace.layers, set()
    for sample in step.samples:
        keys.add(("loss", (), sample))
        for layer in range(1, len(layers)):
            for j in range(layers[layer]):
                keys |= {(key, (layer, j), sample) for key in NEURON_SAMPLE_KEYS}
                for k in range(layers[layer - 1]):
                    keys |= {(key, (layer, j, k), sample) for key in WEIGHT_SAMPLE_KEYS}
    keys.add(("loss_mean", (), None))
    for layer in range(1, len(layers)):
        for j in range(layers[layer]):
            keys |= {(key, (layer, j), None) for key in NEURON_STEP_KEYS}
            for k in range(layers[layer - 1]):
                keys |= {(key, (layer, j, k), None) for key in WEIGHT_STEP_KEYS}
    return keys


def check_latex(eq) -> None:
    numbers = eq.latex_numbers()
    for tex in (eq.latex(), eq.latex_expanded(), numbers):
        for bad in FORBIDDEN:
            assert bad not in tex, f"{eq.key} {eq.at}: {bad!r} in {tex}"
    assert numbers.endswith("= " + format_number(eq.value)), numbers


def check_step(trace, notation, step=None, latex=True) -> list:
    """Check every equation of ``step`` (default: the first recorded) and return them."""
    step = step or trace.steps[0]
    eqs = list(all_equations(trace, step.index, notation))
    found = [(eq.key, eq.at, eq.sample) for eq in eqs]
    assert len(found) == len(set(found))
    assert set(found) == expected_keys(trace, step)
    for eq in eqs:
        want = expected_value(trace, step, eq, notation)
        assert eq.value == want, (eq.key, eq.at, eq.value, want)
        got = eq.evaluate()
        assert close(got, want), (eq.key, eq.at, eq.latex_numbers(), got, want)
        if eq.key in ("grad_w", "chain") and len(step.samples) == 1:
            assert close(eq.value, step.grad_weights[eq.at[0] - 1][eq.at[1], eq.at[2]])
        if latex:
            check_latex(eq)
    return eqs


# -- presets ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("name", exhaustive_presets())
def test_preset_first_step(name, notation):
    check_step(preset_trace(name), notation)


def test_mazur_hand_check():
    trace = preset_trace("mazur")
    step = trace.steps[0]
    z = neuron_equations(trace, step, None, 1, 0)["z"]
    substituted = to_latex(z.substituted)
    for number in ("0.15", "0.05", "0.2", "0.1", "0.35"):
        assert number in substituted
    assert z.latex_numbers() == r"z^{1}_{1} = 0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 = 0.3775"
    assert z.latex() == r"z^{1}_{1} = \sum_{k=1}^{2} w^{1}_{1k} a^{0}_{k} + b^{1}_{1}"
    published = 0.74136507 * 0.75136507 * (1 - 0.75136507)
    assert abs(published - 0.138498562) < 1e-8
    delta = neuron_equations(trace, step, None, 2, 0)["delta"]
    assert abs(delta.evaluate() - published) < 1e-8
    assert delta.latex_numbers() == (r"\delta^{2}_{1} = \left(0.7514 - 0.01\right) \cdot 0.7514 \cdot "
                                     r"\left(1 - 0.7514\right) = 0.1385")
    rule = neuron_equations(trace, step, None, 2, 0, "delta_rule")["delta"]
    assert abs(rule.evaluate() + published) < 1e-8
    assert "delta = -dE/dnet" in rule.note
    w5 = weight_equations(trace, step, 0, 2, 0, 0)
    assert abs(w5["chain"].evaluate() - 0.082167041) < 1e-8
    assert abs(w5["update_w"].evaluate() - 0.35891648) < 1e-8
    w1 = weight_equations(trace, step, 0, 1, 0, 0, "delta_rule")
    assert abs(w1["update_w"].evaluate() - 0.149780716) < 1e-8
    assert w1["update_w"].latex() == r"w^{(1)}_{11}{}^{+} = w^{(1)}_{11} + \eta \delta^{(1)}_{1} x_{1}"
    assert abs(loss_equations(trace, step)["loss_mean"].evaluate() - 0.298371109) < 1e-9
    frozen = neuron_equations(trace, step, None, 1, 0)["update_b"]
    assert frozen.latex_numbers() == r"b^{1}_{1}{}^{+} = 0.35" and "frozen" in frozen.note


# -- synthetic traces: every activation, loss, mode and bias setting -------------------------------
X3 = [[0.5, -1.0], [-0.3, 0.8], [1.2, 0.1]]
SYNTHETIC = {
    "tanh-sigmoid-half_sse": ([2, 3, 1], ["tanh", "sigmoid"], "half_sse", [[1], [0], [1]], {}),
    "relu-linear-mse-batch": ([2, 3, 2], ["relu", "linear"], "mse", [[1, -2], [0, 1], [1, 0.5]],
                              {"mode": "batch"}),
    "linear-softmax-ce-minibatch": ([2, 2, 3], ["linear", "softmax"], "cross_entropy",
                                    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
                                    {"mode": "minibatch", "batch_size": 2, "shuffle": True}),
    "relu-sigmoid-ce-no-biases": ([2, 3, 2], ["relu", "sigmoid"], "cross_entropy",
                                  [[1, 0], [0, 1], [1, 1]], {"use_biases": False, "seed": 2}),
    "sigmoid-softmax-half_sse-frozen": ([2, 3, 2], ["sigmoid", "softmax"], "half_sse",
                                        [[1, 0], [0, 1], [1, 0]], {"update_biases": False, "mode": "batch"}),
    "tanh-softmax-mse": ([2, 2, 3], ["tanh", "softmax"], "mse", [[1, 0, 0], [0, 0, 1], [0, 1, 0]], {}),
    "deep-tanh-relu-sigmoid-mse": ([2, 3, 2, 2], ["tanh", "relu", "sigmoid"], "mse", [[1, 0], [0, 1], [1, 1]],
                                   {"mode": "minibatch", "batch_size": 2, "seed": 3}),
    "sigmoid-relu-half_sse": ([2, 2, 1], ["sigmoid", "relu"], "half_sse", [[1], [0], [2]], {}),
    "single-tanh-mse": ([2, 1], ["tanh"], "mse", [[0.5], [-0.5], [0.2]], {}),
    "single-linear-half_sse": ([2, 2], ["linear"], "half_sse", [[1, 0], [0, 1], [2, 2]], {"mode": "batch"}),
}


def synthetic_trace(layers, activations, loss, targets, options, inputs=X3, seed=1):
    network = {"layers": layers, "activations": activations, "init": "uniform", "init_range": 1.0,
               "seed": seed}
    training = {"loss": loss, "learning_rate": 0.3, "epochs": 1}
    for key, value in options.items():
        (network if key in ("use_biases", "seed") else training)[key] = value
    return train(from_dict({"network": network, "training": training,
                            "data": {"inputs": inputs, "targets": targets}}))


@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_first_step(name, notation):
    trace = synthetic_trace(*SYNTHETIC[name])
    eqs = check_step(trace, notation)
    if "relu" in trace.activations[:-1]:
        first = trace.steps[0].samples[0]
        slopes = {eq.value for eq in eqs if eq.key == "fprime" and eq.sample == first
                  and trace.activations[eq.at[0] - 1] == "relu"}
        assert slopes == {0.0, 1.0}, "the relu layer should show both slopes for the first sample"


def test_every_step_of_a_minibatch_run():
    trace = synthetic_trace(*SYNTHETIC["linear-softmax-ce-minibatch"])
    assert [len(s.samples) for s in trace.steps] == [2, 1]
    for step in trace.steps:
        check_step(trace, "nielsen", step, latex=False)


def test_notes_say_what_is_special():
    no_bias = synthetic_trace(*SYNTHETIC["relu-sigmoid-ce-no-biases"])
    eqs = neuron_equations(no_bias, 0, None, 2, 1)
    assert "use_biases = false" in eqs["update_b"].note and "use_biases = false" in eqs["z"].note
    assert "b^{2}_{2}" not in eqs["z"].latex()
    assert "simplified" in eqs["delta"].note and eqs["delta"].latex() == r"\delta^{2}_{2} = a^{2}_{2} - y_{2}"
    frozen = synthetic_trace(*SYNTHETIC["sigmoid-softmax-half_sse-frozen"])
    eqs = neuron_equations(frozen, 0, None, 2, 0)
    assert "update_biases = false" in eqs["update_b"].note
    assert "Jacobian" in eqs["delta"].note and "Jacobian" in eqs["fprime"].note
    chain = weight_equations(frozen, 0, None, 1, 0, 0)["chain"]
    assert r"\sum_{i=1}^{2} \sum_{m=1}^{2}" in chain.latex() and "4 paths" in chain.note


def test_multi_sample_step_and_sample_choice():
    trace = synthetic_trace(*SYNTHETIC["relu-linear-mse-batch"])
    step = trace.steps[0]
    for sample in step.samples:
        eqs = neuron_equations(trace, step, sample, 1, 0)
        assert eqs["z"].sample == sample and eqs["z"].value == step.record(sample).z[0][0]
        assert eqs["grad_b_mean"].sample is None
    mean = weight_equations(trace, 0, None, 2, 0, 1)["grad_w_mean"]
    assert mean.latex().startswith(r"\frac{\partial C}{\partial w^{2}_{12}} = \frac{1}{B} \sum_{n=1}^{B}")
    assert r"\frac{1}{3}" in mean.latex_numbers() and "{}^{(3)}" in mean.latex_expanded()
    with pytest.raises(KeyError):
        neuron_equations(trace, step, 7, 1, 0)


def test_bad_arguments():
    trace = preset_trace("mazur")
    with pytest.raises(ValueError, match="notation"):
        loss_equations(trace, 0, None, "feynman")
    with pytest.raises(IndexError):
        neuron_equations(trace, 0, None, 3, 0)
    with pytest.raises(IndexError):
        weight_equations(trace, 0, None, 1, 0, 2)


# -- random networks -----------------------------------------------------------------------------
@st.composite
def configs(draw):
    hidden = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    layers = [n_in, *hidden, n_out]
    acts = [draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"])) for _ in hidden]
    loss = draw(st.sampled_from(["half_sse", "mse", "cross_entropy"]))
    out = draw(st.sampled_from(["softmax", "sigmoid"] if loss == "cross_entropy"
                               else ["sigmoid", "tanh", "relu", "linear", "softmax"]))
    n = draw(st.integers(1, 4))
    number = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    inputs = [[draw(number) for _ in range(n_in)] for _ in range(n)]
    if loss == "cross_entropy" and out == "softmax":
        targets = [[float(i == draw(st.integers(0, n_out - 1))) for i in range(n_out)] for _ in range(n)]
        targets = [t if sum(t) == 1 else [1.0] + [0.0] * (n_out - 1) for t in targets]
    elif loss == "cross_entropy":
        targets = [[float(draw(st.booleans())) for _ in range(n_out)] for _ in range(n)]
    else:
        targets = [[draw(number) for _ in range(n_out)] for _ in range(n)]
    mode = draw(st.sampled_from(["online", "batch", "minibatch"]))
    options = {"mode": mode, "use_biases": draw(st.booleans()), "update_biases": draw(st.booleans())}
    if mode == "minibatch":
        options["batch_size"] = draw(st.integers(1, n))
    return layers, [*acts, out], loss, targets, options, inputs, draw(st.integers(0, 99))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.sampled_from(NOTATIONS))
def test_random_networks(config, notation):
    check_step(synthetic_trace(*config), notation)
