"""The pieces of ``bpviz frames`` that need no Manim.

The written stills and the report, the chapters' fingerprints in the stills cache
(:mod:`bpviz.cache.stills`), copying kept stills, the file names and publishing a set of stills
with ``frames.json``: a run whose stills are all kept imports neither Manim nor SymPy.
:mod:`bpviz.production.frames` decides what is drawn, and
:func:`bpviz.production.render.render_stills` draws it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz.cache import stills as store
from bpviz.outputs.publish import Publication
from bpviz.production.fingerprint import job_fingerprint
from scenes.chapters import registry


def film_of(story, chapter: str) -> tuple[str, ...]:
    """The chapters whose videos make ``chapter``: the film's chapters for ``full``, else itself."""
    return registry.film_chapters(story) if chapter == registry.FULL else (chapter,)


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


def publish_stills(drawn: list[tuple[Path, Still]], out_dir: Path) -> list[Still]:
    """Publish stills (their file, what they show) into ``out_dir`` with ``frames.json``, together.

    Each still is renamed ``NNN_<chapter>_<beat>`` in the order given (copied: a file of the
    stills cache stays there); the old stills and ``frames.json`` stay as they were until every
    new one is whole (:class:`Publication`).
    """
    stills = []
    with Publication() as out:
        for file, still in drawn:
            name = f"{len(stills) + 1:03d}_{still.file.split('_', 1)[1]}"
            out.add_file(file, out_dir / name)
            stills.append(Still(name, still.chapter, still.beat, still.caption, still.start, still.end))
        index = [{k: v for k, v in vars(s).items() if v is not None} for s in stills]  # times: with a voice
        out.add_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", out_dir / "frames.json")
    return stills
