"""Check recorded gradients against central finite differences.

For each recorded step, the step loss ``E = (1/B) sum_n E_n`` over the step's samples is
evaluated with the step's parameters before the update, one parameter moved by ``+-h``;
``(E(+h) - E(-h)) / 2h`` is compared with the recorded gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .losses import loss_value
from .network import forward
from .trace import Trace

TOLERANCE = 1e-6
"""Largest relative error that passes."""


@dataclass(frozen=True)
class GradCheck:
    """Outcome of :func:`check`: how many gradients, the worst relative error and where."""

    checked: int
    steps: int
    max_error: float
    worst: str

    @property
    def passed(self) -> bool:
        """Whether every gradient is within :data:`TOLERANCE`."""
        return self.max_error <= TOLERANCE

    def summary(self) -> str:
        """One line: counts, largest relative error, PASS or FAIL."""
        verdict = "PASS" if self.passed else "FAIL"
        return (f"checked {self.checked} gradients in {self.steps} steps: largest relative error "
                f"{self.max_error:.2e} at {self.worst} (tolerance {TOLERANCE:.0e}): {verdict}")


def _step_loss(trace: Trace, weights, biases, samples) -> float:
    data = trace.config["data"]
    loss, acts = trace.loss_name, trace.activations
    total = 0.0
    for i in samples:
        fwd = forward(weights, biases, acts, np.asarray(data["inputs"][i], dtype=float))
        total += loss_value(loss, acts[-1], fwd.z[-1], fwd.a[-1], np.asarray(data["targets"][i], dtype=float))
    return total / len(samples)


def relative_error(exact: float, approx: float) -> float:
    """``|exact - approx| / max(|exact| + |approx|, 1e-4)``: absolute near zero, relative elsewhere."""
    return abs(exact - approx) / max(abs(exact) + abs(approx), 1e-4)


def check(trace: Trace, h: float = 1e-5, max_steps: int | None = None,
          progress: Callable[[int, int], None] | None = None) -> GradCheck:
    """Compare every recorded gradient of ``trace`` (or of its first ``max_steps`` steps).

    ``progress(done, steps)`` is called after every step.
    """
    worst, where, count = 0.0, "-", 0
    steps = trace.steps if max_steps is None else trace.steps[:max_steps]
    for done, step in enumerate(steps, 1):
        weights = [np.array(w) for w in step.before.weights]
        biases = [np.array(b) for b in step.before.biases]
        for kind, params, grads in (("W", weights, step.grad_weights), ("b", biases, step.grad_biases)):
            for layer, (p, g) in enumerate(zip(params, grads), start=1):
                for idx in np.ndindex(p.shape):
                    old = p[idx]
                    p[idx] = old + h
                    up = _step_loss(trace, weights, biases, step.samples)
                    p[idx] = old - h
                    down = _step_loss(trace, weights, biases, step.samples)
                    p[idx] = old
                    err = relative_error(float(g[idx]), (up - down) / (2 * h))
                    count += 1
                    if err > worst or where == "-":
                        worst = max(worst, err)
                        where = f"{kind}^{layer}{list(idx)} in step {step.index}"
        if progress is not None:
            progress(done, len(steps))
    return GradCheck(count, len(steps), worst, where)
