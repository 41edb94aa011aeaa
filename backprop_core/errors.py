"""User-facing errors: each carries one line that names the problem and its place.

The command line prints ``error: <message>`` and exits with code 2 for every
:class:`BpvizError`; nothing else of it reaches the user.
"""

from __future__ import annotations


class BpvizError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class ConfigError(BpvizError):
    """A config (TOML file, preset or table) is not valid.

    Parameters
    ----------
    message : str
        What is wrong, starting with the key, e.g. ``"[training] epochs: must be >= 1"``.
    source : str, optional
        The file or preset name it came from.
    line : int, optional
        The line in ``source`` where the key is written, when known.
    """

    def __init__(self, message: str, source: str | None = None, line: int | None = None):
        place = source or ""
        if source and line:
            place = f"{source}:{line}"
        super().__init__(f"{place}: {message}" if place else message)
        self.key_message = message
        self.source = source
        self.line = line


class TraceFormatError(BpvizError):
    """A trace file is not a bpviz trace of a version this program reads."""
