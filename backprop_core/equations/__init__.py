r"""Every equation an explainer video shows, symbolic and with a trace's numbers (SymPy).

For a step of a :class:`~backprop_core.trace.Trace`, one of its samples and a neuron
``(l, j)`` or weight ``(l, j, k)`` (layers 1..L, ``j`` and ``k`` 0-based as in the trace),
each :class:`Equation` gives

- ``latex()``: the general form, ``z^{1}_{1} = \sum_{k=1}^{2} w^{1}_{1k} a^{0}_{k} + b^{1}_{1}``;
- ``latex_expanded()``: every term written out with symbols;
- ``latex_numbers(decimals=4)``: the trace's numbers substituted and the result,
  ``z^{1}_{1} = 0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 = 0.3775``;
- ``value``: the number, taken from the trace field the equation explains;
- ``substituted``: the unevaluated SymPy expression of those numbers (full precision), so
  ``equation.evaluate()`` (``float(substituted.doit())``) reproduces ``value``.

Keys of a neuron: ``z``, ``a``, ``fprime``, ``delta`` (BP1 or BP2), ``grad_b`` (BP3, this
sample), ``grad_b_mean`` (the step's mean), ``update_b``. Of a weight: ``grad_w`` (BP4),
``chain`` (the chain rule summed over paths), ``grad_w_mean``, ``update_w``. Of the loss:
``loss`` (this sample) and ``loss_mean`` (the step).

Each edge's share of a hidden neuron's error, ``w^{l+1}_{mj} delta^{l+1}_m``, and BP2 written with
exactly those shares as its terms: :func:`share_equations` (keys ``share`` and ``delta_shares``).

The delta rule's sign convention beside the descent form, for one weight:
:func:`~backprop_core.equations.signs.sign_equations` (keys :data:`SIGN_KEYS`).

Two notations: ``"nielsen"`` (C, a, z, delta = dC/dz) and ``"delta_rule"`` (E, o, net,
delta = -dE/dnet, ``w <- w + eta delta x``): see :mod:`~backprop_core.equations.notation`.
This package is the only SymPy user in the project.

Examples
--------
>>> from backprop_core import run_preset
>>> trace = run_preset("mazur")
>>> eqs = neuron_equations(trace, trace.steps[0], None, 1, 0)
>>> eqs["z"].latex_numbers()
'z^{1}_{1} = 0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35 = 0.3775'
"""

from __future__ import annotations

from collections.abc import Iterator

from ..trace import Step, Trace
from . import chain as chain_eqs
from . import neuron as neuron_eqs
from . import shares as share_eqs
from . import weight as weight_eqs
from .context import Equation, EquationContext
from .latex import format_fixed, format_number, to_latex
from .notation import NOTATIONS
from .scaling import scaling_equation
from .signs import SIGN_KEYS, sign_equations

__all__ = [
    "LOSS_KEYS", "NEURON_KEYS", "NOTATIONS", "SIGN_KEYS", "WEIGHT_KEYS", "Equation", "all_equations",
    "format_fixed", "format_number", "loss_equations", "neuron_equations", "scaling_equation",
    "share_equations", "sign_equations", "to_latex", "weight_equations",
]

NEURON_KEYS = ("z", "a", "fprime", "delta", "grad_b", "grad_b_mean", "update_b")
WEIGHT_KEYS = ("grad_w", "chain", "grad_w_mean", "update_w")
LOSS_KEYS = ("loss", "loss_mean")


def _context(trace: Trace, step: Step | int, sample: int | None, notation: str) -> EquationContext:
    """The context of ``step`` (a Step or its index) and dataset sample ``sample`` (default: its first)."""
    if not isinstance(step, Step):
        step = trace.step(int(step))
    record = step.per_sample[0] if sample is None else step.record(sample)
    return EquationContext(trace, step, record, notation)


def _check_neuron(trace: Trace, layer: int, j: int) -> None:
    n_layers = len(trace.layers) - 1
    if not 1 <= layer <= n_layers:
        raise IndexError(f"layer {layer} does not exist: layers are 1..{n_layers}")
    if not 0 <= j < trace.layers[layer]:
        raise IndexError(f"neuron {j} does not exist in layer {layer} (0..{trace.layers[layer] - 1})")


def _neuron(ctx: EquationContext, layer: int, j: int, per_sample: bool, per_step: bool) -> dict:
    out = {}
    if per_sample:
        out["z"] = neuron_eqs.pre_activation(ctx, layer, j)
        out["a"] = neuron_eqs.activation(ctx, layer, j)
        out["fprime"] = neuron_eqs.fprime(ctx, layer, j)
        out["delta"] = neuron_eqs.delta(ctx, layer, j)
        out["grad_b"] = weight_eqs.gradient(ctx, layer, j)
    if per_step:
        out["grad_b_mean"] = weight_eqs.gradient_mean(ctx, layer, j)
        out["update_b"] = weight_eqs.update(ctx, layer, j)
    return out


