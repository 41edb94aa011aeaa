"""The scaling of one input, written with the trace's numbers, evaluates to the scaled input."""

from __future__ import annotations

import pytest

from backprop_core.config import from_dict
from backprop_core.equations import scaling_equation
from backprop_core.train import train

INPUTS = [[2.0, 10.0, 5.0], [4.0, 30.0, 5.0], [7.0, 20.0, 5.0]]  # the third feature is constant


def scaled_trace(scale: str):
    return train(from_dict({
        "network": {"layers": [3, 2], "activations": ["sigmoid"], "seed": 0},
        "training": {"loss": "half_sse", "epochs": 1, "learning_rate": 0.5},
        "data": {"inputs": INPUTS, "targets": [[0, 1], [1, 0], [0, 1]], "scale": scale},
    }))


@pytest.mark.parametrize("scale", ["minmax", "standard"])
def test_each_input_evaluates_to_the_trace_value(scale):
    trace = scaled_trace(scale)
    data = trace.config["data"]
    for sample in range(3):
        for k in range(3):
            eq = scaling_equation(trace, sample, k)
            assert eq.value == data["inputs"][sample][k]
            assert eq.evaluate() == pytest.approx(eq.value, abs=1e-12)
            assert f"{data['raw_inputs'][sample][k]:g}" in eq.latex_numbers()
    assert r"\mu_{1}" in scaling_equation(trace, 0, 0).latex() if scale == "standard" else \
        r"\max_{1} - \min_{1}" in scaling_equation(trace, 0, 0).latex()


def test_unscaled_data_have_no_scaling_equation():
    trace = train(from_dict({"network": {"layers": [3, 2], "activations": ["sigmoid"]},
                             "training": {"epochs": 1},
                             "data": {"inputs": INPUTS, "targets": [[0, 1], [1, 0], [0, 1]]}}))
    with pytest.raises(ValueError, match="not scaled"):
        scaling_equation(trace, 0, 0)
