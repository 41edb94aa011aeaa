"""Reusable mobjects: the network diagram, equation blocks, value labels, the loss plot."""

from .equation_panel import EquationBlock
from .loss_plot import LossPlot
from .network_diagram import NetworkDiagram
from .value_label import ValueLabel

__all__ = ["EquationBlock", "LossPlot", "NetworkDiagram", "ValueLabel"]
