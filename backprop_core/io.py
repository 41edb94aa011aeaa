"""Traces on disk: JSON with a format name and version, written atomically, validated on load.

Floats are written with Python's shortest round-trip repr, so ``load(dump(t))`` gives
back exactly the same numbers. No pickle, ever.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import verify
from .config import Config
from .config import from_dict as config_from_dict
from .errors import ConfigError, TraceFormatError
from .trace import FORMAT, VERSION, EpochRecord, Params, SampleRecord, Step, Stopped, Trace, TraceError

_PROVENANCE = ("preset", "csv", "dataset", "rows", "class")
"""``[data]`` keys a trace keeps to say where its inline samples came from."""


def _lists(arrays) -> list:
    return [a.tolist() for a in arrays]


def to_dict(trace: Trace) -> dict:
    """The trace as JSON-able data (the on-disk layout, see ``docs/trace-format.md``)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": trace.config,
        "initial": {"weights": _lists(trace.initial.weights), "biases": _lists(trace.initial.biases)},
        "steps": [_step_dict(s) for s in trace.steps],
        "epochs": [
            {"epoch": e.epoch, "loss": e.loss, "accuracy": e.accuracy,
             "weights": _lists(e.params.weights), "biases": _lists(e.params.biases),
             "outputs": None if e.outputs is None else e.outputs.tolist()}
            for e in trace.epochs
        ],
        "stopped": None if trace.stopped is None else vars(trace.stopped),
    }


def _step_dict(step: Step) -> dict:
    return {
        "index": step.index,
        "epoch": step.epoch,
        "samples": list(step.samples),
        "loss": step.loss,
        "per_sample": [
            {"sample": r.sample, "x": r.x.tolist(), "y": r.y.tolist(), "z": _lists(r.z),
             "a": _lists(r.a), "loss": r.loss, "delta": _lists(r.delta)}
            for r in step.per_sample
        ],
        "weights_before": _lists(step.before.weights),
        "biases_before": _lists(step.before.biases),
        "grad_weights": _lists(step.grad_weights),
        "grad_biases": _lists(step.grad_biases),
        "weights_after": _lists(step.after.weights),
        "biases_after": _lists(step.after.biases),
    }


def dumps(trace: Trace) -> str:
    """The trace as JSON text."""
    return json.dumps(to_dict(trace), allow_nan=False, separators=(",", ":"))


def save(trace: Trace, path: str | os.PathLike) -> Path:
    """Write ``trace`` to ``path`` atomically (a temp file in the same folder, then a rename)."""
    return write_atomically(path, dumps(trace).encode("utf-8"))


