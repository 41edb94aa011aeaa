"""Where bpviz keeps its caches: the user's cache folder, from :mod:`platformdirs`.

On Linux that is ``$XDG_CACHE_HOME/bpviz`` (``~/.cache/bpviz`` when unset), on macOS
``~/Library/Caches/bpviz``, on Windows the local application data folder. Each cache has its own
sub-folder: ``tex/`` and ``text/`` (typeset SVGs), ``svg/`` (their parsed shapes), ``renders/``
(finished chapters), ``stills/`` (finished stills, by what each shows), ``ahead/`` (a marker per
chapter the look-ahead has typeset: :func:`bpviz.production.prefetch.typeset_ahead`).

A cache folder that cannot be used (``XDG_CACHE_HOME`` a file, a folder not writable, a full
disk) is reported in one line, and the command goes on with a private temporary cache of its
own, removed when it ends: slower, never wrong.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from platformdirs import user_cache_path

from bpviz.cache.entries import warn

_private: dict[Path, Path] = {}
"""Unusable cache folders and the temporary caches used instead (in this process)."""


def cache_dir() -> Path:
    """The root of bpviz's caches (read at every call: tests and users may change the environment)."""
    root = user_cache_path("bpviz", appauthor=False)
    if root in _private:
        return _private[root]
    problem = unusable(root)
    if problem is None:
        return root
    warn(f"the cache folder {root} cannot be used ({problem}); working without the cache")
    private = Path(tempfile.mkdtemp(prefix="bpviz-cache-"))
    atexit.register(shutil.rmtree, private, True)
    _private[root] = private
    return private


def unusable(root: Path) -> str | None:
    """Why ``root`` cannot hold a cache (``None``: it can): it cannot be made, written or filled."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=root)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as err:
        return err.strerror or type(err).__name__
    return None
