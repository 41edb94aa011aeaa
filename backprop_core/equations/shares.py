r"""Each edge's share of a hidden neuron's error (BP2 read as blame passed down).

A helper of :mod:`backprop_core.equations`. In BP2,
``delta^l_j = (sum_m w^{l+1}_{mj} delta^{l+1}_m) f'(z^l_j)``, neuron ``m`` of layer ``l + 1``
hands neuron ``j`` the share ``w^{l+1}_{mj} delta^{l+1}_m`` of its error: one number per edge.
:func:`share` is that product for one edge (its value computed here, from the weights before
the update and the recorded delta, in the notation's sign); :func:`delta_from_shares` is BP2
with those very numbers as its terms, so the sum a viewer reads is the sum of the edges' shares.
"""

from __future__ import annotations

from .context import Equation, EquationContext
from .latex import add, mul, sym, to_latex
from .neuron import delta, fprime_factors


def share_value(ctx: EquationContext, layer: int, j: int, m: int) -> float:
    """``w^{l+1}_{mj} delta^{l+1}_m`` as a float: the weight before the update times the shown delta."""
    weight = float(ctx.step.before.weights[layer][m, j])
    return weight * (ctx.sign * float(ctx.rec.delta[layer][m]))


def share(ctx: EquationContext, layer: int, j: int, m: int) -> Equation:
    """``w^{l+1}_{mj} delta^{l+1}_m = w · delta = share``: what edge ``(l + 1, m, j)`` carries back.

    ``at`` is the edge's key ``(l + 1, m, j)`` (the weight's). Its ``lhs`` is the product of the
    two symbols, the term of BP2 for ``m``.
    """
    nota = ctx.nota
    lhs = mul(nota.weight(layer + 1, m, j), nota.delta(layer + 1, m))
    product = mul(ctx.w(layer + 1, m, j), ctx.delta(layer + 1, m))
    return ctx.equation("share", (layer + 1, m, j), lhs, product, product, share_value(ctx, layer, j, m),
                        "the share of neuron m's error that reaches neuron j: w^{l+1}_mj delta^{l+1}_m")


def share_symbol(ctx: EquationContext, layer: int, j: int, m: int):
    """One symbol for the product ``w^{l+1}_{mj} delta^{l+1}_m`` (a leaf of :func:`delta_from_shares`)."""
    nota = ctx.nota
    return sym(to_latex(mul(nota.weight(layer + 1, m, j), nota.delta(layer + 1, m))))


def delta_from_shares(ctx: EquationContext, layer: int, j: int) -> Equation:
    """BP2 for hidden neuron ``(l, j)`` whose terms are the edges' shares, each one number.

    Symbolic form as ``delta``'s; the numbers form is ``(share_1 + ... + share_n) f'(z)`` with
    every share the value of :func:`share` (the same float), and the value is the trace's delta.
    """
    if layer >= ctx.n_layers:
        raise ValueError(f"layer {layer} is the output layer: its delta comes from BP1, not from shares")
    bp2 = delta(ctx, layer, j)  # the symbolic form and the value are BP2's own
    terms = [ctx.leaf(share_symbol(ctx, layer, j, m), share_value(ctx, layer, j, m))
             for m in range(ctx.layers[layer + 1])]
    total, fp = add(*terms), fprime_factors(ctx, layer, j)
    expanded = mul(*fp, total) if ctx.delta_rule else mul(total, *fp)
    return ctx.equation("delta_shares", (layer, j), bp2.lhs, bp2.symbolic, expanded, bp2.value,
                        "BP2 with each term the share of one edge")
