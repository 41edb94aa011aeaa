"""Training sets that ``[data] preset = "name"`` selects. All deterministic, no download."""

from __future__ import annotations

import math


def _mazur():
    """Mazur's single sample: inputs 0.05, 0.10; targets 0.01, 0.99."""
    return [[0.05, 0.10]], [[0.01, 0.99]]


def _xor():
    """The four XOR cases, target 1 when exactly one input is 1."""
    xs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    return xs, [[float(a != b)] for a, b in xs]


def _and():
    """The four AND cases, target 1 only for (1, 1)."""
    xs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    return xs, [[float(a and b)] for a, b in xs]


def _digits():
    """Digits 0-9 one-hot (10 inputs) to their 4-bit binary code, most significant bit first."""
    xs = [[float(i == d) for i in range(10)] for d in range(10)]
    ys = [[float((d >> bit) & 1) for bit in (3, 2, 1, 0)] for d in range(10)]
    return xs, ys


def _circle():
    """24 points in the plane: class 1 inside a ring of radius ~0.4, class 0 outside (~0.9).

    Angles step by the golden angle so the points spread evenly; no random numbers.
    """
    golden = math.pi * (3.0 - math.sqrt(5.0))
    xs, ys = [], []
    for i in range(24):
        inner = i % 2 == 0
        r = (0.3 + 0.15 * ((i * 7) % 5) / 4) if inner else (0.8 + 0.15 * ((i * 3) % 5) / 4)
        t = i * golden
        xs.append([round(r * math.cos(t), 3), round(r * math.sin(t), 3)])
        ys.append([1.0 if inner else 0.0])
    return xs, ys


_BUILDERS = {"mazur": _mazur, "xor": _xor, "and": _and, "digits": _digits, "circle": _circle}

DATA_PRESETS = tuple(_BUILDERS)
"""Names of the built-in training sets."""


def data_preset(name: str) -> tuple[list[list[float]], list[list[float]]]:
    """``(inputs, targets)`` of data preset ``name`` as nested lists."""
    xs, ys = _BUILDERS[name]()
    return [[float(v) for v in row] for row in xs], [[float(v) for v in row] for row in ys]
