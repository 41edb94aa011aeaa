"""Trace records made by training from arrays it made itself: no copies, no ``__post_init__``.

:func:`~backprop_core.train.train` makes a :class:`~backprop_core.trace.Step`, a
:class:`~backprop_core.trace.SampleRecord` and a :class:`~backprop_core.trace.Params` per
recorded step; building them through ``__init__`` would copy every array again.

Training makes a record's arrays itself, marks them read-only and keeps no writable
reference, so :func:`new_params`, :func:`new_record`, :func:`new_step` and :func:`new_epoch`
skip ``__post_init__`` and its copies: they set the init fields, in order, through the slots'
own setters, with values already as ``__post_init__`` would make them (tuples of read-only
float arrays, Python floats and ints). :class:`~backprop_core.trace.Trace` still checks every
invariant. Each is written out for its class: a loop over the fields costs more per record.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from .trace import EpochRecord, Params, SampleRecord, Step

_new = object.__new__


def new_params(weights: tuple[np.ndarray, ...], biases: tuple[np.ndarray, ...]) -> Params:
    """A :class:`Params` of ``weights, biases``, without ``__post_init__``."""
    obj = _new(Params)
    _P_WEIGHTS(obj, weights)
    _P_BIASES(obj, biases)
    return obj


def new_record(sample, x, y, z, a, loss, delta) -> SampleRecord:
    """A :class:`SampleRecord` of ``sample, x, y, z, a, loss, delta``, without ``__post_init__``."""
    obj = _new(SampleRecord)
    s = _RECORD_SETTERS
    s[0](obj, sample)
    s[1](obj, x)
    s[2](obj, y)
    s[3](obj, z)
    s[4](obj, a)
    s[5](obj, loss)
    s[6](obj, delta)
    return obj


def new_step(index, epoch, samples, per_sample, loss, before, grad_weights, grad_biases, after) -> Step:
    """A :class:`Step` of its nine init fields, in order, without ``__post_init__``."""
    obj = _new(Step)
    s = _STEP_SETTERS
    s[0](obj, index)
    s[1](obj, epoch)
    s[2](obj, samples)
    s[3](obj, per_sample)
    s[4](obj, loss)
    s[5](obj, before)
    s[6](obj, grad_weights)
    s[7](obj, grad_biases)
    s[8](obj, after)
    return obj


def new_epoch(epoch, loss, accuracy, params, outputs) -> EpochRecord:
    """A :class:`EpochRecord` of ``epoch, loss, accuracy, params, outputs``, without ``__post_init__``."""
    obj = _new(EpochRecord)
    s = _EPOCH_SETTERS
    s[0](obj, epoch)
    s[1](obj, loss)
    s[2](obj, accuracy)
    s[3](obj, params)
    s[4](obj, outputs)
    return obj


_FIELDS = {cls: tuple(f.name for f in fields(cls) if f.init)
           for cls in (Params, SampleRecord, Step, EpochRecord)}
# The slots' own setters: what object.__setattr__ calls, without looking them up each time.
_P_WEIGHTS, _P_BIASES = (Params.__dict__[name].__set__ for name in _FIELDS[Params])
_RECORD_SETTERS = tuple(SampleRecord.__dict__[name].__set__ for name in _FIELDS[SampleRecord])
_STEP_SETTERS = tuple(Step.__dict__[name].__set__ for name in _FIELDS[Step])
_EPOCH_SETTERS = tuple(EpochRecord.__dict__[name].__set__ for name in _FIELDS[EpochRecord])
