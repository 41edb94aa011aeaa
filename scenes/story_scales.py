"""The sizes a :class:`~scenes.bridge.Story` maps to colour and width, and the values they scale.

:class:`StoryScales` is a part of :class:`~scenes.bridge.Story`: the largest weight,
activation, forward contribution, backward contribution and delta (each gives the fullest
colour of its kind), and per edge what it carries forward (``w a``) and backwards
(``w delta``), with the delta in the notation's sign. These only style the drawing; the
numbers on screen are trace fields.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np


class StoryScales:
    """The scales and per-edge values of a Story (reads its ``trace``, ``step``, ``record``)."""

    @cached_property
    def weight_scale(self) -> float:
        """Largest ``|w|`` anywhere in the trace, rounded up to two significant figures.

        One colour and width mapping for every step. The rounding keeps the mapping, and so the
        chapters before the update (:mod:`bpviz.production.fingerprint`), when a small change of the
        learning rate moves the largest weight only a little.
        """
        arrays = [*self.trace.initial.weights]
        for s in self.trace.steps:
            arrays += [*s.before.weights, *s.after.weights]
        for e in self.trace.epochs:
            arrays += [*e.params.weights]
        largest = max(float(np.max(np.abs(w))) for w in arrays)
        if largest == 0:
            return 1.0
        unit = 10.0 ** (math.floor(math.log10(largest)) - 1)
        return round(math.ceil(round(largest / unit, 9)) * unit, 12)

    @cached_property
    def activation_scale(self) -> float:
        """Largest ``|a|`` of the explained sample, at least 1 (sigmoid outputs fill up to 1)."""
        return max(1.0, *(float(np.max(np.abs(a))) for a in self.record.a))

    @cached_property
    def signal_scale(self) -> float:
        """Largest ``|w a|`` of the explained sample: the size of a forward contribution."""
        return max(float(np.max(np.abs(self.signal(i)))) for i in range(1, self.n_layers + 1)) or 1.0

    @cached_property
    def error_scale(self) -> float:
        """Largest ``|w delta|`` of the explained sample: the size of a backward contribution."""
        return max(float(np.max(np.abs(self.error(i)))) for i in range(1, self.n_layers + 1)) or 1.0

    def signal(self, layer: int) -> np.ndarray:
        """``w^l_jk a^{l-1}_k`` for every edge into ``layer``: what each edge carries forward.

        Only used to style the forward pulses; the numbers on screen are trace fields.
        """
        return np.asarray(self.step.before.weights[layer - 1]) * np.asarray(self.record.a[layer - 1])

    def error(self, layer: int) -> np.ndarray:
        """``w^l_jk delta^l_j`` for every edge into ``layer``: what each edge carries backwards."""
        return (np.asarray(self.step.before.weights[layer - 1])
                * np.asarray(self.record.delta[layer - 1])[:, None])

    def shown_delta(self, layer: int) -> np.ndarray:
        """``delta^l`` as the story's notation shows it: ``-dE/dz`` for ``delta_rule``, else ``dC/dz``.

        The trace always stores ``dE/dz``; the delta rule is a display choice (its sign flips).
        """
        delta = np.asarray(self.record.delta[layer - 1])
        return -delta if self.notation == "delta_rule" else delta

    def shown_error(self, layer: int) -> np.ndarray:
        """:meth:`error` in the notation's sign: ``w^l_jk`` times the shown ``delta^l_j``."""
        return (np.asarray(self.step.before.weights[layer - 1])
                * self.shown_delta(layer)[:, None])

    @cached_property
    def delta_scale(self) -> float:
        """Largest ``|delta|`` of the explained sample: the delta that gets the fullest colour."""
        return max(float(np.max(np.abs(d))) for d in self.record.delta) or 1.0
