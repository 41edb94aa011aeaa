"""Render chapters of a Story: videos (with clips per beat), stills (one PNG per beat), timed beats.

Each chapter render is a pure job: (story, chapter, options) -> files, in a Manim session
(:mod:`bpviz.production.session`). The jobs (:mod:`bpviz.production.jobs`) call
:func:`render_video` and :func:`render_stills`; nothing here parses arguments.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from backprop_core.errors import BpvizError
from bpviz.outputs.formats import deliver, encoder_config, tag_prores_alpha
from bpviz.outputs.publish import Publication
from bpviz.outputs.subtitles import write_srt
from bpviz.outputs.svg_still import write_svg
from bpviz.production.cleanup import clean_stale
from bpviz.production.session import chapter as chapter_of
from bpviz.production.session import manim_session
from bpviz.voice.beats import JobVoice
from scenes.chapters.base import Beat
from scenes.story import Story


@dataclass(frozen=True)
class Still:
    """One written still: the PNG (or SVG) and what it shows."""

    file: str
    chapter: str
    beat: str
    caption: str
    start: float | None = None
    end: float | None = None


def timed_beats(story: Story, chapter: str, quality: str = "low", aspect: str = "16:9",
                voice: dict | None = None) -> list[Beat]:
    """The beats of ``chapter`` with their times at ``quality``, without drawing or encoding a frame.

    A beat's times are counted by :class:`~scenes.chapters.base.ChapterScene` in frames, the same
    way Manim writes them, so a run with ``skip_animations`` gives the times of the rendered
    video's sections. Times depend on the frame rate (each animation is a whole number of
    frames), so ``quality`` must be the one of the video they describe. With ``voice`` (a job's
    voice option, :mod:`bpviz.production.voice`) each beat lasts at least its voice and a pause.
    """
    beat_voice = JobVoice(voice, story.language) if voice else None
    with manim_session(quality, aspect, format=None, write_to_movie=False):
        scene = chapter_of(chapter, story, skip_animations=True, beat_voice=beat_voice)
        scene.render()
    return scene.beats


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents); a folder that cannot be made is a :class:`BpvizError`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BpvizError(f"-o {folder}: cannot create the folder ({err.strerror})") from None


def draw_stills(story: Story, chapters: list[str], folder: Path, quality: str = "low",
                aspect: str = "16:9", image_format: str = "png", voice=None, beats: list | None = None,
                progress=None) -> list[Still]:
    """Draw one still per beat of ``chapters`` into ``folder`` (which exists), numbered in story order.

    Only the stills are drawn: animations are skipped, so no video is encoded. With
    ``image_format="svg"`` each still is a vector SVG of the same name (``.svg``). With ``voice``
    (a :class:`~bpviz.production.voice.VoicePlan`, whose recordings are numbered per chapter job:
    give the film's chapters, not ``full``) each beat lasts as its voice asks, and every still
    gets its beat's ``start`` and ``end`` in the chapters played one after another (for the
    film's chapters, the times of the joined film). ``beats``, when given, receives the beat of
    each still (with its narration), in the same order; ``progress(done, total)`` is told of every
    chapter drawn.
    """
    stills: list[Still] = []

    def capture(scene, beat) -> None:
        name = f"{len(stills) + 1:03d}_{beat.chapter}_{beat.key}.{image_format}"
        if image_format == "svg":
            write_svg(scene, folder / name)
        else:
            Image.fromarray(scene.renderer.get_frame()).save(folder / name)
        stills.append(Still(name, beat.chapter, beat.key, beat.caption))
        if beats is not None:
            beats.append(beat)

    offset = 0.0  # with a voice: the chapters drawn play one after another, as a joined film
    with manim_session(quality, aspect, format=None, write_to_movie=False):
        for done, chapter in enumerate(chapters, 1):
            beat_voice = JobVoice(voice.options(chapter), story.language) if voice else None
            scene = chapter_of(chapter, story, beat_end=capture, skip_animations=True,
                               beat_voice=beat_voice)
            scene.render()
            if voice:
                mine = stills[len(stills) - len(scene.beats):]
                stills[len(stills) - len(scene.beats):] = [
                    Still(s.file, s.chapter, s.beat, s.caption, round(b.start + offset, 3),
                          round(b.end + offset, 3)) for s, b in zip(mine, scene.beats)]
                offset += scene.beats[-1].end if scene.beats else 0.0
            if progress is not None:
                progress(done, len(chapters))
    return stills


def publish_stills(drawn: list[tuple[Path, Still]], out_dir: Path) -> list[Still]:
    """Publish drawn stills (their file, what they show) into ``out_dir`` with ``frames.json``, together.

    Each still is renamed ``NNN_<chapter>_<beat>`` in the order given; the old stills and
    ``frames.json`` stay as they were until every new one is whole (:class:`Publication`).
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


def render_stills(story: Story, chapters: list[str], out_dir: Path, quality: str = "low",
                  aspect: str = "16:9", image_format: str = "png", voice=None, beats: list | None = None,
                  progress=None) -> list[Still]:
    """One PNG per beat (its settled last frame), numbered in story order, plus ``frames.json``.

    The stills are drawn in a private temporary folder (:func:`draw_stills`, which says what
    ``voice``, ``beats`` and ``progress`` do) and published into ``out_dir`` together
    (:func:`publish_stills`): an interrupted run leaves the old set whole.
    """
    make_folder(out_dir)
    clean_stale(folders=(out_dir,))
    with tempfile.TemporaryDirectory(prefix="bpviz-stills-") as tmp:
        stills = draw_stills(story, chapters, Path(tmp), quality, aspect, image_format, voice, beats,
                             progress)
        return publish_stills([(Path(tmp) / s.file, s) for s in stills], out_dir)


def render_video(story: Story, chapter: str, out_dir: Path, quality: str = "low", fmt: str = "mp4",
                 transparent: bool = False, sections: bool = False, aspect: str = "16:9",
                 beats: list | None = None) -> list[Path]:
    """Render ``chapter`` to ``out_dir/<chapter>.<fmt>``; with ``sections``, one clip per beat too.

    Manim writes into a temporary media folder; only the finished files are published to
    ``out_dir``, together (the clips into ``out_dir/<chapter>_beats/``, named
    ``<nn>_<chapter>_<beat>``), so nothing else there is touched. A transparent mp4 becomes a
    ``.mov`` (mp4 has no alpha channel). The subtitles, one cue per beat, go to
    ``out_dir/<chapter>.srt``; ``beats``, when given, receives the chapter's timed beats (those of
    the subtitles).
    """
    make_folder(out_dir)
    if transparent and fmt == "mp4":
        fmt = "mov"  # Manim refuses an alpha channel in mp4; QuickTime keeps it
    with manim_session(quality, aspect, transparent=transparent, save_sections=sections,
                       output_file=chapter, **encoder_config(fmt, transparent)):
        scene = chapter_of(chapter, story)
        scene.render()
        writer = scene.renderer.file_writer
        movie = Path(writer.movie_file_path)
        tag_prores_alpha([movie], fmt, transparent)  # the video, not its subtitles
        with Publication() as out:
            written = [deliver(movie, out_dir / chapter, fmt, transparent, out),
                       write_srt(scene.beats, out_dir / f"{chapter}.srt", out)]
            if sections:
                written += _move_clips(writer, out_dir / f"{chapter}_beats", out)
        if beats is not None:
            beats.extend(scene.beats)
    return written


def _move_clips(writer, clip_dir: Path, out: Publication | None = None) -> list[Path]:
    """Move the beat clips listed in Manim's sections index to ``clip_dir``, in story order.

    With ``out``, they are staged there instead (published with the other outputs).
    """
    index = json.loads(Path(writer.output_plan.section_index).read_text(encoding="utf-8"))
    clip_dir.mkdir(exist_ok=True)
    moved = []
    for entry in index:
        clip = Path(writer.sections_output_dir) / entry["video"]
        dest = clip_dir / f"{entry['name']}{clip.suffix}"
        if out is None:
            shutil.move(str(clip), dest)
        else:
            out.add_file(clip, dest)
        moved.append(dest)
    return moved
