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


# -- classes: the confusion matrix of one-hot targets ----------------------------------------------
def has_classes(trace: Trace) -> bool:
    """Whether a confusion matrix can be drawn: one-hot classes and the first and last outputs.

    The targets have at least two outputs and one 1 per row; the outputs of the first and the
    last epoch are recorded.
    """
    targets = np.asarray(trace.config["data"]["targets"], dtype=float)
    return (has_codes(trace) and targets.shape[1] > 1 and bool(np.all(targets.sum(axis=1) == 1)))


@dataclass(frozen=True, eq=False)
class Confusion:
    """How the samples of each class were answered at one epoch.

    ``counts[t, p]`` is the number of samples of class ``t`` (their target's 1) whose largest
    output is ``p``; the diagonal holds those answered right. Read-only.
    """

    counts: np.ndarray
    epoch: int

    def __post_init__(self) -> None:
        counts = np.array(self.counts, dtype=int)
        if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
            raise ValueError(f"a confusion matrix is square, not {counts.shape}")
        counts.setflags(write=False)
        object.__setattr__(self, "counts", counts)

    @property
    def total(self) -> int:
        """Samples counted."""
        return int(self.counts.sum())

    @property
    def right(self) -> int:
        """Samples whose largest output is their class (the diagonal)."""
        return int(np.trace(self.counts))

    @property
    def accuracy(self) -> float:
        """``right / total``: the epoch's ``EpochRecord.accuracy``."""
        return self.right / self.total


def confusion(trace: Trace, epoch: int) -> Confusion:
    """The confusion matrix of ``trace.epochs[epoch]`` (an index: 0 is before training, -1 the last).

    Raises
    ------
    ValueError
        If the targets are not one-hot classes or that epoch's outputs are not recorded.
    """
    if not has_classes(trace):
        raise ValueError("a confusion matrix needs one-hot targets and the outputs of the first and "
                         "last epoch")
    record = trace.epochs[epoch]
    if record.outputs is None:
        raise ValueError(f"the outputs of epoch {record.epoch} are not recorded")
    targets = np.asarray(trace.config["data"]["targets"], dtype=float)
    k = targets.shape[1]
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (np.argmax(targets, axis=1), np.argmax(np.asarray(record.outputs), axis=1)), 1)
    return Confusion(counts, record.epoch)
