"""Equations of one weight or bias: its gradient (BP3, BP4), the step mean, the update.

A helper of :mod:`backprop_core.equations`. ``k`` is the input neuron of a weight
``w^l_{jk}``; ``k=None`` means the bias ``b^l_j`` (whose "input" is 1).
"""

from __future__ import annotations

import sympy

from .context import Equation, EquationContext
from .latex import add, frac, mul, neg, quantity, sub, summation
from .neuron import SIGN_NOTE, sample_note
from .notation import partial

GRAD_NOTE = "delta_rule: delta = -dE/dnet, so dE/dw = -delta x"


def _template(ctx: EquationContext, layer: int, k: int | None, first: int) -> str:
    """Template of the parameter with its placeholders numbered from ``first``."""
    if k is None:
        return ctx.nota.t_bias(layer, f"§{first}")
    return ctx.nota.t_weight(layer, f"§{first}", f"§{first + 1}")


def _indices(j: int, k: int | None) -> tuple[int, ...]:
    return (j,) if k is None else (j, k)


def _param(ctx: EquationContext, layer: int, j: int, k: int | None) -> sympy.Symbol:
    return ctx.b(layer, j) if k is None else ctx.w(layer, j, k)


def _term(ctx: EquationContext, layer: int, j: int, k: int | None, rec=None) -> sympy.Expr:
    """``delta^l_j a^{l-1}_k`` (``delta^l_j`` for a bias) of one sample, as leaves."""
    inputs = [] if k is None else [ctx.a(layer - 1, k, rec)]
    return mul(ctx.delta(layer, j, rec), *inputs)


def _symbolic_mean(ctx: EquationContext, layer: int, j: int, k: int | None) -> sympy.Expr:
    """``1/B sum_n delta^{(n)} a^{(n)}`` with a summation index."""
    n, big_b = sympy.Symbol("n"), sympy.Symbol("B")
    inputs = [] if k is None else [ctx.nota.act(layer - 1, k, n)]
    body = mul(ctx.nota.delta(layer, j, n), *inputs)
    return mul(frac(1, big_b), summation(body, n, 1, big_b))


def _expanded_mean(ctx: EquationContext, layer: int, j: int, k: int | None) -> sympy.Expr:
    """The mean over the step's samples, every term written out (one term: no ``1/1``)."""
    terms = [_term(ctx, layer, j, k, rec) for rec in ctx.step.per_sample]
    return terms[0] if ctx.batch == 1 else mul(frac(1, ctx.batch), add(*terms))


def _flat_neg(expr: sympy.Expr) -> sympy.Expr:
    r"""``-expr`` with a product's factors kept flat (``-(-0.1) 0.6`` not ``-(-0.1 \cdot 0.6)``)."""
    return mul(sympy.Integer(-1), *expr.args) if isinstance(expr, sympy.Mul) else neg(expr)


def gradient(ctx: EquationContext, layer: int, j: int, k: int | None = None) -> Equation:
    """BP4 ``dC_n/dw^l_{jk} = delta^l_j a^{l-1}_k`` (BP3 ``dC_n/db^l_j = delta^l_j``) of this sample."""
    nota, rec = ctx.nota, ctx.rec
    lhs = quantity(partial(nota.t_loss("§0"), _template(ctx, layer, k, 1)), rec.sample, *_indices(j, k))
    expr = _term(ctx, layer, j, k)
    note = "BP3" if k is None else "BP4"
    if ctx.delta_rule:
        expr, note = _flat_neg(expr), f"{GRAD_NOTE}; {note}"
    # the value as network.gradients computes it: delta (BP3), outer(delta, a) (BP4)
    value = rec.delta[layer - 1][j] * (1.0 if k is None else rec.a[layer - 1][k])
    key = "grad_b" if k is None else "grad_w"
    return ctx.equation(key, (layer, *_indices(j, k)), lhs, expr, expr, value, note)


def gradient_mean(ctx: EquationContext, layer: int, j: int, k: int | None = None) -> Equation:
    """The gradient the step applied: the mean of its samples' gradients."""
    lhs = quantity(partial(ctx.nota.t_loss(), _template(ctx, layer, k, 0)), *_indices(j, k))
    symbolic, expanded = _symbolic_mean(ctx, layer, j, k), _expanded_mean(ctx, layer, j, k)
    note = sample_note(ctx)
    if ctx.delta_rule:
        symbolic, expanded, note = _flat_neg(symbolic), _flat_neg(expanded), f"{GRAD_NOTE}; {note}"
    if k is None:
        key, value = "grad_b_mean", ctx.step.grad_biases[layer - 1][j]
    else:
        key, value = "grad_w_mean", ctx.step.grad_weights[layer - 1][j, k]
    return ctx.equation(key, (layer, *_indices(j, k)), lhs, symbolic, expanded, value, note,
                        per_sample=False)


def update(ctx: EquationContext, layer: int, j: int, k: int | None = None) -> Equation:
    """``w^+ = w - eta dC/dw`` (delta rule: ``w^+ = w + eta delta x``); frozen biases: ``b^+ = b``."""
    nota = ctx.nota
    param = _param(ctx, layer, j, k)
    if k is None:
        key, value = "update_b", ctx.step.after.biases[layer - 1][j]
    else:
        key, value = "update_w", ctx.step.after.weights[layer - 1][j, k]
    at = (layer, *_indices(j, k))
    if k is None and not (ctx.use_biases and ctx.update_biases):
        note = ("the network has no biases ([network] use_biases = false): b^+ = b = 0"
                if not ctx.use_biases else "biases are frozen ([training] update_biases = false): b^+ = b")
        return ctx.equation(key, at, nota.new(param), param, param, value, note, per_sample=False)
    eta = ctx.eta()
    if not ctx.delta_rule:
        grad = quantity(partial(nota.t_loss(), _template(ctx, layer, k, 0)), *_indices(j, k))
        grads = ctx.step.grad_biases if k is None else ctx.step.grad_weights
        ctx.leaf(grad, grads[layer - 1][_indices(j, k)])
        symbolic = expanded = sub(param, mul(eta, grad))
        note = f"gradient descent with learning rate eta = {ctx.learning_rate:g}"
    else:
        if ctx.batch == 1:
            inputs = [] if k is None else [ctx.a(layer - 1, k)]
            symbolic = expanded = add(param, mul(eta, ctx.delta(layer, j), *inputs))
        else:
            symbolic = add(param, mul(eta, *_symbolic_mean(ctx, layer, j, k).args))
            expanded = add(param, mul(eta, *_expanded_mean(ctx, layer, j, k).args))
        note = SIGN_NOTE
    return ctx.equation(key, at, nota.new(param), symbolic, expanded, value, note, per_sample=False)
