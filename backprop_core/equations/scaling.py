r"""The scaling of one input, ``x_k = (x^{raw}_k - mean_k) / std_k``, with the trace's numbers.

The trace keeps the raw inputs, the scale's parameters and the scaled inputs
(:mod:`backprop_core.scaling`); this writes the formula of one feature of one sample, so a film
can show where the number the network receives comes from.
"""

from __future__ import annotations

from ..trace import Trace
from .context import Equation
from .latex import frac, num, sub, substitute, sym

_SYMBOLS = {"minmax": (r"\min", r"\max"), "standard": (r"\mu", r"\sigma")}
r"""How each scale's two parameters are written, indexed by the feature (``\mu_{1}``)."""


def scaling_equation(trace: Trace, sample: int, k: int) -> Equation:
    r"""``x_k`` of dataset sample ``sample`` from its raw value (``[data] scale``; ``k`` 0-based).

    ``standard``: ``x_{k} = (x^{raw}_{k} - \mu_{k}) / \sigma_{k}``; ``minmax``:
    ``x_{k} = (x^{raw}_{k} - \min_{k}) / (\max_{k} - \min_{k})``. A constant feature's divisor
    is 1, as the scaling took it. The value is the scaled input the trace holds.

    Raises
    ------
    ValueError
        When the trace's data are not scaled.
    """
    data = trace.config["data"]
    scale = data.get("scale", "none")
    if scale not in _SYMBOLS:
        raise ValueError("the trace's inputs are not scaled ([data] scale = \"none\")")
    first, second = (data["scaling"][name][k] for name in
                     (("min", "max") if scale == "minmax" else ("mean", "std")))
    i = str(k + 1)
    raw, lo = sym(rf"x^{{\mathrm{{raw}}}}_{{{i}}}"), sym(rf"{_SYMBOLS[scale][0]}_{{{i}}}")
    hi = sym(rf"{_SYMBOLS[scale][1]}_{{{i}}}")
    values = {raw: num(data["raw_inputs"][sample][k]), lo: num(first), hi: num(second)}
    divisor = sub(hi, lo) if scale == "minmax" else hi
    divisor_value = (second - first) if scale == "minmax" else second
    symbolic = frac(sub(raw, lo), divisor)
    expanded = symbolic if divisor_value != 0 else sub(raw, lo)
    return Equation(key="scale", at=(0, k), sample=sample, lhs=sym(f"x_{{{i}}}"), symbolic=symbolic,
                    expanded=expanded, substituted=substitute(expanded, values),
                    value=float(data["inputs"][sample][k]), note=scale)
