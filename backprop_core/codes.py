"""Output codes: what a network trained on 0/1 targets answers for each sample, before and after.

With targets that are 0/1 vectors (binary codes, classes), each output thresholded at 0.5 gives a
code; a sample is right when its code equals its target. The outputs are the ones the trace
records for the first and the last epoch (``EpochRecord.outputs``).

Examples
--------
>>> from backprop_core import run_preset
>>> table = code_table(run_preset("digits"))
>>> table.rows[5].target, table.rows[5].after.code, table.after_right
((0, 1, 0, 1), (0, 1, 0, 1), 10)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trace import Trace

THRESHOLD = 0.5
"""An output at or above this reads as 1."""


def threshold(outputs) -> tuple[int, ...]:
    """The code of one output vector: 1 where the output is at least :data:`THRESHOLD`, else 0."""
    return tuple(int(v >= THRESHOLD) for v in np.asarray(outputs, dtype=float))


def has_codes(trace: Trace) -> bool:
    """Whether every target is 0 or 1 and the outputs of the first and last epoch are recorded."""
    targets = np.asarray(trace.config["data"]["targets"], dtype=float)
    return (bool(np.all((targets == 0) | (targets == 1))) and len(trace.epochs) > 1
            and trace.epochs[0].outputs is not None and trace.epochs[-1].outputs is not None)


@dataclass(frozen=True)
class Answer:
    """The network's answer for one sample at one epoch."""

    outputs: tuple[float, ...]
    code: tuple[int, ...]
    right: bool


@dataclass(frozen=True)
class CodeRow:
    """One sample: its target code and the answers before and after training."""

    sample: int
    target: tuple[int, ...]
    before: Answer
    after: Answer


@dataclass(frozen=True)
class CodeTable:
    """Every sample's row, the two epochs compared, and how many samples each gets right."""

    rows: tuple[CodeRow, ...]
    first_epoch: int
    last_epoch: int

    @property
    def before_right(self) -> int:
        """Samples whose code is right before training."""
        return sum(r.before.right for r in self.rows)

    @property
    def after_right(self) -> int:
        """Samples whose code is right after the last epoch."""
        return sum(r.after.right for r in self.rows)


def _answer(outputs, target: tuple[int, ...]) -> Answer:
    code = threshold(outputs)
    return Answer(tuple(float(v) for v in outputs), code, code == target)


def code_table(trace: Trace) -> CodeTable:
    """The code table of ``trace`` (first epoch against last).

    Raises
    ------
    ValueError
        If the targets are not all 0 or 1, or the outputs are not recorded (:func:`has_codes`).
    """
    if not has_codes(trace):
        raise ValueError("a code table needs 0/1 targets and the outputs of the first and last epoch")
    first, last = trace.epochs[0], trace.epochs[-1]
    rows = []
    for i, y in enumerate(trace.config["data"]["targets"]):
        target = tuple(int(v) for v in y)
        rows.append(CodeRow(i, target, _answer(first.outputs[i], target), _answer(last.outputs[i], target)))
    return CodeTable(tuple(rows), first.epoch, last.epoch)
