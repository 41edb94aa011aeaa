"""The shape checks of a trace's records, and a fast way to run them over thousands of steps.

A helper of :mod:`backprop_core.trace`. :func:`steps_fit` and :func:`epochs_fit` answer, for all
records at once, whether every check of :class:`~backprop_core.trace.Trace` passes: the loops
over the records run inside ``map``, ``chain`` and ``all`` (C code) instead of Python code per
record, which made checking the trace a fifth of the cost of training a small network. They
only say yes or no; on no, the trace runs its record-by-record checks, which name what is wrong.

:class:`StepVerifier` lets training run :func:`steps_fit` a chunk of steps at a time, while
their records are still in the processor's cache (checking them all at the end reads the
whole trace back from memory: several times slower), and hand the verdict to the trace it
builds (:func:`verified`).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from itertools import chain, cycle, islice, repeat
from operator import attrgetter, eq, is_, itemgetter, lt

import numpy as np

_shape = attrgetter("shape")
_get = {name: attrgetter(name) for name in (
    "per_sample", "samples", "sample", "x", "y", "z", "a", "delta", "before", "after", "weights",
    "biases", "grad_weights", "grad_biases", "index", "epoch", "params", "outputs")}
_first = itemgetter(0)


def weight_shapes(layers: tuple[int, ...]) -> list[tuple[int, int]]:
    """Shapes ``(n_l, n_{l-1})`` of ``W^1 .. W^L``."""
    return [(layers[i + 1], layers[i]) for i in range(len(layers) - 1)]


def vector_shapes(layers: tuple[int, ...], start: int = 1) -> list[tuple[int]]:
    """Shapes ``(n_l,)`` for layers ``start .. L``."""
    return [(n,) for n in layers[start:]]


def shapes_of(arrays: tuple[np.ndarray, ...]) -> tuple[tuple[int, ...], ...]:
    """The shapes of ``arrays``."""
    return tuple(map(_shape, arrays))


@lru_cache(maxsize=64)
def expected_shapes(layers: tuple[int, ...]) -> tuple[tuple, ...]:
    """Shapes for the fast checks of records of a network with ``layers``.

    Of a ``Params`` (weights then biases), of a ``SampleRecord`` (``z``, ``delta``, ``a``) and
    of a ``Step``'s ``after`` and gradients (weights, biases, weights, biases).
    """
    params = tuple(weight_shapes(layers)) + tuple(vector_shapes(layers))
    record = tuple(vector_shapes(layers)) * 2 + tuple(vector_shapes(layers, 0))
    return params, record, params * 2


def _all_shaped(tuples, groups) -> bool:
    """Whether the tuples of arrays in ``tuples`` hold exactly arrays of the shapes in ``groups``.

    The tuples are taken in turn against the lists of shapes in ``groups``, cycling.
    """
    tuples = list(tuples)
    return (all(map(eq, map(len, tuples), cycle([len(group) for group in groups])))
            and all(map(eq, map(_shape, chain.from_iterable(tuples)),
                        cycle([shape for group in groups for shape in group]))))


_RECORD_ARRAYS = attrgetter("z", "delta", "a")
_STEP_ARRAYS = attrgetter("grad_weights", "grad_biases")
_PARAMS_ARRAYS = attrgetter("weights", "biases")


def steps_fit(steps: tuple, layers: tuple[int, ...], checked: set[int]) -> bool:
    """Whether every step passes ``Step.check`` and their indices increase.

    ``checked`` receives the ids of the :class:`~backprop_core.trace.Params` found to fit.
    Records whose ``a[0]`` is not their ``x`` itself are left to the record-by-record checks
    (``False``).
    """
    g = _get
    per_sample = list(map(g["per_sample"], steps))
    samples = list(map(g["samples"], steps))
    if list(map(len, per_sample)) != list(map(len, samples)):
        return False
    records = list(chain.from_iterable(per_sample))
    if list(map(g["sample"], records)) != list(chain.from_iterable(samples)):
        return False
    weights, vectors, inputs = weight_shapes(layers), vector_shapes(layers), vector_shapes(layers, 0)
    if not (_all_shaped(chain.from_iterable(map(_RECORD_ARRAYS, records)), (vectors, vectors, inputs))
            and all(map(eq, map(_shape, map(g["y"], records)), repeat((layers[-1],))))
            and _all_shaped(chain.from_iterable(map(_STEP_ARRAYS, steps)), (weights, vectors))):
        return False
    xs = list(map(g["x"], records))
    if not all(map(is_, map(_first, map(g["a"], records)), xs)):
        return False
    for x in dict(zip(map(id, xs), xs)).values():  # a[0] is x: equal unless x holds a NaN
        if np.count_nonzero(x == x) != x.size:
            return False
    befores, afters = list(map(g["before"], steps)), list(map(g["after"], steps))
    params = dict(zip(map(id, befores), befores))  # each Params once (steps share them)
    params.update(zip(map(id, afters), afters))
    if not _all_shaped(chain.from_iterable(map(_PARAMS_ARRAYS, params.values())), (weights, vectors)):
        return False
    indices = list(map(g["index"], steps))
    if not all(map(lt, indices, islice(indices, 1, None))):
        return False
    checked.update(params)
    return True


def epochs_fit(epochs: tuple, layers: tuple[int, ...], n_samples: int, checked: set[int]) -> bool:
    """Whether every epoch record passes the trace's checks, given the ids of Params ``checked``."""
    g = _get
    if list(map(g["epoch"], epochs)) != list(range(len(epochs))):
        return False
    params = {id(p): p for p in map(g["params"], epochs) if id(p) not in checked}
    if not _all_shaped(chain.from_iterable(map(_PARAMS_ARRAYS, params.values())),
                       (weight_shapes(layers), vector_shapes(layers))):
        return False
    outputs = [out for out in map(g["outputs"], epochs) if out is not None]
    return all(out.shape == (n_samples, layers[-1]) for out in outputs)


_verified: ContextVar[tuple[tuple, set[int]] | None] = ContextVar("verified_steps", default=None)


class StepVerifier:
    """:func:`steps_fit` over a growing list of steps, :attr:`CHUNK` steps at a time.

    ``ok`` stays true while every chunk fits; ``checked`` then holds the ids of the Params of
    all steps verified, as :func:`steps_fit` leaves them. Each chunk starts with the last step
    of the one before, so that indices increase across chunks too.
    """

    CHUNK = 128

    def __init__(self, layers: tuple[int, ...], initial):
        self.layers = layers
        self.checked = {id(initial)}
        self.done = 0
        self.ok = True

    def update(self, steps: list, final: bool = False) -> None:
        """Check the steps added since the last chunk, if there are enough of them (or ``final``)."""
        n = len(steps)
        if self.ok and (n - self.done >= self.CHUNK or (final and n > self.done)):
            self.ok = steps_fit(steps[max(0, self.done - 1):n], self.layers, self.checked)
            self.done = n


@contextmanager
def verified(steps: tuple, verifier: StepVerifier):
    """Within this block, a trace made of exactly ``steps`` takes ``verifier``'s verdict on them."""
    token = _verified.set((steps, verifier.checked) if verifier.ok else None)
    try:
        yield
    finally:
        _verified.reset(token)


def verified_steps(steps: tuple) -> set[int] | None:
    """The ids of the Params checked with ``steps`` if they are the steps verified (:func:`verified`)."""
    pre = _verified.get()
    return pre[1] if pre is not None and pre[0] is steps else None
