"""Equations of one neuron and of the loss: z, a, f'(z), delta (BP1, BP2), C.

A helper of :mod:`backprop_core.equations`. Each builder returns an
:class:`~backprop_core.equations.context.Equation` whose value is the trace field.
"""

from __future__ import annotations

import sympy

from ..losses import CROSS_ENTROPY_OUTPUTS
from .context import Equation, EquationContext
from .latex import ONE, add, exp, frac, log, mul, neg, recip, square, sub, summation

SIGN_NOTE = "delta_rule: delta = -dE/dnet, so the update adds eta delta x"

FPRIME_NOTES = {
    "sigmoid": "sigma'(z) = sigma(z) (1 - sigma(z)) = a (1 - a)",
    "tanh": "tanh'(z) = 1 - tanh(z)^2 = 1 - a^2",
    "relu": "ReLU'(z) = 1 for z > 0, else 0 (0 at z = 0)",
    "linear": "the identity has slope 1",
    "softmax": "the diagonal da_j/dz_j = a_j (1 - a_j) of the softmax Jacobian "
               "da_j/dz_k = a_j (delta_jk - a_k)",
}


def simplified_output(ctx: EquationContext) -> bool:
    """Whether BP1 is the cross-entropy simplification ``delta^L = a^L - y``."""
    return ctx.loss == "cross_entropy" and ctx.acts[-1] in CROSS_ENTROPY_OUTPUTS


def fprime_factors(ctx: EquationContext, layer: int, j: int) -> list[sympy.Expr]:
    """``f'(z^l_j)`` written with ``a`` as a list of factors (empty for the identity)."""
    act = ctx.acts[layer - 1]
    if act in ("sigmoid", "softmax"):
        a = ctx.a(layer, j)
        return [a, sub(ONE, a)]
    if act == "tanh":
        return [sub(ONE, square(ctx.a(layer, j)))]
    if act == "relu":
        return [ctx.leaf(ctx.nota.fprime("relu", layer, j), ctx.fprime_value(layer, j))]
    return []


def pre_activation(ctx: EquationContext, layer: int, j: int) -> Equation:
    """``z^l_j = sum_k w^l_{jk} a^{l-1}_k + b^l_j`` (no bias term without biases)."""
    nota, k = ctx.nota, sympy.Symbol("k")
    n_in = ctx.layers[layer - 1]
    symbolic = [summation(mul(nota.weight(layer, j, k), nota.act(layer - 1, k)), k, 1, n_in)]
    expanded = [mul(ctx.w(layer, j, i), ctx.a(layer - 1, i)) for i in range(n_in)]
    note = "the network has no biases ([network] use_biases = false)"
    if ctx.use_biases:
        symbolic.append(nota.bias(layer, j))
        expanded.append(ctx.b(layer, j))
        note = ""
    return ctx.equation("z", (layer, j), nota.pre(layer, j), add(*symbolic), add(*expanded),
                        ctx.rec.z[layer - 1][j], note)


def activation(ctx: EquationContext, layer: int, j: int) -> Equation:
    """``a^l_j = f(z^l_j)``: sigmoid ``1/(1+e^{-z})``, tanh, ReLU ``max(0, z)``, identity, softmax."""
    act, nota = ctx.acts[layer - 1], ctx.nota
    z = ctx.z(layer, j)
    if act == "softmax":
        k = sympy.Symbol("k")
        n_out = ctx.layers[layer]
        symbolic = mul(exp(z), recip(summation(exp(nota.pre(layer, k)), k, 1, n_out)))
        expanded = mul(exp(z), recip(add(*[exp(ctx.z(layer, m)) for m in range(n_out)])))
    else:
        symbolic = expanded = {
            "sigmoid": lambda: recip(add(ONE, exp(neg(z)))),
            "tanh": lambda: sympy.tanh(z, evaluate=False),
            "relu": lambda: sympy.Max(sympy.Integer(0), z, evaluate=False),
            "linear": lambda: z,
        }[act]()
    return ctx.equation("a", (layer, j), nota.act(layer, j), symbolic, expanded, ctx.rec.a[layer][j])


def fprime(ctx: EquationContext, layer: int, j: int) -> Equation:
    """``f'(z^l_j)`` written with ``a`` where the textbooks do (the value training used)."""
    act = ctx.acts[layer - 1]
    if act == "relu":
        expr = sympy.Piecewise((ONE, sympy.Gt(ctx.z(layer, j), 0)), (sympy.Integer(0), True))
    elif act == "linear":
        expr = ONE
    else:
        expr = mul(*fprime_factors(ctx, layer, j))
    return ctx.equation("fprime", (layer, j), ctx.nota.fprime(act, layer, j), expr, expr,
                        ctx.fprime_value(layer, j), FPRIME_NOTES[act])


def _loss_grad(ctx: EquationContext, a, y, n_out) -> list[sympy.Expr]:
    """``dC/da`` (``-dE/do`` for the delta rule) of half_sse or mse as factors."""
    diff = sub(y, a) if ctx.delta_rule else sub(a, y)
    return [frac(2, n_out), diff] if ctx.loss == "mse" else [diff]


