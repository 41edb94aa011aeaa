"""Checks of single config values, with errors that name their table, key, file and line.

:class:`ValueChecker` holds what every table's validation needs: a scalar of a kind and range,
one name of a list of choices, a float array of an exact shape, and the line of a key in the
TOML text. The rules of each table (``[network]``, ``[training]``, ``[data]``) are in
:mod:`backprop_core.config`, those of ``[video]`` in :mod:`scenes.video_config`.
"""

from __future__ import annotations

import difflib
import math
import re

import numpy as np

from .errors import ConfigError

_HEAD = re.compile(r"\s*\[\[?\s*([A-Za-z_\"'][\w\-\"' .]*?)\s*\]\]?\s*$")
_KEY = re.compile(r"\s*([\w\-\"'][\w\-\"' .]*?)\s*=")


def did_you_mean(word, choices) -> str:
    """`` (did you mean 'x'?)`` with the choice closest to ``word``, or ``""`` when none is close."""
    lower = {str(c).lower(): c for c in choices}
    close = difflib.get_close_matches(str(word).lower(), list(lower), n=1, cutoff=0.6)
    return f" (did you mean {lower[close[0]]!r}?)" if close else ""


class ValueChecker:
    """Checks values of one raw config; every error names its table, key, file and line.

    Parameters
    ----------
    source : str
        The file or preset the config comes from, named in every error.
    text : str
        The TOML text, to find the line of a key (``""``: errors without a line).
    """

    def __init__(self, source: str, text: str):
        self.source = source
        self.text = text
        self.lines = text.splitlines()

    def fail(self, table: str, key: str | None, message: str, at: str | None = None):
        """Raise the error of ``[table] key``, placed at the line of key ``at`` (default ``key``)."""
        where = f"[{table}] {key}" if key else f"[{table}]"
        raise ConfigError(f"{where}: {message}", self.source, self._line_of(table, at or key))

    def line_of(self, table: str, key: str | None) -> int | None:
        """The line of ``key`` in ``[table]`` (``None`` when the text is not known)."""
        return self._line_of(table, key)

    def _line_of(self, table: str, key: str | None) -> int | None:
        """The line of ``key`` in ``[table]``, else of the table (headers, dotted keys, inline tables)."""
        def parts(dotted: str) -> list[str]:
            return [p.strip().strip("\"'") for p in dotted.split(".")]

        current: list[str] = []
        table_line, depth = None, 0
        for n, line in enumerate(self.lines, start=1):
            code = line.split("#", 1)[0]
            head, key_match = (_HEAD.match(code), _KEY.match(code)) if depth == 0 else (None, None)
            depth = max(depth + code.count("[") - code.count("]"), 0) if not head else 0
            if head:
                current = path = parts(head.group(1))
            elif key_match:
                path = current + parts(key_match.group(1))
            else:
                continue
            if path[0] != table:
                continue
            table_line = table_line or n
            if key is None or path[1:2] == [key] or (
                    len(path) == 1 and re.search(rf"[{{,]\s*{re.escape(key)}\s*=", code)):
                return n
        return table_line

    def scalar(self, table, key, value, kind, *, minimum=None, positive=False):
        """``value`` as ``kind`` (bool, int or float), at least ``minimum`` or > 0 if ``positive``."""
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, (int, float)) or (
                kind is int and not isinstance(value, int)):
            want = {bool: "true or false", int: "an integer", float: "a number"}[kind]
            self.fail(table, key, f"expected {want}, got {kind_of(value)} {show(value)}")
        if not math.isfinite(value):
            self.fail(table, key, f"must be a finite number, got {value!r}")
        if positive and value <= 0:
            self.fail(table, key, f"must be > 0, got {value!r}")
        if minimum is not None and value < minimum:
            self.fail(table, key, f"must be >= {minimum}, got {value!r}")
        return kind(value)

    def choice(self, table, key, value, choices, what="") -> str:
        """``value`` if it is one of ``choices``, else an error with the nearest one."""
        if not isinstance(value, str) or value not in choices:
            self.fail(table, key, f"{what}unknown value {show(value)}{did_you_mean(value, choices)}; "
                                  f"choose one of {', '.join(choices)}")
        return value

    def array(self, table, key, value, shape, label, hint="") -> np.ndarray:
        """A finite float array of exactly ``shape``; errors name the element as ``label[i][j]``."""
        def walk(v, level, where):
            if level == len(shape):
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    self.fail(table, key, f"{where} is {kind_of(v)} {show(v)}, expected a number")
                if not math.isfinite(v):
                    self.fail(table, key, f"{where} is {v!r}; NaN and infinity are not allowed")
                return
            inner = "values" if level == len(shape) - 1 else "rows"
            if not isinstance(v, list):
                self.fail(table, key, f"{where} is {kind_of(v)} {show(v)}, expected a list of "
                                      f"{shape[level]} {inner}{hint}")
            if len(v) != shape[level]:
                self.fail(table, key, f"{where} has {len(v)} {inner}, expected {shape[level]}{hint}")
            for i, item in enumerate(v):
                walk(item, level + 1, f"{where}[{i}]")

        walk(value, 0, label)
        arr = np.array(value, dtype=float)
        arr.setflags(write=False)
        return arr


def show(value, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters with ``...``."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def kind_of(value) -> str:
    """The TOML name of ``value``'s type (``boolean``, ``integer``, ``table`` ...)."""
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "table"}.get(type(value), type(value).__name__)
