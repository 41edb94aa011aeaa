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


# Strokes of the digits 0-9 on a 28x28 canvas: polylines of (column, row) points, drawn like a pen.
_STROKES = {
    0: [[(14, 5), (9, 8), (8, 14), (9, 20), (14, 23), (19, 20), (20, 14), (19, 8), (14, 5)]],
    1: [[(11, 8), (15, 5), (15, 23)], [(11, 23), (19, 23)]],
    2: [[(8, 9), (11, 5), (17, 5), (20, 9), (18, 14), (8, 23), (21, 23)]],
    3: [[(8, 6), (19, 6), (13, 13), (19, 16), (19, 21), (14, 23), (8, 21)]],
    4: [[(17, 23), (17, 5), (7, 17), (21, 17)]],
    5: [[(20, 5), (9, 5), (8, 13), (16, 12), (20, 16), (18, 22), (8, 22)]],
    6: [[(18, 5), (11, 10), (8, 17), (11, 23), (17, 22), (19, 17), (15, 13), (8, 16)]],
    7: [[(7, 5), (21, 5), (12, 23)], [(10, 14), (18, 14)]],
    8: [[(14, 14), (9, 10), (11, 5), (17, 5), (19, 10), (14, 14), (8, 18), (11, 23), (17, 23),
         (20, 18), (14, 14)]],
    9: [[(19, 12), (14, 15), (9, 12), (10, 6), (16, 5), (19, 10), (18, 23)]],
}


def _ink(strokes, size: int = 28, pen: float = 1.6) -> list[float]:
    """A ``size`` x ``size`` image (row-major, 0..1) of ``strokes`` drawn with a soft pen."""
    pixels = [0.0] * (size * size)
    for stroke in strokes:
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            steps = max(2, int(4 * math.hypot(x1 - x0, y1 - y0)))
            for s in range(steps + 1):
                px, py = x0 + (x1 - x0) * s / steps, y0 + (y1 - y0) * s / steps
                for row in range(max(0, int(py - 3)), min(size, int(py + 4))):
                    for col in range(max(0, int(px - 3)), min(size, int(px + 4))):
                        d = math.hypot(col - px, row - py)
                        ink = max(0.0, min(1.0, (pen + 0.5 - d)))
                        pixels[row * size + col] = max(pixels[row * size + col], ink)
    return [round(v, 3) for v in pixels]


def _mnist_like():
    """Ten 28x28 images of the digits 0-9 drawn from pen strokes (no download), one-hot targets.

    Pixels are 0 (paper) to 1 (ink), row by row from the top left, as in MNIST.
    """
    xs = [_ink(_STROKES[d]) for d in range(10)]
    ys = [[float(i == d) for i in range(10)] for d in range(10)]
    return xs, ys


_BUILDERS = {"mazur": _mazur, "xor": _xor, "and": _and, "digits": _digits, "circle": _circle,
             "mnist_like": _mnist_like}

DATA_PRESETS = tuple(_BUILDERS)
"""Names of the built-in training sets."""


def data_preset(name: str) -> tuple[list[list[float]], list[list[float]]]:
    """``(inputs, targets)`` of data preset ``name`` as nested lists."""
    xs, ys = _BUILDERS[name]()
    return [[float(v) for v in row] for row in xs], [[float(v) for v in row] for row in ys]
