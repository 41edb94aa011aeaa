"""The ``bpviz`` command line: parse, validate, call. No math, no drawing.

Every :class:`~backprop_core.errors.BpvizError` becomes one line on stderr,
``error: <what and where>``, and exit code 2. A failed ``trace -o FILE`` leaves FILE as it
was, except on divergence, where the partial trace (with ``stopped`` set) is written.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
import numpy as np

from . import __version__, io
from .config import DEFAULT_PRESET, load
from .errors import BpvizError
from .gradcheck import check as gradcheck
from .presets import PRESETS, preset_description
from .summary import summary_lines
from .train import TrainingDiverged, train


def user_errors(func):
    """Turn a :class:`BpvizError` into one line ``error: ...`` on stderr and exit code 2.

    NumPy's overflow warnings are silenced: the engine checks every value itself and reports
    NaN or infinity as an error, so a warning would only add lines to stderr.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with np.errstate(all="ignore"):
                return func(*args, **kwargs)
        except BpvizError as err:
            message = " ".join(str(err).split())  # one line, whatever the message holds
            click.echo(f"error: {message}", err=True)
            sys.exit(2)

    return wrapper


def _writable(path: str, source: str | None) -> None:
    """Fail before any work when ``path`` cannot be written or is the config ``source`` itself."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise BpvizError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise BpvizError(f"cannot write {path}: folder {folder} is not writable")
    if Path(path).is_dir():
        raise BpvizError(f"cannot write {path}: it is a folder")
    if source and Path(source).is_file() and Path(path).resolve() == Path(source).resolve():
        raise BpvizError(f"cannot write {path}: it is the config file being read")


def _save(trace, path: str) -> None:
    """:func:`io.save`, with a failure to write as a :class:`BpvizError` (the old file stays)."""
    try:
        io.save(trace, path)
    except OSError as err:
        raise BpvizError(f"cannot write {path}: {err.strerror or err}") from None


def _is_trace_file(source: str | None) -> bool:
    """Whether ``source`` names a trace ``.json`` file rather than a config or preset."""
    return bool(source) and Path(source).suffix.lower() == ".json"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bpviz")
def main() -> None:
    """bpviz: real backpropagation numbers, traced step by step, for explainer videos."""


@main.command("trace")
@click.argument("source", required=False, metavar="[SOURCE]")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="where to write the trace JSON ('-' for stdout)")
@user_errors
def trace_cmd(source: str | None, output: str) -> None:
    """Train SOURCE and write its trace: every activation, delta, gradient and weight change.

    SOURCE is a TOML config file or a preset name (default: mazur; see `bpviz presets`).
    """
    to_stdout = output == "-"
    if not to_stdout:
        _writable(output, source)
    cfg = load(source)
    try:
        trace = train(cfg)
    except TrainingDiverged as err:
        if to_stdout or err.trace is None:
            kept = "" if err.trace is None else "; with -o FILE the trace up to that step is kept"
            raise BpvizError(f"{err}{kept}") from None
        _save(err.trace, output)
        raise BpvizError(f"{err}; the trace up to that step was written to {output}") from None
    if to_stdout:
        click.echo(io.dumps(trace))
    else:
        _save(trace, output)
    for line in summary_lines(trace, source or DEFAULT_PRESET):
        click.echo(line, err=to_stdout)
    if not to_stdout:
        click.echo(f"wrote {output}")


@main.command("check")
@click.argument("source", required=False, metavar="[SOURCE]")
@user_errors
def check_cmd(source: str | None) -> None:
    """Compare every recorded gradient with central finite differences.

    SOURCE is a TOML config file, a preset name (default: mazur) or a trace .json file.
    Prints the largest relative error and PASS or FAIL; exit code 1 on FAIL.
    """
    trace = io.load(source) if _is_trace_file(source) else train(load(source))
    try:
        result = gradcheck(trace)
    except (KeyError, IndexError, TypeError, ValueError) as err:
        if not _is_trace_file(source):
            raise
        # io.load checks the trace's arrays, not its config: a hand-edited config lands here
        raise BpvizError(f"{source}: the trace's config does not fit its steps "
                         f"({type(err).__name__}: {err})") from None
    click.echo(result.summary())
    if not result.passed:
        sys.exit(1)


@main.command("presets")
def presets_cmd() -> None:
    """List the built-in presets."""
    width = max(len(p) for p in PRESETS)
    for name in PRESETS:
        default = " (default)" if name == DEFAULT_PRESET else ""
        click.echo(f"{name:<{width}}  {preset_description(name)}{default}")
