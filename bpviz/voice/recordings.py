"""The lecturer's recordings: the recording sheet, and a folder of files matched to the beats.

Every beat has a name, as its still has: ``NNN_chapter_beat`` (its number in story order over
the chapters rendered, three digits, then its chapter and key), e.g. ``003_neuron_activation``.
``bpviz script --recording-sheet`` lists the names with the words to read and the planned
duration, as Markdown or CSV; a recording of a beat is a file of that name in WAV, FLAC, MP3,
M4A or OGG (:data:`~bpviz.voice.audio.FORMATS`). Every file is checked before anything is
rendered: a recording that matches no beat, two recordings of one beat, or one that cannot be
decoded is one line naming the file. A beat without a file is silent.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz.outputs.subtitles import timecode
from bpviz.voice.audio import FORMATS, decode
from scenes.chapters.base import Beat

SHEET_FORMATS = ("md", "csv")
"""``script --sheet-format``: the recording sheet as a Markdown table or as CSV."""


@dataclass(frozen=True)
class NamedBeat:
    """A beat of the chapters rendered: its file name stem, its chapter job and number there."""

    name: str
    chapter: str
    number: int
    beat: Beat


def named_beats(chapter_beats: list[tuple[str, list[Beat]]]) -> list[NamedBeat]:
    """Every beat of ``(chapter job, its timed beats)`` in story order, named as the stills are."""
    named = []
    for chapter, beats in chapter_beats:
        for number, beat in enumerate(beats, 1):
            name = f"{len(named) + 1:03d}_{beat.chapter}_{beat.key}"
            named.append(NamedBeat(name, chapter, number, beat))
    return named


def recording_sheet(named: list[NamedBeat], fmt: str = "md") -> str:
    """The recording sheet: per beat its file name, chapter, beat, planned seconds and words to read."""
    rows = [(n.name, n.beat.chapter, n.beat.key, f"{n.beat.end - n.beat.start:.1f}", n.beat.say)
            for n in named]
    header = ("file", "chapter", "beat", "seconds", "words")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()
    total = sum(n.beat.end - n.beat.start for n in named)
    lines = ["# Recording sheet", "",
             "One recording per beat, named as the file column says, with any of the suffixes "
             f"{', '.join(FORMATS)}; a beat without a recording is silent, and a beat lasts as "
             "long as its recording plus a short pause when that is longer than planned. "
             f"Planned length without voice: {timecode(total, '.')}.", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def match_recordings(folder: Path, named: list[NamedBeat]) -> dict[str, dict[str, dict]]:
    """The recordings in ``folder`` per chapter job: ``{chapter: {number: {file, sha256, seconds}}}``.

    Files of other suffixes (the sheet, notes) are ignored unless named like a beat. Raises a
    :class:`BpvizError` naming the first file that matches no beat, is a second recording of a
    beat, has a suffix that is not read, or cannot be decoded.
    """
    if not folder.is_dir():
        what = "a file, not a folder" if folder.exists() else "no such folder"
        raise BpvizError(f"--voice {folder}: {what} (give 'speech' or a folder of recordings)")
    by_name = {n.name: n for n in named}
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            if path.stem in by_name:
                raise BpvizError(f"{path}: recordings are read as {', '.join(FORMATS)}, "
                                 f"not {suffix or 'no suffix'}")
            continue
        if path.stem not in by_name:
            example = named[0].name if named else "001_chapter_beat"
            raise BpvizError(f"{path}: matches no beat of this film (names as `bpviz script "
                             f"--recording-sheet` lists them, e.g. {example}.wav)")
        if path.stem in found:
            raise BpvizError(f"{path}: a second recording of beat {path.stem} (also {found[path.stem].name})")
        found[path.stem] = path
    plan: dict[str, dict[str, dict]] = {}
    for stem, path in found.items():
        samples = decode(path)
        beat = by_name[stem]
        plan.setdefault(beat.chapter, {})[str(beat.number)] = {
            "file": str(path.resolve()), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "seconds": samples.size / 48_000}
    return plan
