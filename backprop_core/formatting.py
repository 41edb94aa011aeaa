"""How the film writes a number: rounded for the screen, or in fixed point for a column.

These two need no SymPy, so a Story (and a run whose stills are all in the stills cache) can
write numbers without loading it; :mod:`backprop_core.equations` writes its equations' numbers
with them.
"""

from __future__ import annotations

import numpy as np


def format_number(x: float, decimals: int = 4) -> str:
    r"""``x`` rounded for the screen: ``decimals`` places, trailing zeros dropped (``0.1500`` -> ``0.15``).

    Below 0.01 in size, ``decimals`` significant digits instead (``0.000438568`` ->
    ``0.0004386``), and below 0.0001 scientific notation (``1.234 \times 10^{-7}``), so a
    small gradient never shows as a false zero or a single digit.
    """
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) < 1e-4:
        mantissa, exponent = f"{x:.{max(decimals - 1, 0)}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    if abs(x) < 0.01:
        return np.format_float_positional(x, precision=decimals, unique=False, fractional=False,
                                          trim="-")
    fixed = f"{x:.{decimals}f}"
    if "." in fixed:
        fixed = fixed.rstrip("0").rstrip(".")
    return "0" if fixed == "-0" else fixed


FIXED_EXTRA = 4
""":func:`format_fixed` writes at most this many places beyond ``decimals`` to reach a digit."""


def format_fixed(x: float, decimals: int = 4) -> str:
    r"""``x`` in fixed point for a column of numbers: ``decimals`` places, trailing zeros kept.

    ``0.038`` -> ``0.0380``. A value that would round to zero gets places up to its first
    significant digit (``1.447e-5`` -> ``0.00001``: never a false zero); one smaller still than
    ``FIXED_EXTRA`` more places can write is written as :func:`format_number` writes it.

    Examples
    --------
    >>> [format_fixed(v) for v in (0.5933, 0.038, 1.447e-5, 0.99996, 0.0, -0.00012)]
    ['0.5933', '0.0380', '0.00001', '1.0000', '0.0000', '-0.0001']
    >>> format_fixed(2e-10)
    '2 \\times 10^{-10}'
    """
    x = float(x)
    for places in range(decimals, decimals + FIXED_EXTRA + 1):
        fixed = f"{x:.{places}f}"
        if x == 0 or fixed.strip("-0.") != "":
            return fixed.lstrip("-") if x == 0 else fixed
    return format_number(x, decimals)
