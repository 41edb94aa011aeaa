"""The ``bpviz`` command line: parse, validate, call. No math, no drawing.

Every :class:`~backprop_core.errors.BpvizError` becomes one line on stderr,
``error: <what and where>``, and exit code 2.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from . import __version__, io
from .config import DEFAULT_PRESET, load
from .errors import BpvizError
from .gradcheck import check as gradcheck
from .presets import PRESETS, preset_description
from .summary import summary_lines
from .train import TrainingDiverged, train


def user_errors(func):
    """Turn a :class:`BpvizError` into ``error: ...`` on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BpvizError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)

    return wrapper


def _writable(path: str) -> None:
    """Fail before any work when ``path`` cannot be written."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise BpvizError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise BpvizError(f"cannot write {path}: folder {folder} is not writable")
    if Path(path).is_dir():
        raise BpvizError(f"cannot write {path}: it is a folder")


def _load_trace(source: str | None):
    """A trace from a ``.json`` trace file, or by training a config or preset."""
    if source and source.endswith(".json"):
        return io.load(source)
    return train(load(source))


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
    if output != "-":
        _writable(output)
    cfg = load(source)
    try:
        trace = train(cfg)
    except TrainingDiverged as err:
        if output != "-":
            io.save(err.trace, output)
            raise BpvizError(f"{err}; the trace up to that step was written to {output}") from None
        raise
    to_stdout = output == "-"
    if to_stdout:
        click.echo(io.dumps(trace))
    else:
        io.save(trace, output)
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
    result = gradcheck(_load_trace(source))
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
