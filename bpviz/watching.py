"""``--watch``: run a command again on every save of its config file, until Ctrl-C.

The file is polled (its time stamp, size and inode, four times a second): no file-event library
is needed, and an editor that saves by writing a new file and renaming it over the old one is
seen like any other. A save that leaves the config invalid prints the one-line error the command
would print (``error: <file>:<line>: ...``) and the watch goes on; Ctrl-C ends it cleanly, also
in the middle of a run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import click

from backprop_core.errors import BpvizError

POLL_SECONDS = 0.25
"""How often the file's time stamp is read."""
SETTLE_SECONDS = 0.1
"""A change is acted on once the file has stayed the same this long (an editor may write in parts)."""


def _stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None  # between an editor's delete and rename
    return st.st_mtime_ns, st.st_size, st.st_ino


def watchable(source: str | None) -> Path:
    """The config file ``--watch`` follows: ``source`` must name an existing file."""
    if not source or not Path(source).is_file():
        what = f"{source!r} is not a file" if source else "no SOURCE given"
        raise BpvizError(f"--watch follows a config file, and {what}; give the path of a TOML config "
                         f"(copy a preset from backprop_core/presets/ to start one)")
    return Path(source)


def _once(run: Callable[[], None]) -> None:
    try:
        run()
    except BpvizError as err:
        click.echo("error: " + " ".join(str(err).split()), err=True)


def watch(path: Path, run: Callable[[], None]) -> None:
    """Call ``run`` now and after every save of ``path``; a :class:`BpvizError` is printed, not raised.

    Returns on Ctrl-C.
    """
    try:
        _once(run)
        seen = _stamp(path)
        click.echo(f"watching {path}: save it to draw again, Ctrl-C to stop")
        while True:
            time.sleep(POLL_SECONDS)
            now = _stamp(path)
            if now is None or now == seen:
                continue
            time.sleep(SETTLE_SECONDS)
            if _stamp(path) != now:
                continue  # still being written: the next poll sees the rest
            seen = now
            click.echo(f"{path} changed")
            _once(run)
            click.echo(f"watching {path}")
    except KeyboardInterrupt:
        click.echo(f"stopped watching {path}")
