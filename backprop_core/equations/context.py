"""The :class:`Equation` record and the context its builders read numbers from.

A helper of :mod:`backprop_core.equations`; every number comes from the trace (or, for the
local derivatives no trace field holds, from :mod:`~backprop_core.activations` and
:mod:`~backprop_core.losses`, the functions the training itself used).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..activations import derivative
from ..trace import SampleRecord, Step, Trace
from .latex import format_number, num, substitute, to_latex
from .notation import Notation


@dataclass(frozen=True, eq=False)
class Equation:
    r"""One equation of one step, symbolic and with the trace's numbers.

    Attributes
    ----------
    key : str
        What it computes: ``"z"``, ``"a"``, ``"fprime"``, ``"delta"``, ``"grad_b"``,
        ``"grad_b_mean"``, ``"update_b"``, ``"grad_w"``, ``"chain"``, ``"grad_w_mean"``,
        ``"update_w"``, ``"loss"`` or ``"loss_mean"``.
    at : tuple of int
        ``(layer, j)`` for a neuron or bias, ``(layer, j, k)`` for a weight, ``()`` for a loss;
        layers 1..L, ``j`` and ``k`` 0-based as in the trace.
    sample : int or None
        Dataset index of the sample a per-sample equation is about; ``None`` for the step's
        mean and update equations.
    lhs : sympy.Expr
        The left-hand side, e.g. the symbol ``z^{1}_{1}``.
    symbolic : sympy.Expr
        The general form, with sums written as sums (``\sum_k w_{jk} a_k + b_j``).
    expanded : sympy.Expr
        Every term written out with symbols, in the same shape as ``substituted``.
    substituted : sympy.Expr
        ``expanded`` with the trace's numbers (full-precision Floats), unevaluated;
        ``float(substituted.doit())`` gives ``value``.
    value : float
        The number, taken from the trace field it explains.
    note : str
        A short remark (sign convention, simplification, frozen biases), or ``""``.
    """

    key: str
    at: tuple[int, ...]
    sample: int | None
    lhs: sympy.Expr
    symbolic: sympy.Expr
    expanded: sympy.Expr
    substituted: sympy.Expr
    value: float
    note: str = ""

    def latex(self) -> str:
        """``lhs = symbolic`` in LaTeX."""
        return f"{to_latex(self.lhs)} = {to_latex(self.symbolic)}"

    def latex_expanded(self) -> str:
        """``lhs = expanded`` in LaTeX (every term written out)."""
        return f"{to_latex(self.lhs)} = {to_latex(self.expanded)}"

    def latex_numbers(self, decimals: int = 4) -> str:
        """``lhs = substituted = value`` with numbers rounded to ``decimals`` places.

        When the substituted form prints as the value itself (a single number), it is not
        repeated: ``lhs = value``.
        """
        lhs, value = to_latex(self.lhs), format_number(self.value, decimals)
        numbers = to_latex(self.substituted, decimals)
        if self.substituted.is_Number or numbers == value:
            return f"{lhs} = {value}"
        return f"{lhs} = {numbers} = {value}"

    def evaluate(self) -> float:
        """The substituted expression evaluated by SymPy, as a float."""
        return float(self.substituted.doit())


class EquationContext:
    """The numbers of one step and one of its samples, as symbols with values.

    Each leaf method returns the symbol of a quantity and records its value, so that
    ``equation()`` can substitute every symbol of an expanded form.
    """

    def __init__(self, trace: Trace, step: Step, record: SampleRecord, notation: str):
        self.trace, self.step, self.rec = trace, step, record
        self.layers = trace.layers
        self.n_layers = len(trace.layers) - 1
        self.acts = trace.activations
        self.loss = trace.loss_name
        self.learning_rate = float(trace.config["training"]["learning_rate"])
        self.use_biases = bool(trace.config["network"]["use_biases"])
        self.update_biases = bool(trace.config["training"]["update_biases"])
        self.nota = Notation(notation, self.n_layers)
        self.delta_rule = self.nota.delta_rule
        self.sign = -1.0 if self.delta_rule else 1.0
        self.values: dict[sympy.Symbol, sympy.Float] = {}

    @property
    def batch(self) -> int:
        """How many samples the step averages over."""
        return len(self.step.per_sample)

    def leaf(self, symbol: sympy.Symbol, value: float) -> sympy.Symbol:
        """Record ``value`` for ``symbol`` and return the symbol.

        A symbol names one quantity, so it must always get the same value (checked).
        """
        known = self.values.get(symbol)
        if known is None:
            self.values[symbol] = num(value)
        elif float(known) != float(value):
            raise ValueError(f"{symbol} has two values: {float(known)!r} and {float(value)!r}")
        return symbol

    def _marker(self, rec: SampleRecord | None):
        return None if rec is None else rec.sample

    # -- leaves ----------------------------------------------------------------------------------
    def a(self, layer: int, j: int, rec: SampleRecord | None = None) -> sympy.Symbol:
        """``a^l_j`` of this sample, or of ``rec`` with a sample marker."""
        return self.leaf(self.nota.act(layer, j, self._marker(rec)), (rec or self.rec).a[layer][j])

    def z(self, layer: int, j: int) -> sympy.Symbol:
        """``z^l_j``."""
        return self.leaf(self.nota.pre(layer, j), self.rec.z[layer - 1][j])

    def y(self, j: int) -> sympy.Symbol:
        """Target ``y_j``."""
        return self.leaf(self.nota.target(j), self.rec.y[j])

    def delta(self, layer: int, j: int, rec: SampleRecord | None = None) -> sympy.Symbol:
        """``delta^l_j`` in this notation's sign (``-dE/dz`` for the delta rule)."""
        value = self.sign * (rec or self.rec).delta[layer - 1][j]
        return self.leaf(self.nota.delta(layer, j, self._marker(rec)), value)

    def w(self, layer: int, j: int, k: int) -> sympy.Symbol:
        """``w^l_{jk}`` before the update."""
        return self.leaf(self.nota.weight(layer, j, k), self.step.before.weights[layer - 1][j, k])

    def b(self, layer: int, j: int) -> sympy.Symbol:
        """``b^l_j`` before the update."""
        return self.leaf(self.nota.bias(layer, j), self.step.before.biases[layer - 1][j])

    def eta(self) -> sympy.Symbol:
        """The learning rate."""
        return self.leaf(self.nota.eta, self.learning_rate)

    def fprime_value(self, layer: int, j: int) -> float:
        """``f'(z^l_j)`` as training computed it (:func:`~backprop_core.activations.derivative`)."""
        return float(derivative(self.acts[layer - 1], self.rec.z[layer - 1], self.rec.a[layer])[j])

    # -- records ---------------------------------------------------------------------------------
    def equation(self, key: str, at: tuple[int, ...], lhs, symbolic, expanded, value: float,
                 note: str = "", per_sample: bool = True) -> Equation:
        """An :class:`Equation` whose substituted form is ``expanded`` with the recorded values."""
        return Equation(
            key=key, at=tuple(at), sample=self.rec.sample if per_sample else None, lhs=lhs,
            symbolic=symbolic, expanded=expanded, substituted=substitute(expanded, self.values),
            value=float(value), note=note,
        )

