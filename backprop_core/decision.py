"""The decision map of a network with two inputs: its output over a grid of the input plane.

What TensorFlow Playground paints behind the data points: for a network ``2 -> ... -> 1`` with
a sigmoid output, the output at every point of a grid covering the training inputs, for the
parameters recorded at chosen epochs (``trace.epochs[e].params``). A scene maps the values to
colours; the 0.5 contour is where the colour changes from one class to the other.

Examples
--------
>>> from backprop_core import run_preset
>>> trace = run_preset("xor")
>>> plane = decision_plane(trace, size=5)
>>> plane.values(trace.epochs[-1].params).shape
(5, 5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import forward
from .trace import Params, Trace

GRID_SIZE = 40
"""Points along each axis of the plane (a 40 x 40 grid is enough to see the boundary)."""

MARGIN = 0.15
"""Share of the inputs' range added on each side of the plane, so no point sits on its edge."""


def has_plane(trace: Trace) -> bool:
    """Whether the network draws a decision map: two inputs and one sigmoid output.

    A sigmoid output lies in (0, 1), so 0.5 is the boundary between the two answers.
    """
    return trace.layers[0] == 2 and trace.layers[-1] == 1 and trace.activations[-1] == "sigmoid"


def has_class_plane(trace: Trace) -> bool:
    """Whether the network draws a K-class decision map: two inputs, K >= 2 outputs, one-hot targets.

    Each point takes the class of its largest output, shaded by that output (the confidence).
    """
    targets = np.asarray(trace.config["data"]["targets"], dtype=float)
    return (trace.layers[0] == 2 and trace.layers[-1] >= 2 and bool(np.all((targets == 0) | (targets == 1)))
            and bool(np.all(targets.sum(axis=1) == 1)))


def plane_extent(inputs, margin: float = MARGIN) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((x1_min, x1_max), (x2_min, x2_max))``: the inputs' range widened by ``margin`` on each side.

    An axis whose inputs are all equal gets a range of 1 around them.
    """
    xs = np.asarray(inputs, dtype=float)
    lo, hi = xs.min(axis=0), xs.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    mid = (lo + hi) / 2
    half = span / 2 * (1 + 2 * margin)
    return tuple((float(m - h), float(m + h)) for m, h in zip(mid, half))


def grid_forward(params: Params, activations: tuple[str, ...], points: np.ndarray) -> np.ndarray:
    """Output ``a^L`` of every row of ``points`` (shape ``(n, n_0)``), as rows ``(n, n_L)``.

    :func:`~backprop_core.network.forward` of all points at once, as a batch.
    """
    return forward(params.weights, params.biases, activations, np.asarray(points, dtype=float)).a[-1]


@dataclass(frozen=True)
class DecisionPlane:
    """A grid over the input plane of a network with two inputs.

    Parameters
    ----------
    x1, x2 : numpy.ndarray
        The grid's coordinates along each axis, increasing (``x1``: columns, ``x2``: rows).
    activations : tuple of str
        The network's activations, one per layer.
    """

    x1: np.ndarray
    x2: np.ndarray
    activations: tuple[str, ...]

    @property
    def extent(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """``((x1_min, x1_max), (x2_min, x2_max))`` of the cells' outer edges."""
        return tuple((float(v[0] - d / 2), float(v[-1] + d / 2))
                     for v, d in ((self.x1, self.step[0]), (self.x2, self.step[1])))

    @property
    def step(self) -> tuple[float, float]:
        """Width and height of one cell (the distance between grid points)."""
        return float(self.x1[1] - self.x1[0]), float(self.x2[1] - self.x2[0])

    def points(self) -> np.ndarray:
        """Every grid point as a row ``(x1, x2)``, row of the grid after row (``x2`` outer)."""
        g1, g2 = np.meshgrid(self.x1, self.x2)
        return np.column_stack([g1.ravel(), g2.ravel()])

    def values(self, params: Params) -> np.ndarray:
        """The network's output at every grid point: ``values[r, c]`` at ``(x1[c], x2[r])``."""
        out = grid_forward(params, self.activations, self.points())
        return out[:, 0].reshape(len(self.x2), len(self.x1))

    def classes(self, params: Params) -> tuple[np.ndarray, np.ndarray]:
        """``(winner, confidence)`` at every grid point, each of shape ``(rows, cols)`` as :meth:`values`.

        ``winner[r, c]`` is the class of the largest output (0-based), ``confidence[r, c]`` that
        output (a softmax's probability of the class).
        """
        out = grid_forward(params, self.activations, self.points())
        shape = (len(self.x2), len(self.x1))
        return np.argmax(out, axis=1).reshape(shape), np.max(out, axis=1).reshape(shape)


def decision_plane(trace: Trace, size: int = GRID_SIZE) -> DecisionPlane:
    """The grid of ``size`` x ``size`` cell centres covering the trace's training inputs.

    Raises
    ------
    ValueError
        If the network has neither two inputs and one sigmoid output (:func:`has_plane`) nor two
        inputs and one-hot classes (:func:`has_class_plane`).
    """
    if not (has_plane(trace) or has_class_plane(trace)):
        raise ValueError("a decision plane needs 2 inputs and 1 sigmoid output or one-hot classes; "
                         f"the network is "
                         f"{list(trace.layers)} with {trace.activations[-1]} output")
    (a1, b1), (a2, b2) = plane_extent(trace.config["data"]["inputs"])
    d1, d2 = (b1 - a1) / size, (b2 - a2) / size
    x1 = a1 + d1 * (np.arange(size) + 0.5)
    x2 = a2 + d2 * (np.arange(size) + 0.5)
    return DecisionPlane(x1, x2, trace.activations)


def decision_maps(trace: Trace, epochs: list[int],
                  size: int = GRID_SIZE) -> tuple[DecisionPlane, list[np.ndarray]]:
    """The plane and the output over it with the parameters of each of ``epochs`` (epoch indices)."""
    plane = decision_plane(trace, size)
    return plane, [plane.values(trace.epochs[e].params) for e in epochs]


def class_maps(trace: Trace, epochs: list[int],
               size: int = GRID_SIZE) -> tuple[DecisionPlane, list[tuple[np.ndarray, np.ndarray]]]:
    """The plane and ``(winner, confidence)`` over it for each of ``epochs`` (``DecisionPlane.classes``)."""
    plane = decision_plane(trace, size)
    return plane, [plane.classes(trace.epochs[e].params) for e in epochs]
