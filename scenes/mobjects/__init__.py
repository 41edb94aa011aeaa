"""Reusable mobjects: the network diagram, equation blocks, value labels."""

from .equation_panel import EquationBlock
from .network_diagram import NetworkDiagram
from .value_label import ValueLabel

__all__ = ["EquationBlock", "NetworkDiagram", "ValueLabel"]
