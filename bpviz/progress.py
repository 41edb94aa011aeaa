"""Progress on long work: what is being done, how far, and an estimate of the time left.

A :class:`Progress` says nothing for the first :data:`QUIET` seconds (most commands end
before). After that, on a terminal, it shows a :mod:`rich` progress bar on stderr (what, how
far, the time left), removed when the work ends; when stderr is not a terminal (piped, a log) it
writes a plain line every :data:`EVERY` seconds instead. Its :meth:`Progress.update` is the
callback the engine and the production line take (``progress(done, total)``).
"""

from __future__ import annotations

import sys
import time

QUIET = 2.0
"""Seconds of work before any progress is shown."""
EVERY = 10.0
"""Seconds between plain progress lines when stderr is not a terminal."""


class Progress:
    """Progress of one piece of work, ``what`` counted in ``unit`` (a context manager).

    Parameters
    ----------
    what : str
        What is being done, e.g. ``"training mnist_like"``.
    unit : str
        What is counted, e.g. ``"epochs"``.
    terminal : bool, optional
        Whether to draw a bar (default: whether stderr is a terminal).
    """

    def __init__(self, what: str, unit: str, terminal: bool | None = None):
        self.what, self.unit = what, unit
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self.start = time.monotonic()
        self.last_line = self.start
        self._bar = None  # a rich.progress.Progress once shown
        self._task = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def left(self, done: int, total: int) -> float | None:
        """Seconds left, at the pace so far (``None`` before the first unit is done)."""
        spent = time.monotonic() - self.start
        return spent / done * (total - done) if done else None

    def line(self, done: int, total: int) -> str:
        """The plain progress line: ``what: done/total unit (p%), about N s left``."""
        left = self.left(done, total)
        estimate = "" if left is None else f", about {left:.0f} s left"
        return f"{self.what}: {done}/{total} {self.unit} ({100 * done / max(total, 1):.0f}%){estimate}"

    def update(self, done: int, total: int) -> None:
        """``done`` of ``total`` units are finished."""
        now = time.monotonic()
        if now - self.start < QUIET:
            return
        if not self.terminal:
            if now - self.last_line >= EVERY or (done == total and now - self.last_line >= 1):
                self.last_line = now
                print(self.line(done, total), file=sys.stderr, flush=True)
            return
        if self._bar is None:  # rich is imported only when a bar is shown: short commands stay quick
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn(self.unit), TimeRemainingColumn(),
                                     console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.what, total=total)
        self._bar.update(self._task, completed=done, total=total)
