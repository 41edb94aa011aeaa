"""Leftovers of runs that were killed: temporary folders and files older than a day, removed.

Every temporary folder of bpviz is removed when its command ends, by any way out but
``kill -9`` (or a power cut). What such a run leaves (``bpviz-*`` folders in the system's
temporary folder, hidden ``.<fingerprint>.*`` and ``.old.*`` folders in the render cache,
``.bpviz-*`` files beside outputs) is removed by the next run once it is older than
:data:`STALE`: old enough that no running command still uses it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

STALE = 24 * 3600
"""Seconds since a leftover was last changed before it is removed."""

RENDER_WORK = re.compile(r"^\.([0-9a-f]{16}|old)\.")
"""A render's private folder in the render cache (``.<fingerprint>.*``, ``.old.*``)."""


def _stale(path: Path, now: float) -> bool:
    try:
        return now - path.lstat().st_mtime > STALE
    except OSError:
        return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def leftovers(renders: Path | None = None, folders: tuple[Path, ...] = ()) -> list[Path]:
    """The stale leftovers: in the temporary folder, in ``renders`` and in the output ``folders``."""
    now, found = time.time(), []
    places = [(Path(tempfile.gettempdir()), lambda name: name.startswith("bpviz-"))]
    if renders is not None:
        places.append((renders, RENDER_WORK.match))
    places += [(folder, lambda name: name.startswith(".bpviz-")) for folder in folders]
    for folder, ours in places:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found += [folder / name for name in names if ours(name) and _stale(folder / name, now)]
    return found


def clean_stale(renders: Path | None = None, folders: tuple[Path, ...] = ()) -> int:
    """Remove :func:`leftovers`; how many were removed."""
    stale = leftovers(renders, folders)
    for path in stale:
        _remove(path)
    return len(stale)
