"""How each quantity is written in the two notations (a helper of ``equations``).

``nielsen``     C, a^l_j, z^l_j, delta^l_j = dC/dz^l_j, w^l_{jk}, b^l_j, eta, targets y_j
                (Nielsen, "Neural Networks and Deep Learning", chapter 2).
``delta_rule``  E, o^{(l)}_j (x_k for inputs), net^{(l)}_j, delta^{(l)}_j = -dE/dnet^{(l)}_j,
                w^{(l)}_{jk}, b^{(l)}_j (the generalised delta rule, Rumelhart, Hinton and
                Williams 1986). With one layer the superscripts are left out.

Indices given as ints are 0-based trace indices and are shown 1-based; a Symbol is a
summation index and is shown by name. Samples are shown by their 1-based dataset number.
"""

from __future__ import annotations

import sympy

from .latex import quantity

NOTATIONS = ("nielsen", "delta_rule")
"""Notation names, the default first."""

FUNCTION_NAMES = {
    "sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "linear": r"\mathrm{id}",
    "softmax": r"\mathrm{softmax}",
}
"""How each activation function is named in an equation."""


def partial(numerator: str, denominator: str) -> str:
    """LaTeX of ``d numerator / d denominator`` with partial-derivative signs."""
    return rf"\frac{{\partial {numerator}}}{{\partial {denominator}}}"


class Notation:
    """Symbols of one notation for a network with ``n_layers`` weight layers.

    Every ``t_*`` method returns a LaTeX template whose placeholders ``§0``, ``§1`` ... stand
    for indices; every other method returns the SymPy quantity at given indices.
    """

    def __init__(self, name: str, n_layers: int):
        if name not in NOTATIONS:
            raise ValueError(f"unknown notation {name!r}; choose one of {', '.join(NOTATIONS)}")
        self.name = name
        self.n_layers = n_layers
        self.delta_rule = name == "delta_rule"
        self.loss_letter = "E" if self.delta_rule else "C"
        self.eta = sympy.Symbol(r"\eta")

    # -- templates -----------------------------------------------------------------------------
    def _sup(self, layer: int) -> str:
        if not self.delta_rule:
            return f"^{{{layer}}}"
        return "" if self.n_layers == 1 else f"^{{({layer})}}"

    @staticmethod
    def _marker(sample: str | None) -> str:
        return "" if sample is None else f"{{}}^{{({sample})}}"

    def t_act(self, layer: int, j: str = "§0", sample: str | None = None) -> str:
        """Output of neuron ``j`` of ``layer`` (``a^l_j``; ``o^{(l)}_j``, ``x_j`` for inputs)."""
        if self.delta_rule:
            base = f"x_{{{j}}}" if layer == 0 else f"o{self._sup(layer)}_{{{j}}}"
        else:
            base = f"a^{{{layer}}}_{{{j}}}"
        return base + self._marker(sample)

    def t_pre(self, layer: int, j: str = "§0") -> str:
        """Weighted input ``z^l_j`` / ``net^{(l)}_j``."""
        return (r"\mathrm{net}" if self.delta_rule else "z") + f"{self._sup(layer)}_{{{j}}}"

    def t_delta(self, layer: int, j: str = "§0", sample: str | None = None) -> str:
        """Error term ``delta^l_j`` / ``delta^{(l)}_j``."""
        return rf"\delta{self._sup(layer)}_{{{j}}}" + self._marker(sample)

    def t_weight(self, layer: int, j: str = "§0", k: str = "§1") -> str:
        """Weight ``w^l_{jk}`` from neuron ``k`` of layer ``l - 1`` to neuron ``j`` of layer ``l``."""
        return f"w{self._sup(layer)}_{{{j}{k}}}"

    def t_bias(self, layer: int, j: str = "§0") -> str:
        """Bias ``b^l_j``."""
        return f"b{self._sup(layer)}_{{{j}}}"

    def t_loss(self, sample: str | None = None) -> str:
        """The loss of one sample (``C_n``) or, without a sample, of the step (``C``)."""
        return self.loss_letter if sample is None else f"{self.loss_letter}_{{{sample}}}"

    def t_fprime(self, activation: str, layer: int, j: str = "§0") -> str:
        """``f'(z^l_j)``; for softmax the Jacobian diagonal ``da^l_j / dz^l_j``."""
        if activation == "softmax":
            return partial(self.t_act(layer, j), self.t_pre(layer, j))
        return f"{FUNCTION_NAMES[activation]}'({self.t_pre(layer, j)})"

    # -- quantities ------------------------------------------------------------------------------
    def act(self, layer, j, sample=None):
        """``a^l_j`` (with a sample marker ``^{(n)}`` when ``sample`` is given)."""
        if sample is None:
            return quantity(self.t_act(layer), j)
        return quantity(self.t_act(layer, "§0", "§1"), j, sample)

    def pre(self, layer, j):
        """``z^l_j``."""
        return quantity(self.t_pre(layer), j)

    def delta(self, layer, j, sample=None):
        """``delta^l_j`` (with a sample marker when ``sample`` is given)."""
        if sample is None:
            return quantity(self.t_delta(layer), j)
        return quantity(self.t_delta(layer, "§0", "§1"), j, sample)

    def weight(self, layer, j, k):
        """``w^l_{jk}``."""
        return quantity(self.t_weight(layer), j, k)

    def bias(self, layer, j):
        """``b^l_j``."""
        return quantity(self.t_bias(layer), j)

    def target(self, j):
        """``y_j``."""
        return quantity("y_{§0}", j)

    def loss(self, sample=None):
        """``C`` of the step, or ``C_n`` of sample ``n`` (0-based dataset index or a Symbol)."""
        return sympy.Symbol(self.t_loss()) if sample is None else quantity(self.t_loss("§0"), sample)

    def fprime(self, activation, layer, j):
        """``f'(z^l_j)`` as one symbol."""
        return quantity(self.t_fprime(activation, layer), j)

    def new(self, base: sympy.Symbol) -> sympy.Symbol:
        """The value after the update: ``w^+``."""
        return sympy.Symbol(base.name + "{}^{+}")

    def change(self, base: sympy.Symbol) -> sympy.Symbol:
        """The change of the update: ``Delta w``."""
        return sympy.Symbol(r"\Delta " + base.name)

    def d(self, numerator_template: str, denominator_template: str, *indices):
        """The partial derivative quantity ``d num / d den`` (templates share placeholders)."""
        return quantity(partial(numerator_template, denominator_template), *indices)