def _output_delta(ctx: EquationContext, j: int) -> tuple[sympy.Expr, sympy.Expr, str]:
    """BP1 (symbolic, expanded, note)."""
    nota, last = ctx.nota, ctx.n_layers
    n_out = ctx.layers[-1]
    a, y = ctx.a(last, j), ctx.y(j)
    if simplified_output(ctx):
        expr = sub(y, a) if ctx.delta_rule else sub(a, y)
        form = "-dE/do f'(net) = y - o" if ctx.delta_rule else "dC/da f'(z) = a - y"
        return expr, expr, f"BP1, simplified: cross-entropy with a {ctx.acts[-1]} output gives {form}"
    if ctx.acts[-1] == "softmax":
        k = sympy.Symbol("k")
        sym_k = mul(nota.act(last, k), *_loss_grad(ctx, nota.act(last, k), nota.target(k),
                                                   sympy.Symbol("K")))
        symbolic = mul(a, sub(mul(*_loss_grad(ctx, a, y, sympy.Symbol("K"))),
                              summation(sym_k, k, 1, sympy.Symbol("K"))))
        terms = [mul(ctx.a(last, m), *_loss_grad(ctx, ctx.a(last, m), ctx.y(m), n_out))
                 for m in range(n_out)]
        expanded = mul(a, sub(mul(*_loss_grad(ctx, a, y, n_out)), add(*terms)))
        form = "o_j (g_j - sum_k o_k g_k), g = -dE/do" if ctx.delta_rule else \
            "a_j (g_j - sum_k a_k g_k), g = dC/da"
        return symbolic, expanded, f"BP1 through the full softmax Jacobian: delta_j = {form}"
    fp = fprime_factors(ctx, last, j)
    factors_sym = _loss_grad(ctx, a, y, sympy.Symbol("K"))
    factors = _loss_grad(ctx, a, y, n_out)
    if ctx.delta_rule:
        constant = [factors[0]] if len(factors) == 2 else []
        symbolic = mul(*factors_sym[:len(constant)], *fp, factors_sym[-1])
        expanded = mul(*constant, *fp, factors[-1])
    else:
        symbolic, expanded = mul(*factors_sym, *fp), mul(*factors, *fp)
    return symbolic, expanded, "BP1: delta = " + ("-dE/do f'(net)" if ctx.delta_rule else "dC/da f'(z)")


def delta(ctx: EquationContext, layer: int, j: int) -> Equation:
    """BP1 for the output layer, BP2 (weights before the update) for a hidden layer."""
    nota = ctx.nota
    if layer == ctx.n_layers:
        symbolic, expanded, note = _output_delta(ctx, j)
    else:
        m, n_next = sympy.Symbol("m"), ctx.layers[layer + 1]
        sum_sym = summation(mul(nota.weight(layer + 1, m, j), nota.delta(layer + 1, m)), m, 1, n_next)
        sum_exp = add(*[mul(ctx.w(layer + 1, i, j), ctx.delta(layer + 1, i)) for i in range(n_next)])
        fp = fprime_factors(ctx, layer, j)
        if ctx.delta_rule:
            symbolic, expanded = mul(*fp, sum_sym), mul(*fp, sum_exp)
        else:
            symbolic, expanded = mul(sum_sym, *fp), mul(sum_exp, *fp)
        note = "BP2, with the weights before the update"
    if ctx.delta_rule:
        note = f"{SIGN_NOTE}; {note}"
    value = ctx.sign * ctx.rec.delta[layer - 1][j]
    return ctx.equation("delta", (layer, j), nota.delta(layer, j), symbolic, expanded, value, note)


def _loss_term(ctx: EquationContext, a, y) -> sympy.Expr:
    """The term of one output in the per-sample loss."""
    if ctx.loss == "cross_entropy":
        if ctx.acts[-1] == "softmax":
            return mul(y, log(a))
        return add(mul(y, log(a)), mul(sub(ONE, y), log(sub(ONE, a))))
    return square(sub(y, a))


def _loss_outside(ctx: EquationContext, total, n_out) -> sympy.Expr:
    """The sum of the terms with its sign or factor: ``-sum``, ``1/2 sum``, ``1/K sum``."""
    if ctx.loss == "cross_entropy":
        return neg(total)
    return mul(sympy.Rational(1, 2) if ctx.loss == "half_sse" else frac(1, n_out), total)


def loss(ctx: EquationContext) -> Equation:
    """The loss of this sample (``SampleRecord.loss``)."""
    nota, last, n_out = ctx.nota, ctx.n_layers, ctx.layers[-1]
    j, big_k = sympy.Symbol("j"), sympy.Symbol("K")
    term = _loss_term(ctx, nota.act(last, j), nota.target(j))
    symbolic = _loss_outside(ctx, summation(term, j, 1, big_k), big_k)
    terms = [_loss_term(ctx, ctx.a(last, m), ctx.y(m)) for m in range(n_out)]
    expanded = _loss_outside(ctx, add(*terms), n_out)
    notes = {"half_sse": "half the sum of squared errors", "mse": "mean squared error (no 1/2)",
             "cross_entropy": f"cross-entropy of a {ctx.acts[-1]} output"}
    return ctx.equation("loss", (), nota.loss(ctx.rec.sample), symbolic, expanded, ctx.rec.loss,
                        f"{notes[ctx.loss]}, K = {n_out} outputs")


def loss_mean(ctx: EquationContext) -> Equation:
    """The step's loss: the mean of its samples' losses (``Step.loss``)."""
    nota, n = ctx.nota, sympy.Symbol("n")
    big_b = sympy.Symbol("B")
    symbolic = mul(frac(1, big_b), summation(nota.loss(n), n, 1, big_b))
    terms = [ctx.leaf(nota.loss(r.sample), r.loss) for r in ctx.step.per_sample]
    expanded = terms[0] if ctx.batch == 1 else mul(frac(1, ctx.batch), add(*terms))
    return ctx.equation("loss_mean", (), nota.loss(), symbolic, expanded, ctx.step.loss,
                        sample_note(ctx), per_sample=False)


def sample_note(ctx: EquationContext) -> str:
    """Which samples a step mean runs over."""
    shown = ", ".join(str(s + 1) for s in ctx.step.samples)
    return f"mean over the step's B = {ctx.batch} samples (dataset samples: {shown})"
