"""The delta rule's sign convention beside gradient descent: both forms give the trace's new weight.

For every weight of every preset and of synthetic runs (each loss, online and batch), the
descent form ``w^+ = w - eta dE/dw`` and the delta-rule form ``w^+ = w + eta delta x`` must both
evaluate (SymPy, on the substituted numbers) to the weight after the update, and
``delta = -dE/dnet`` to minus the trace's ``delta`` (``dE/dz``).
"""

from __future__ import annotations

import math

import pytest

from backprop_core import run_preset
from backprop_core.equations import SIGN_KEYS, sign_equations
from backprop_core.equations.latex import format_number

from .helpers import exhaustive_presets, make_trace


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def check_weights(trace, step) -> int:
    """Check the sign equations of every weight of ``step`` for each of its samples; return the count."""
    checked = 0
    for sample in step.samples:
        rec = step.record(sample)
        for layer in range(1, len(trace.layers)):
            for j in range(trace.layers[layer]):
                for k in range(trace.layers[layer - 1]):
                    eqs = sign_equations(trace, step, sample, layer, j, k)
                    assert tuple(eqs) == SIGN_KEYS
                    new = float(step.after.weights[layer - 1][j, k])
                    for key in ("descent_w", "update_w"):
                        assert eqs[key].value == new
                        assert close(eqs[key].evaluate(), new), (key, eqs[key].latex_numbers())
                    minus = -float(rec.delta[layer - 1][j])
                    assert eqs["delta_sign"].value == minus
                    assert close(eqs["delta_sign"].evaluate(), minus)
                    grad = eqs["grad"]
                    want = (rec.delta[layer - 1][j] * rec.a[layer - 1][k] if len(step.samples) == 1
                            else step.grad_weights[layer - 1][j, k])
                    assert close(grad.evaluate(), float(want)), grad.latex_numbers()
                    checked += 1
    return checked


@pytest.mark.parametrize("name", exhaustive_presets())
def test_presets_both_forms_give_the_new_weight(name):
    trace = run_preset(name)
    assert check_weights(trace, trace.steps[0]) > 0


@pytest.mark.parametrize("loss, acts", [("half_sse", ("tanh", "sigmoid")), ("mse", ("relu", "linear")),
                                        ("cross_entropy", ("sigmoid", "softmax")),
                                        ("cross_entropy", ("tanh", "sigmoid"))])
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_synthetic_runs(loss, acts, mode):
    trace = make_trace((2, 3, 2), acts, loss=loss, mode=mode, n=3)
    assert check_weights(trace, trace.steps[0]) == 12 * len(trace.steps[0].samples)
    assert len(trace.steps[0].samples) == (3 if mode == "batch" else 1)


def test_mazur_published_numbers_and_signs():
    """Mazur's w5+ = 0.35891648 both ways; the descent form subtracts, the delta rule adds."""
    trace = run_preset("mazur")
    eqs = sign_equations(trace, trace.steps[0], None, 2, 0, 0)
    assert round(eqs["descent_w"].value, 8) == 0.35891648
    assert eqs["descent_w"].latex() == (r"w^{(2)}_{11}{}^{+} = w^{(2)}_{11} - \eta "
                                        r"\frac{\partial E}{\partial w^{(2)}_{11}}")
    assert eqs["update_w"].latex() == r"w^{(2)}_{11}{}^{+} = w^{(2)}_{11} + \eta \delta^{(2)}_{1} o^{(1)}_{1}"
    assert eqs["delta_sign"].latex() == (r"\delta^{(2)}_{1} = - "
                                         r"\frac{\partial E_{1}}{\partial \mathrm{net}^{(2)}_{1}}")
    # the trace's dE/dnet of o1 is positive (o1 is above its target), the delta rule's delta negative
    assert trace.steps[0].per_sample[0].delta[1][0] > 0 > eqs["delta_sign"].value
    both = {eqs[key].latex_numbers().rpartition("=")[2].strip() for key in ("descent_w", "update_w")}
    assert both == {format_number(0.35891648)}


def test_bad_weight_is_an_index_error():
    trace = run_preset("mazur")
    with pytest.raises(IndexError):
        sign_equations(trace, 0, None, 2, 0, 5)
    with pytest.raises(IndexError):
        sign_equations(trace, 0, None, 3, 0, 0)
