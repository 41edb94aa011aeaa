"""Scaling of the inputs, declared in ``[data] scale`` and recorded in the trace.

A scale is fitted on the training set the network sees (after ``rows`` or ``limit`` picked
it), feature by feature, and applied with one formula:

``minmax``    ``x' = (x - min) / (max - min)``  every feature into ``[0, 1]``
``standard``  ``x' = (x - mean) / std``          mean 0, standard deviation 1 (population std)

A constant feature (``max = min``, ``std = 0``) would divide by zero: its divisor is taken as 1,
as scikit-learn's scalers do, so it scales to 0. The trace keeps the raw values, these
parameters and the scaled inputs (``docs/trace-format.md``).

Examples
--------
>>> import numpy as np
>>> params = fit("minmax", np.array([[0.0, 10.0], [2.0, 30.0]]))
>>> apply("minmax", params, np.array([[1.0, 20.0]])).tolist()
[[0.5, 0.5]]
"""

from __future__ import annotations

import numpy as np

SCALES = ("none", "minmax", "standard")
"""The values of ``[data] scale``; ``none`` (the default) leaves the inputs as they are."""

PARAMETERS = {"minmax": ("min", "max"), "standard": ("mean", "std")}
"""The parameters each scale records, one value per feature, in the order of its formula."""

FORMULAS = {"minmax": "x' = (x - min) / (max - min)", "standard": "x' = (x - mean) / std"}
"""Each scale's formula in one line of plain text."""


def fit(scale: str, raw: np.ndarray) -> dict[str, np.ndarray]:
    """The parameters of ``scale`` over the rows of ``raw`` (samples x features), read-only.

    Parameters
    ----------
    scale : str
        ``"minmax"`` or ``"standard"``.
    raw : numpy.ndarray
        The raw inputs, one sample per row.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{"min", "max"}`` or ``{"mean", "std"}``, each of shape ``(n_features,)``.
    """
    if scale == "minmax":
        params = {"min": raw.min(axis=0), "max": raw.max(axis=0)}
    elif scale == "standard":
        params = {"mean": raw.mean(axis=0), "std": raw.std(axis=0)}
    else:
        raise ValueError(f"no parameters to fit for scale {scale!r}")
    for arr in params.values():
        arr.setflags(write=False)
    return params


def apply(scale: str, params: dict[str, np.ndarray], raw: np.ndarray) -> np.ndarray:
    """``raw`` scaled by the formula of ``scale`` (:data:`FORMULAS`) with ``params``; read-only."""
    if scale == "minmax":
        shift, divisor = params["min"], params["max"] - params["min"]
    elif scale == "standard":
        shift, divisor = params["mean"], params["std"]
    else:
        raise ValueError(f"no formula for scale {scale!r}")
    divisor = np.where(divisor == 0, 1.0, divisor)  # a constant feature scales to 0
    scaled = (raw - shift) / divisor
    scaled.setflags(write=False)
    return scaled
