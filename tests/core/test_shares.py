"""Each edge's share of a hidden neuron's error: the product w^{l+1}_mj delta^{l+1}_m, the terms of BP2.

The shares are checked against the trace (weights before the update times the recorded delta, in
the notation's sign), against the terms of the ``delta`` equation's substituted sum (the same
floats), and BP2 written with them must add up to the trace's delta.
"""

from __future__ import annotations

import math

import pytest
import sympy

from backprop_core import run_preset
from backprop_core.equations import NOTATIONS, neuron_equations, share_equations

from .helpers import make_trace

TRACES = {
    "mazur": lambda: run_preset("mazur"),
    "digits": lambda: run_preset("digits"),
    "relu-6-8-8-3": lambda: make_trace((6, 8, 8, 3), ("relu", "relu", "softmax"), loss="cross_entropy"),
    "tanh-3-4-2-mse": lambda: make_trace((3, 4, 2), ("tanh", "linear"), loss="mse", mode="batch"),
}


def _sum_terms(expr: sympy.Basic, count: int) -> list[float]:
    """The terms of the first sum of ``count`` products (or numbers) in ``expr`` (preorder), each evaluated.

    ``1 - a`` (a slope's factor) is passed over: its first term is the integer 1.
    """
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Add) and len(node.args) == count \
                and not any(isinstance(t, sympy.Integer) for t in node.args):
            return [float(term.doit()) for term in node.args]
    if count == 1:  # a single term is no sum: the first product of a weight and a delta
        return [float(next(n for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Mul)).doit())]
    raise AssertionError(f"no sum of {count} terms in {expr}")


@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("name", TRACES)
def test_shares_are_the_terms_of_bp2(name, notation):
    trace = TRACES[name]()
    step = trace.steps[0]
    rec = step.per_sample[0]
    sign = -1.0 if notation == "delta_rule" else 1.0
    for layer in range(1, len(trace.layers) - 1):
        for j in range(min(trace.layers[layer], 3)):  # three neurons a layer say as much as all
            found = share_equations(trace, step, None, layer, j, notation)
            shares = found["shares"]
            n_next = trace.layers[layer + 1]
            assert [s.at for s in shares] == [(layer + 1, m, j) for m in range(n_next)]
            for m, share in enumerate(shares):
                expected = float(step.before.weights[layer][m, j]) * sign * float(rec.delta[layer][m])
                assert share.value == expected
                assert math.isclose(share.evaluate(), share.value, rel_tol=1e-12, abs_tol=1e-15)
            delta = neuron_equations(trace, step, None, layer, j, notation)["delta"]
            terms = _sum_terms(delta.substituted, n_next)
            assert terms == pytest.approx([s.value for s in shares], rel=1e-12, abs=1e-15)
            total = found["delta"]
            assert total.value == delta.value
            assert _sum_terms(total.substituted, n_next) == [s.value for s in shares]
            assert math.isclose(total.evaluate(), total.value, rel_tol=1e-9, abs_tol=1e-15)
            assert total.latex() == delta.latex()


def test_the_output_layer_has_no_shares():
    trace = run_preset("mazur")
    with pytest.raises(IndexError, match="output layer"):
        share_equations(trace, 0, None, 2, 0)