def write_atomically(path: str | os.PathLike, data: bytes, sync: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same folder renamed over it.

    Readers see the old file or the new one, never a part. ``sync=False`` skips the flush to
    disk (for caches, where a lost file is only work to redo). As ``cp`` does, a symbolic link is
    followed (its target is replaced, the link stays) and a special file (``/dev/null``, a FIFO)
    is written in place. The temporary name is short, so a 255-byte name can still be written.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))
    if real.exists() and not (real.is_file() or real.is_dir()):
        with open(real, "wb") as fh:
            fh.write(data)
        return path
    fd, tmp = tempfile.mkstemp(prefix=".bpviz-", suffix=".tmp", dir=real.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def loads(text: str, source: str = "<trace>") -> Trace:
    """Parse and validate trace JSON; :class:`TraceFormatError` says what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise TraceFormatError(f"{source}: not JSON (line {err.lineno}: {err.msg})") from None
    return from_dict(data, source)


def load(path: str | os.PathLike, trust: bool = False) -> Trace:
    """Read the trace file at ``path`` and check it against its own equations (:func:`check_numbers`).

    ``trust`` skips that check (``--trust-trace``); the format, the shapes and finite numbers
    are checked always.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TraceFormatError(f"{path}: cannot read trace: {err}") from None
    trace = loads(text, str(path))
    if not trust:
        check_numbers(trace, str(path))
    return trace


def number_problem(trace: Trace, source: str = "<trace>",
                   progress: Callable[[int, int], None] | None = None) -> str | None:
    """Why ``trace`` is not the run its config describes (the first number that differs), or ``None``.

    The engine runs the config again (:func:`backprop_core.verify.retrained`) and every recorded
    number is compared with its own (:func:`backprop_core.verify.first_difference`).
    """
    expected = verify.retrained(config_of(trace.config, source), progress)
    if isinstance(expected, str):
        return f"its config does not give a trace: {expected}"
    found = verify.first_difference(trace, expected)
    if found is None:
        return None
    field, got, want = found
    if field.startswith("steps["):  # the position in the file, and the training step it records
        position = int(field[6:field.index("]")])
        if position < len(trace.steps):
            field = f"{field} (training step {trace.steps[position].index})"
    return (f"{field} is {_shown(got)} but its equations give {_shown(want)} "
            "(an edited trace, or one bpviz did not write)")


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def check_numbers(trace: Trace, source: str = "<trace>") -> None:
    """Raise :class:`TraceFormatError` when :func:`number_problem` finds a number that is not the engine's."""
    problem = number_problem(trace, source)
    if problem is not None:
        raise TraceFormatError(f"{source}: {problem}; --trust-trace reads it anyway")


def from_dict(data: Any, source: str = "<trace>") -> Trace:
    """Build a :class:`Trace` from JSON data, checking format, version and every shape."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise TraceFormatError(f"{source}: not a bpviz trace (format {found!r}, expected {FORMAT!r})")
    if data.get("version") != VERSION:
        raise TraceFormatError(f"{source}: trace version {data.get('version')!r} is not supported "
                               f"(this bpviz reads version {VERSION})")
    bad = verify.first_non_finite(data)
    if bad is not None:
        raise TraceFormatError(f"{source}: {bad} is not a finite number; a trace holds finite numbers only")
    where = "the top level"
    try:
        where = "initial"
        initial = Params(data["initial"]["weights"], data["initial"]["biases"])
        steps = []
        for i, s in enumerate(data["steps"]):
            where = f"steps[{i}]"
            steps.append(_step(s))
        epochs = []
        for i, e in enumerate(data["epochs"]):
            where = f"epochs[{i}]"
            epochs.append(EpochRecord(int(e["epoch"]), float(e["loss"]),
                                      None if e["accuracy"] is None else float(e["accuracy"]),
                                      Params(e["weights"], e["biases"]), e.get("outputs")))
        where = "stopped"
        stopped = None if data.get("stopped") is None else Stopped(**data["stopped"])
        where = "config"
        _check_config(data["config"], source)
        where = ""  # the trace's own checks name the record (steps[0].before.weights[1] ...)
        return Trace(data["config"], initial, tuple(steps), tuple(epochs), stopped)
    except KeyError as err:
        raise TraceFormatError(f"{source}: {where or 'the trace'}: missing field {err}") from None
    except (TraceError, TypeError, ValueError) as err:
        raise TraceFormatError(f"{source}: {where + ': ' if where else ''}{err}") from None


def config_of(trace_config: dict, source: str = "<trace>") -> Config:
    """The :class:`~backprop_core.config.Config` of a trace's resolved config (``Trace.config``).

    Raises :class:`~backprop_core.errors.ConfigError` when it is not a valid config.
    """
    raw = {key: value for key, value in trace_config.items() if key != "source"}
    data = raw.get("data")
    if not isinstance(data, dict):
        return config_from_dict(raw, f"{source} (config)")
    # The data are inline: where they came from is a record, not a source to read again.
    raw["data"] = {k: v for k, v in data.items() if k not in _PROVENANCE}
    if "raw_inputs" in data:  # scaled: the config scales the raw values again; they must agree
        raw["data"]["inputs"] = raw["data"].pop("raw_inputs")
        raw["data"].pop("scaling", None)
    cfg = config_from_dict(raw, f"{source} (config)")
    if cfg.scale != "none" and not (
            np.array_equal(cfg.inputs, np.asarray(data["inputs"], dtype=float))
            and {k: v.tolist() for k, v in cfg.scaling.items()} == data.get("scaling")):
        raise ConfigError(f"[data] scaling: the inputs and the scaling's parameters are not those of "
                          f"scale = {cfg.scale!r} over raw_inputs", f"{source} (config)")
    return cfg


def _check_config(config: Any, source: str) -> None:
    """Validate a trace's resolved config as a config file would be, and its sample indices."""
    if not isinstance(config, dict):
        raise TraceFormatError(f"{source}: config: expected an object, got {type(config).__name__}")
    try:
        config_of(config, source)
    except ConfigError as err:
        raise TraceFormatError(str(err)) from None


def _step(s: dict) -> Step:
    records = tuple(
        SampleRecord(int(r["sample"]), r["x"], r["y"], r["z"], r["a"], r["loss"], r["delta"])
        for r in s["per_sample"]
    )
    return Step(
        index=int(s["index"]), epoch=int(s["epoch"]), samples=s["samples"], per_sample=records,
        loss=s["loss"], before=Params(s["weights_before"], s["biases_before"]),
        grad_weights=s["grad_weights"], grad_biases=s["grad_biases"],
        after=Params(s["weights_after"], s["biases_after"]),
    )
