"""The chain rule for one weight, written as a sum over paths (a helper of ``equations``).

``dC/dw^l_{jk}`` is the sum, over every path from ``z^l_j`` through one neuron of each later
layer to the loss, of the product of the local derivatives along the path:

    dC/da^L_m  da^L_m/dz^L_m  dz^L_m/da^{L-1}_p  da^{L-1}_p/dz^{L-1}_p ... dz^l_j/dw^l_{jk}

An output weight has one path. Cross-entropy with a softmax or sigmoid output starts each
path at ``dC/dz^L_m = a^L_m - y_m``; a softmax output with another loss goes through the full
Jacobian ``da^L_i/dz^L_m = a^L_i (delta_im - a^L_m)``, so its paths also choose ``i``.
"""

from __future__ import annotations

from itertools import product

import sympy

from ..losses import loss_grad
from .context import Equation, EquationContext
from .latex import add, mul, quantity, summation
from .neuron import simplified_output
from .notation import partial

INDEX_LETTERS = "mpqrsuv"
"""Summation indices for the neurons of layers L, L-1, ... on a path."""


def _factors(ctx: EquationContext, layer: int, choice: dict, out) -> list[tuple[str, tuple, float | None]]:
    """``(template, indices, value)`` of each local derivative along one path.

    ``choice[q]`` is the neuron of layer ``q`` on the path (``choice[layer] = j``), ``out``
    the softmax output ``i`` (Jacobian case only). Values are computed only for int indices.
    """
    nota, rec, last = ctx.nota, ctx.rec, ctx.n_layers
    concrete = all(isinstance(v, int) for v in choice.values()) and not isinstance(out, sympy.Symbol)
    loss_tex = nota.t_loss(str(rec.sample + 1))
    m = choice[last]
    found: list[tuple[str, tuple, float | None]] = []

    def put(template, indices, value):
        found.append((template, indices, value() if concrete else None))

    if simplified_output(ctx):
        put(partial(loss_tex, nota.t_pre(last)), (m,), lambda: rec.delta[last - 1][m])
    else:
        top = out if ctx.acts[-1] == "softmax" else m
        put(partial(loss_tex, nota.t_act(last)), (top,),
            lambda: loss_grad(ctx.loss, rec.a[last], rec.y)[top])
        if ctx.acts[-1] == "softmax":
            put(partial(nota.t_act(last), nota.t_pre(last, "§1")), (out, m),
                lambda: rec.a[last][out] * (float(out == m) - rec.a[last][m]))
        else:
            put(partial(nota.t_act(last), nota.t_pre(last)), (m,), lambda: ctx.fprime_value(last, m))
    for q in range(last, layer, -1):
        hi, lo = choice[q], choice[q - 1]
        put(partial(nota.t_pre(q), nota.t_act(q - 1, "§1")), (hi, lo),
            lambda q=q, hi=hi, lo=lo: ctx.step.before.weights[q - 1][hi, lo])
        put(partial(nota.t_act(q - 1), nota.t_pre(q - 1)), (lo,),
            lambda q=q, lo=lo: ctx.fprime_value(q - 1, lo))
    return found


def chain_rule(ctx: EquationContext, layer: int, j: int, k: int) -> Equation:
    """``dC_n/dw^l_{jk}`` of this sample as the sum over paths of products of local derivatives."""
    nota, rec, last = ctx.nota, ctx.rec, ctx.n_layers
    later = list(range(last, layer, -1))
    index = {q: sympy.Symbol(INDEX_LETTERS[pos]) for pos, q in enumerate(later)}
    jacobian = ctx.acts[-1] == "softmax" and not simplified_output(ctx)
    out_index = sympy.Symbol("i")
    last_factor = (partial(nota.t_pre(layer), nota.t_weight(layer)), (j, k))

    def path(choice, out, leaves):
        parts = _factors(ctx, layer, {**choice, layer: j}, out) + [(*last_factor, rec.a[layer - 1][k])]
        if leaves:
            return mul(*[ctx.leaf(quantity(t, *ind), value) for t, ind, value in parts])
        return mul(*[quantity(t, *ind) for t, ind, _ in parts])

    symbolic = path(index, out_index, leaves=False)
    for q in reversed(later):
        symbolic = summation(symbolic, index[q], 1, ctx.layers[q])
    if jacobian:
        symbolic = summation(symbolic, out_index, 1, ctx.layers[-1])
    outs = range(ctx.layers[-1]) if jacobian else [None]
    paths = [path(dict(zip(later, combo)), out, leaves=True)
             for out in outs for combo in product(*[range(ctx.layers[q]) for q in later])]
    count = "one path" if len(paths) == 1 else f"the {len(paths)} paths"
    note = f"chain rule: the sum over {count} from the weight to the loss of products of local derivatives"
    if simplified_output(ctx):
        note += ("; dE/dnet = o - y" if ctx.delta_rule else "; dC/dz = a - y") + \
            f" (cross-entropy with a {ctx.acts[-1]} output)"
    lhs = quantity(partial(nota.t_loss("§0"), nota.t_weight(layer, "§1", "§2")), rec.sample, j, k)
    value = rec.delta[layer - 1][j] * rec.a[layer - 1][k]
    return ctx.equation("chain", (layer, j, k), lhs, symbolic, add(*paths), value, note)
