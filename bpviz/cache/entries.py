"""Cache entries that defend themselves: a manifest of every file's size and hash, and warnings.

A render-cache entry (:mod:`bpviz.production.jobs`) is a folder; :func:`write_manifest` lists
each of its files with its size and SHA-256, written last. :func:`entry_problem` says what is
wrong with an entry (no manifest, a manifest that cannot be parsed, a file missing, cut or
changed), so a damaged entry is discarded and rendered again instead of delivered. The other
caches (shapes, typeset SVGs) check their own files; all of them report a discarded file with
:func:`warn`, one line on stderr.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

MANIFEST = "manifest.json"
"""Written last into a finished entry: every other file's size and SHA-256."""


def _digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_manifest(folder: Path) -> None:
    """List every file of ``folder`` (but the manifest) with its size and hash, in ``manifest.json``."""
    files = {str(p.relative_to(folder)): [p.stat().st_size, _digest(p)]
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}
    (folder / MANIFEST).write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")


def entry_problem(folder: Path) -> str | None:
    """What is wrong with the cache entry ``folder`` (``None``: it is whole, every file as written)."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        listed = {name: (int(size), str(digest)) for name, (size, digest) in files.items()}
    except FileNotFoundError:
        return f"{MANIFEST} is missing"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        return f"{MANIFEST} cannot be read ({type(err).__name__})"
    for name, (size, digest) in listed.items():
        path = folder / name
        try:
            if path.stat().st_size != size:
                return f"{name} has {path.stat().st_size} bytes, {size} were written"
            if _digest(path) != digest:
                return f"{name} is not the file written"
        except OSError:
            return f"{name} is missing"
    return None


_warned: set[str] = set()


def warn(message: str) -> None:
    """Print ``warning: <message>`` on stderr, once per process and message."""
    if message not in _warned:
        _warned.add(message)
        print(f"warning: {' '.join(message.split())}", file=sys.stderr, flush=True)