def _weight(ctx: EquationContext, layer: int, j: int, k: int, per_sample: bool, per_step: bool) -> dict:
    out = {}
    if per_sample:
        out["grad_w"] = weight_eqs.gradient(ctx, layer, j, k)
        out["chain"] = chain_eqs.chain_rule(ctx, layer, j, k)
    if per_step:
        out["grad_w_mean"] = weight_eqs.gradient_mean(ctx, layer, j, k)
        out["update_w"] = weight_eqs.update(ctx, layer, j, k)
    return out


def neuron_equations(trace: Trace, step: Step | int, sample: int | None, layer: int, neuron: int,
                     notation: str = "nielsen") -> dict[str, Equation]:
    """The equations of neuron ``neuron`` (0-based) of ``layer`` (1..L) and of its bias.

    Parameters
    ----------
    trace : Trace
        The training run.
    step : Step or int
        A step of ``trace`` or its ``index``.
    sample : int or None
        Dataset index of one of the step's samples; ``None`` takes the step's first.
    layer : int
        1..L.
    neuron : int
        0-based index in ``layer``.
    notation : {"nielsen", "delta_rule"}
        How the symbols are written (:mod:`~backprop_core.equations.notation`).

    Returns
    -------
    dict of str to Equation
        Keyed by :data:`NEURON_KEYS`.
    """
    _check_neuron(trace, layer, neuron)
    return _neuron(_context(trace, step, sample, notation), layer, neuron, True, True)


def weight_equations(trace: Trace, step: Step | int, sample: int | None, layer: int, j: int, k: int,
                     notation: str = "nielsen") -> dict[str, Equation]:
    """The equations of weight ``w^l_{jk}`` (``W^l = step.before.weights[l - 1]``, entry ``[j, k]``).

    Parameters as :func:`neuron_equations`; ``k`` is the neuron of layer ``l - 1``.
    Keyed by :data:`WEIGHT_KEYS`.
    """
    _check_neuron(trace, layer, j)
    if not 0 <= k < trace.layers[layer - 1]:
        raise IndexError(f"neuron {k} does not exist in layer {layer - 1}")
    return _weight(_context(trace, step, sample, notation), layer, j, k, True, True)


def share_equations(trace: Trace, step: Step | int, sample: int | None, layer: int, neuron: int,
                    notation: str = "nielsen") -> dict:
    """Each edge's share of the error of hidden neuron ``neuron`` of ``layer`` (1..L-1), and BP2 from them.

    Returns
    -------
    dict
        ``"shares"``: a tuple of :class:`Equation` (key ``"share"``), one per neuron ``m`` of
        layer ``l + 1``, ``at`` the edge ``(l + 1, m, neuron)``, value ``w^{l+1}_{m j} delta^{l+1}_m``
        (weights before the update, delta in the notation's sign); ``"delta"``: BP2 (key
        ``"delta_shares"``) whose terms are exactly those shares, value the trace's delta.
    """
    _check_neuron(trace, layer, neuron)
    if layer == len(trace.layers) - 1:
        raise IndexError(f"layer {layer} is the output layer: its error has no shares (BP1)")
    ctx = _context(trace, step, sample, notation)
    shares = tuple(share_eqs.share(ctx, layer, neuron, m) for m in range(trace.layers[layer + 1]))
    return {"shares": shares, "delta": share_eqs.delta_from_shares(ctx, layer, neuron)}


def loss_equations(trace: Trace, step: Step | int, sample: int | None = None,
                   notation: str = "nielsen") -> dict[str, Equation]:
    """The loss of one sample (``loss``) and the step's mean loss (``loss_mean``)."""
    ctx = _context(trace, step, sample, notation)
    return {"loss": neuron_eqs.loss(ctx), "loss_mean": neuron_eqs.loss_mean(ctx)}


def all_equations(trace: Trace, step: Step | int = 0, notation: str = "nielsen",
                  samples: list[int] | None = None) -> Iterator[Equation]:
    """Every equation of a step: per-sample ones for each of ``samples``, the step's ones once.

    ``samples`` are dataset indices and default to all of the step's samples. Per-sample
    equations (``sample`` set) come first, sample by sample; then the step's mean loss,
    mean gradients and updates (``sample`` is ``None``).
    """
    first = _context(trace, step, None, notation)
    chosen = list(first.step.samples) if samples is None else list(samples)
    layers = trace.layers
    for sample in chosen:
        ctx = _context(trace, first.step, sample, notation)
        yield neuron_eqs.loss(ctx)
        for layer in range(1, len(layers)):
            for j in range(layers[layer]):
                yield from _neuron(ctx, layer, j, True, False).values()
                for k in range(layers[layer - 1]):
                    yield from _weight(ctx, layer, j, k, True, False).values()
    yield neuron_eqs.loss_mean(first)
    for layer in range(1, len(layers)):
        for j in range(layers[layer]):
            yield from _neuron(first, layer, j, False, True).values()
            for k in range(layers[layer - 1]):
                yield from _weight(first, layer, j, k, False, True).values()
