r"""The delta rule's sign convention beside gradient descent, for one weight (a helper of ``equations``).

The trace stores ``delta = dE/dnet``; the delta rule shows ``delta = -dE/dnet`` (for an output
with half the squared error, ``(y - o) f'(net)``). The same step is then written two ways:

- gradient descent ``w^+ = w - eta dE/dw``, with the gradient the step applied;
- the delta rule ``w^+ = w + eta delta x``, the minus sign inside ``delta``;

linked by ``dE/dw = -delta x`` (BP4 in the delta rule's sign). Both forms give the trace's
weight after the update. Every equation is in the ``delta_rule`` notation.

Examples
--------
>>> from backprop_core import run_preset
>>> trace = run_preset("mazur")
>>> eqs = sign_equations(trace, trace.steps[0], None, 2, 0, 0)
>>> eqs["descent_w"].latex_numbers()
'w^{(2)}_{11}{}^{+} = 0.4 - 0.5 \\cdot 0.0822 = 0.3589'
>>> eqs["delta_sign"].value == -float(trace.steps[0].per_sample[0].delta[1][0])
True
"""

from __future__ import annotations

from ..trace import Step, Trace
from . import weight as weight_eqs
from .context import Equation, EquationContext
from .latex import mul, neg, quantity, sub
from .notation import partial

SIGN_KEYS = ("descent_w", "grad", "update_w", "delta_sign")
"""Keys of :func:`sign_equations`: the descent form, the gradient as ``-delta x`` (this sample's
for one sample, the step's mean for a batch), the delta-rule update, ``delta = -dE/dnet``."""

DESCENT_NOTE = "gradient descent: the step goes against the gradient dE/dw the update applied"
DELTA_NOTE = "the trace stores dE/dnet; the delta rule's delta is its negative"


def descent(ctx: EquationContext, layer: int, j: int, k: int) -> Equation:
    """``w^+ = w - eta dE/dw`` with ``dE/dw`` the gradient the step applied (its mean over a batch)."""
    nota = ctx.nota
    grad = quantity(partial(nota.t_loss(), nota.t_weight(layer, "§0", "§1")), j, k)
    ctx.leaf(grad, ctx.step.grad_weights[layer - 1][j, k])
    param = ctx.w(layer, j, k)
    expr = sub(param, mul(ctx.eta(), grad))
    return ctx.equation("descent_w", (layer, j, k), nota.new(param), expr, expr,
                        ctx.step.after.weights[layer - 1][j, k], DESCENT_NOTE, per_sample=False)


def delta_sign(ctx: EquationContext, layer: int, j: int) -> Equation:
    """``delta^{(l)}_j = -dE_n/dnet^{(l)}_j``: the delta rule's delta, minus the trace's ``dE/dz``."""
    nota, rec = ctx.nota, ctx.rec
    slope = quantity(partial(nota.t_loss("§0"), nota.t_pre(layer, "§1")), rec.sample, j)
    ctx.leaf(slope, rec.delta[layer - 1][j])
    expr = neg(slope)
    return ctx.equation("delta_sign", (layer, j), nota.delta(layer, j), expr, expr,
                        -rec.delta[layer - 1][j], DELTA_NOTE)


def sign_equations(trace: Trace, step: Step | int, sample: int | None, layer: int, j: int,
                   k: int) -> dict[str, Equation]:
    """The equations of :data:`SIGN_KEYS` for weight ``w^{(l)}_{jk}`` in the delta-rule notation.

    Parameters
    ----------
    trace : Trace
        The training run.
    step : Step or int
        A step of ``trace`` or its ``index``.
    sample : int or None
        Dataset index of one of the step's samples; ``None`` takes the step's first.
    layer, j, k : int
        The weight: layer 1..L, ``j`` (0-based) in ``layer``, ``k`` (0-based) in ``layer - 1``.

    Returns
    -------
    dict of str to Equation
        ``descent_w`` and ``update_w`` both have the value ``step.after.weights[layer - 1][j, k]``;
        ``grad`` is ``grad_w`` (one sample) or ``grad_w_mean`` (a batch); ``delta_sign`` has
        the value ``-delta`` of the sample's record.
    """
    from . import _check_neuron, _context  # the package's checks (it imports this module lazily)

    _check_neuron(trace, layer, j)
    if not 0 <= k < trace.layers[layer - 1]:
        raise IndexError(f"neuron {k} does not exist in layer {layer - 1}")
    ctx = _context(trace, step, sample, "delta_rule")
    grad = weight_eqs.gradient(ctx, layer, j, k) if ctx.batch == 1 else \
        weight_eqs.gradient_mean(ctx, layer, j, k)
    return {"descent_w": descent(ctx, layer, j, k), "grad": grad,
            "update_w": weight_eqs.update(ctx, layer, j, k), "delta_sign": delta_sign(ctx, layer, j)}
