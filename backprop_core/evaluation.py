"""The loss (and accuracy) of a set of parameters over the whole training set.

A helper of :mod:`backprop_core.train`: the value recorded at the end of every epoch.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .network import count_nonzero, forward
from .passes import SamplePass, StackedPass

_argmax, _all_rows = np.argmax, np.logical_and.reduce
_HALF = np.array(0.5)  # a 0-d array: no conversion of a Python float at each comparison


def evaluate(cfg: Config, weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[float, float | None]:
    """Mean per-sample loss over the training set, and accuracy when targets are class labels."""
    return Evaluator(cfg)(weights, biases)


def sample_outputs(cfg: Config, weights, biases) -> np.ndarray:
    """The output ``a^L`` of every training sample (row ``i``: sample ``i``), one forward pass each.

    The numbers :func:`~backprop_core.network.forward` gives, so a scene can show them as they
    are recorded in the trace (``EpochRecord.outputs``).
    """
    return np.array([forward(weights, biases, cfg.activations, x).a[-1] for x in cfg.inputs])


class Evaluator:
    """:func:`evaluate` for one config, with what does not depend on the parameters worked out once.

    With two samples or more, all of them go through :func:`~backprop_core.passes.stacked_pass`
    at once (the same numbers, bit for bit); when it declines (a value is not finite, or an
    activation is not element-wise), the per-sample loop runs and raises as it always did.
    :meth:`run` also hands back every sample's forward and backward numbers, which the next
    step reuses while the parameters have not changed, and the outputs of every sample
    (what :func:`sample_outputs` gives).
    """

    def __init__(self, cfg: Config, xs=None, ys=None, contiguous: bool = False):
        """Set up for ``cfg``.

        ``xs``, ``ys``: the samples as arrays (``cfg``'s by default); ``contiguous``: the weights
        will be C-contiguous arrays, as training's are (the passes may then use ``np.dot``).
        """
        self.cfg = cfg
        self.xs = cfg.inputs if xs is None else xs
        self.ys = cfg.targets if ys is None else ys
        self.labels = bool(np.all((cfg.targets == 0) | (cfg.targets == 1)))
        self.one_hot = (self.labels and cfg.layers[-1] > 1
                        and bool(np.all(cfg.targets.sum(axis=1) == 1)))
        self.is_one = cfg.targets == 1
        self.sample_pass = SamplePass(cfg.activations, cfg.loss, cfg.layers if contiguous else None)
        self.single = len(self.xs) == 1
        self.stacked_pass = StackedPass(cfg.activations, cfg.loss) if len(cfg.inputs) > 1 else None
        self.y_class = np.argmax(cfg.targets, axis=1) if self.one_hot else None

    def __call__(self, weights, biases) -> tuple[float, float | None]:
        """Mean loss and accuracy (``None`` unless the targets are class labels)."""
        loss, acc, _, _ = self.run(weights, biases)
        return loss, acc

    def run(self, weights, biases):
        """Mean loss, accuracy, and functions giving the numbers of a sample and the outputs.

        ``i -> (z, a, loss, deltas)`` of sample ``i``, as :class:`~backprop_core.passes.SamplePass`
        returns them, and ``() ->`` the outputs of every sample (:func:`sample_outputs`).
        """
        cfg = self.cfg
        stacked = None
        if self.stacked_pass is not None:
            stacked = self.stacked_pass(weights, biases, cfg.inputs, cfg.targets)
        if stacked is None:
            return self._per_sample(weights, biases)
        total = 0.0
        for e in stacked.loss:
            total += e
        n, out = len(stacked.loss), stacked.a[-1]
        correct = 0
        if self.one_hot:
            correct = int(count_nonzero(_argmax(out, axis=1) == self.y_class))
        elif self.labels:
            right = (out >= _HALF) == self.is_one
            correct = int(count_nonzero(right if right.shape[1] == 1 else _all_rows(right, axis=1)))
        xs = self.xs
        return (total / n, (correct / n if self.labels else None), lambda i: stacked.sample(i, xs[i]),
                lambda: out)

    def _per_sample(self, weights, biases):
        sample_pass = self.sample_pass
        if self.single:  # one sample (Mazur's network): the loop below, written out
            numbers = sample_pass(weights, biases, self.xs[0], self.ys[0])
            kept = [numbers]
            acc = self._correct(numbers[1][-1], self.ys[0]) / 1 if self.labels else None
            return 0.0 + numbers[2], acc, kept.__getitem__, lambda: _outputs(kept)
        total, correct = 0.0, 0
        kept = []
        for x, y in zip(self.xs, self.ys):
            numbers = sample_pass(weights, biases, x, y)
            kept.append(numbers)
            total += numbers[2]
            if self.labels:
                correct += self._correct(numbers[1][-1], y)
        n = len(self.xs)
        return total / n, (correct / n if self.labels else None), kept.__getitem__, lambda: _outputs(kept)

    def _correct(self, out: np.ndarray, y: np.ndarray) -> int:
        """1 if the output ``out`` gives the class of target ``y``, else 0."""
        if self.one_hot:
            return int(np.argmax(out) == np.argmax(y))
        return int(np.all((out >= 0.5) == (y == 1)))


def _outputs(kept) -> np.ndarray:
    """The read-only array of the outputs ``a^L`` of the samples whose numbers are ``kept``."""
    out = np.array([numbers[1][-1] for numbers in kept])
    out.setflags(write=False)
    return out
