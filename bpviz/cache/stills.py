"""Finished stills kept between runs, keyed by what each one shows.

``bpviz frames`` draws one still per beat. A still is a function of what the camera draws at the
beat's settled frame: every leaf in draw order (its points, colours, widths, sheen) and the
camera's picture size, frame and background, drawn by this version of bpviz and Manim. That is
what the still's key hashes (:meth:`bpviz.renderer.camera.FrameRenderer.still_key`): a beat
whose numbers, words, options and layout are unchanged has the same key, and its still is copied
from here instead of drawn and encoded; an edit re-draws only the beats whose picture it moves.

A chapter's stills are also listed under the chapter's fingerprint (the trace numbers it shows,
``[video]``, the language, the options and the code: :func:`bpviz.production.fingerprint.job_fingerprint`),
so a chapter whose fingerprint is unchanged is written from here without being played at all,
and ``frames`` of an unchanged config never starts Manim.

Layout of ``<cache>/stills/``: ``<key>.png`` (or ``.svg``) per still, and
``chapters/<fingerprint>.json`` per chapter (its beats and their keys). Files are written under a
temporary name and renamed (:func:`backprop_core.io.write_atomically`), so parallel renders share
the folder safely; this module imports no Manim.
"""

from __future__ import annotations

import json
from pathlib import Path

from backprop_core.io import write_atomically
from bpviz.cache.paths import cache_dir


def stills_dir() -> Path:
    """The stills cache: ``<cache>/stills``."""
    return cache_dir() / "stills"


def still_path(key: str, suffix: str, root: Path | None = None) -> Path:
    """Where the still with ``key`` and file ``suffix`` (``png``, ``svg``) is kept."""
    return (root or stills_dir()) / f"{key}.{suffix}"


def find_still(key: str | None, suffix: str, root: Path | None = None) -> Path | None:
    """The kept still of ``key``, or ``None`` (no key, or not kept)."""
    if key is None:
        return None
    path = still_path(key, suffix, root)
    return path if path.is_file() else None


def keep_still(key: str, suffix: str, data: bytes, root: Path | None = None) -> Path:
    """Keep ``data`` as the still of ``key`` (written atomically)."""
    path = still_path(key, suffix, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(path, data, sync=False)


def _manifest_path(fingerprint: str, root: Path | None) -> Path:
    return (root or stills_dir()) / "chapters" / f"{fingerprint}.json"


def chapter_stills(fingerprint: str, suffix: str, root: Path | None = None) -> list[dict] | None:
    """The stills of the chapter render ``fingerprint`` if every one is kept, else ``None``.

    Each entry: ``chapter``, ``beat``, ``caption`` and ``key`` (of :func:`still_path`).
    """
    try:
        entries = json.loads(_manifest_path(fingerprint, root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entries, list):
        return None
    try:
        if all(find_still(e["key"], suffix, root) for e in entries):
            return entries
    except (KeyError, TypeError):
        pass
    return None


def keep_chapter(fingerprint: str, entries: list[dict], root: Path | None = None) -> None:
    """List the stills of the chapter render ``fingerprint`` (see :func:`chapter_stills`)."""
    path = _manifest_path(fingerprint, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(entries, ensure_ascii=False).encode("utf-8"), sync=False)
