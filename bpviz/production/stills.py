"""The pieces of ``bpviz frames`` that need no Manim.

The written stills and the report, the chapters' fingerprints in the stills cache
(:mod:`bpviz.cache.stills`), copying kept stills and the file names.
:mod:`bpviz.production.frames` decides what is drawn, and
:func:`bpviz.production.render.render_stills` draws it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz.cache import stills as store
from bpviz.production.fingerprint import job_fingerprint


@dataclass(frozen=True)
class Still:
    """One written still: the PNG (or SVG) and what it shows."""

    file: str
    chapter: str
    beat: str
    caption: str
    start: float | None = None
    """With a voice: when the beat starts in the film, in seconds (``frames.json`` gives it then)."""
    end: float | None = None


@dataclass
class StillsReport:
    """What a ``frames`` run did: the stills written and the beats drawn now (the rest were kept)."""

    stills: list[Still] = field(default_factory=list)
    drawn: list[int] = field(default_factory=list)
    """The place in ``stills`` of every still drawn in this run (not copied from the stills cache)."""


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents); a folder that cannot be made is a :class:`BpvizError`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BpvizError(f"-o {folder}: cannot create the folder ({err.strerror})") from None


def chapter_fingerprint(story, chapter: str, quality: str, aspect: str, image_format: str,
                        glossed=()) -> str:
    """The fingerprint of the stills of ``chapter`` (what it shows, ``[video]``, options, code).

    ``glossed``: the symbols glossed before it in the film (none: drawn alone).
    """
    options = {"output": "stills", "quality": quality, "aspect": aspect, "image_format": image_format}
    if glossed:
        options["glossed"] = sorted(glossed)
    return job_fingerprint(chapter, story.trace, story.video, story.language, options)


def still_name(number: int, chapter: str, beat: str, image_format: str) -> str:
    """The file name of still ``number`` (1-based, story order): ``NNN_chapter_beat.<format>``."""
    return f"{number:03d}_{chapter}_{beat}.{image_format}"


def copy_kept(entries: list[dict], out_dir: Path, image_format: str, stills: list[Still]) -> None:
    """Copy a kept chapter's stills (:func:`bpviz.cache.stills.chapter_stills`) into ``out_dir``."""
    for entry in entries:
        name = still_name(len(stills) + 1, entry["chapter"], entry["beat"], image_format)
        shutil.copyfile(store.still_path(entry["key"], image_format), out_dir / name)
        stills.append(Still(name, entry["chapter"], entry["beat"], entry["caption"]))
