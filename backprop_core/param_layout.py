"""Where the parameters lie in one flat vector, and fresh vectors for the records.

Helpers of :mod:`backprop_core.run_state`.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

_reshape = np.ndarray.reshape


def _parts(slices: list[slice]):
    """A function giving the tuple of the ``slices`` of a vector, in one call."""
    if len(slices) == 1:
        (only,) = slices
        return lambda flat: (flat[only],)
    return itemgetter(*slices)


def _matrices(slices: list[slice], shapes: list[tuple[int, int]]):
    """A function giving the tuple of the ``slices`` of a vector, reshaped to ``shapes``.

    Written out for up to three layers (the common networks): a fifth of a microsecond less
    per call than the general loop, twice per recorded step.
    """
    if len(slices) == 1:
        (s0,), (h0,) = slices, shapes
        return lambda flat: (flat[s0].reshape(h0),)
    if len(slices) == 2:
        (s0, s1), (h0, h1) = slices, shapes
        return lambda flat: (flat[s0].reshape(h0), flat[s1].reshape(h1))
    if len(slices) == 3:
        (s0, s1, s2), (h0, h1, h2) = slices, shapes
        return lambda flat: (flat[s0].reshape(h0), flat[s1].reshape(h1), flat[s2].reshape(h2))
    parts = itemgetter(*slices)
    return lambda flat: tuple(map(_reshape, parts(flat), shapes))


class ParamLayout:
    """Where ``W^1..W^L`` and then ``b^1..b^L`` lie in one flat vector of all parameters.

    One flat vector lets an update, its finite check and the ``0 + g`` of a gradient be one
    NumPy call each, instead of one per layer; the arrays seen outside are views of it:
    ``weight_views(flat)`` gives ``W^1..W^L`` and ``bias_views(flat)`` ``b^1..b^L``, as tuples.
    """

    def __init__(self, layers: tuple[int, ...]):
        self.weights, self.biases = [], []
        offset = 0
        for n_in, n_out in zip(layers[:-1], layers[1:]):
            self.weights.append((offset, offset + n_out * n_in, (n_out, n_in)))
            offset += n_out * n_in
        for n_out in layers[1:]:
            self.biases.append((offset, offset + n_out))
            offset += n_out
        self.size = offset
        self.shapes = [shape for _, _, shape in self.weights]
        self.weight_views = _matrices([slice(start, stop) for start, stop, _ in self.weights], self.shapes)
        self.bias_views = _parts([slice(start, stop) for start, stop in self.biases])

    def flatten(self, weights, biases=()) -> np.ndarray:
        """One new vector of ``weights`` then ``biases``."""
        return np.concatenate([np.ravel(w) for w in weights] + [np.ravel(b) for b in biases])


class Rows:
    """Fresh vectors of ``size`` numbers for the records, cut from a few large blocks.

    ``count`` is how many will be asked for (more are made if need be). A recorded step keeps
    two new vectors (its gradient and its updated parameters); taking them as rows of blocks
    of several MB costs a fraction of allocating each (fewer page faults, huge pages), for
    the same memory. ``layout`` says where the parameters lie in a row (``biases=False``: the
    row holds the weights only).

    :meth:`take` hands out each row with its read-only views: the whole row,
    ``W^1..W^L`` and ``b^1..b^L``, cut from views of the whole block made once (a row's views
    then cost one step of an iterator instead of a slice, a reshape and a flag change each).
    """

    BLOCK_BYTES = 32 * 2**20

    def __init__(self, size: int, count: int, layout: ParamLayout, biases: bool = True):
        self.size, self.left = size, count
        self.layout, self.biases = layout, biases
        self.views = iter(())

    def _block(self) -> np.ndarray:
        n = max(1, min(self.left, self.BLOCK_BYTES // (8 * self.size)))
        return np.empty((n, self.size))

    def take(self) -> tuple:
        """``(row, read_only_row, weights, biases)``: a new writable vector and its read-only views.

        ``weights`` and ``biases`` are tuples, as :meth:`ParamLayout.weight_views` and
        :meth:`ParamLayout.bias_views` give them (``biases`` is ``()`` without biases). Write
        through ``row``; the views show what it holds.
        """
        views = next(self.views, None)
        if views is None:
            block = self._block()
            frozen = block.view()
            frozen.setflags(write=False)
            n, layout = len(block), self.layout
            parts = [frozen[:, start:stop].reshape(n, *shape) for start, stop, shape in layout.weights]
            if self.biases:
                parts += [frozen[:, start:stop] for start, stop in layout.biases]
            self.views = zip(block, frozen, zip(*parts[:len(layout.weights)]),
                             zip(*parts[len(layout.weights):]) if self.biases else iter(tuple, None))
            views = next(self.views)
        self.left -= 1
        return views
