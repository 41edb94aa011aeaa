r"""The update rule of a training mode, for any weight: how often and with which gradient.

A helper of :mod:`backprop_core.equations` for comparing modes. Online gradient descent
updates after every sample with that sample's gradient; batch (and minibatch) gradient descent
updates once per batch of ``B`` samples with their mean gradient:

``w^{+} = w - \eta \frac{1}{B} \sum_{p=1}^{B} \frac{\partial C_{p}}{\partial w}``.

Written for a generic weight ``w``; ``numbers=True`` substitutes the run's learning rate and
batch size (the rule itself has no single value: it holds for every weight).

Examples
--------
>>> update_rule("nielsen", 2, 1)
'w^{+} = w - \\eta \\frac{\\partial C_{p}}{\\partial w}'
>>> update_rule("nielsen", 2, 4, learning_rate=0.5)
'w^{+} = w - 0.5 \\cdot \\frac{1}{4} \\sum_{p=1}^{4} \\frac{\\partial C_{p}}{\\partial w}'
"""

from __future__ import annotations

from .latex import format_number
from .notation import Notation, partial


def update_rule(notation: str, n_layers: int, batch: int, learning_rate: float | None = None,
                decimals: int = 4) -> str:
    r"""LaTeX of the update of a weight ``w`` after a batch of ``batch`` samples (1: online).

    Parameters
    ----------
    notation : str
        ``"nielsen"`` (loss ``C``) or ``"delta_rule"`` (loss ``E``).
    n_layers : int
        Weight layers of the network (the notation's superscripts depend on it).
    batch : int
        Samples per update: 1 online, ``N`` batch, ``B`` minibatch.
    learning_rate : float, optional
        When given, ``\eta`` is replaced by its value.
    decimals : int
        Decimals of the learning rate, as :func:`~backprop_core.equations.format_number` writes it.
    """
    loss = Notation(notation, n_layers).t_loss("p")
    grad = partial(loss, "w")
    eta = r"\eta" if learning_rate is None else format_number(learning_rate, decimals) + r" \cdot"
    mean = grad if batch == 1 else rf"\frac{{1}}{{{batch}}} \sum_{{p=1}}^{{{batch}}} {grad}"
    return rf"w^{{+}} = w - {eta} {mean}"
