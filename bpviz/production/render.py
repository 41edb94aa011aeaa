"""Render chapters of a Story: videos (with clips per beat), stills (one PNG per beat), timed beats.

Each chapter render is a pure job: (story, chapter, options) -> files, in a Manim session
(:mod:`bpviz.production.session`). The jobs (:mod:`bpviz.production.jobs`) call
:func:`render_video` and :func:`render_stills`; nothing here parses arguments.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from functools import partial
from pathlib import Path

from PIL import Image

from bpviz.cache import stills as store
from bpviz.outputs.formats import deliver, encoder_config, tag_prores_alpha
from bpviz.outputs.publish import Publication
from bpviz.outputs.subtitles import write_srt
from bpviz.outputs.svg_still import write_svg
from bpviz.production import prefetch
from bpviz.production.cleanup import clean_stale
from bpviz.production.fingerprint import code_version
from bpviz.production.session import chapter as chapter_of
from bpviz.production.session import manim_session
from bpviz.production.stills import (
    Still,
    StillsReport,
    chapter_fingerprint,
    copy_kept,
    film_of,
    make_folder,
    publish_stills,
    still_name,
)
from bpviz.voice.beats import JobVoice
from scenes.chapters.base import Beat
from scenes.story import Story


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


def draw_stills(story: Story, chapters: list[str], folder: Path, quality: str = "low",
                aspect: str = "16:9", image_format: str = "png", voice=None, beats: list | None = None,
                progress=None, use_cache: bool = True, look_ahead: bool = True,
                glossed: dict | None = None, sounds: list | None = None) -> StillsReport:
    """Draw one still per beat of ``chapters`` into ``folder`` (which exists), numbered in story order.

    Only the stills are drawn: animations are skipped, so no video is encoded. With
    ``image_format="svg"`` each still is a vector SVG of the same name (``.svg``).

    Through the stills cache (:mod:`bpviz.cache.stills`; ``use_cache=False`` draws all and
    refreshes it): a chapter kept whole is copied without being played, and a beat whose picture
    is kept is copied instead of drawn; the report lists the beats drawn. With ``look_ahead`` a
    second process typesets each chapter's new equations in one batch ahead
    (:mod:`bpviz.production.prefetch`).

    With ``voice`` (a :class:`~bpviz.production.voice.VoicePlan`, whose recordings are numbered
    per chapter job: give the film's chapters, not ``full``) each beat lasts as its voice asks,
    and every still gets its beat's ``start`` and ``end`` in the chapters played one after
    another (for the film's chapters, the times of the joined film). ``beats``, when given,
    receives the beat of each still (with its narration), in the same order. Both need every
    chapter played: no chapter is then copied whole. ``sounds``, when given with a ``voice``,
    receives each still's beat's voice (normalised mono samples at 48 kHz, as laid in the film's
    track; ``None`` for a silent beat), in the same order. ``progress(done, total)`` is told of
    every chapter done. ``glossed`` gives a chapter the symbols glossed before it (a chapter of the
    full film drawn as a job of its own: its ``glossed`` option); the others gloss their own.
    """
    glossed = glossed or {}
    report = StillsReport()
    stills, salt = report.stills, f"{image_format} {code_version()}"

    def capture(scene, beat, listed: list[dict]) -> None:
        name = still_name(len(stills) + 1, beat.chapter, beat.key, image_format)
        key = scene.renderer.still_key(salt)
        kept = store.find_still(key, image_format) if use_cache else None
        if kept is not None:
            shutil.copyfile(kept, folder / name)
        else:
            if image_format == "svg":
                write_svg(scene, folder / name)
            else:
                Image.fromarray(scene.renderer.get_frame()).save(folder / name)
            report.drawn.append(len(stills))
            if key is not None:
                store.keep_still(key, image_format, (folder / name).read_bytes())
        stills.append(Still(name, beat.chapter, beat.key, beat.caption))
        listed.append({"chapter": beat.chapter, "beat": beat.key, "caption": beat.caption, "key": key})
        if beats is not None:
            beats.append(beat)

    prints = [chapter_fingerprint(story, chapter, quality, aspect, image_format, glossed.get(chapter, ()))
              for chapter in chapters]
    whole_kept = use_cache and voice is None and beats is None
    kept = [store.chapter_stills(fp, image_format) if whole_kept else None for fp in prints]
    todo = [c for c, entries in zip(chapters, kept) if entries is None]
    ahead = prefetch.start(lay_outs(story, todo, quality, aspect)) if look_ahead else None
    offset = 0.0  # with a voice: the chapters drawn play one after another, as a joined film
    try:
        with manim_session(quality, aspect, format=None, write_to_movie=False):
            for done, (chapter, fingerprint, entries) in enumerate(zip(chapters, prints, kept), 1):
                if entries is not None:
                    copy_kept(entries, folder, image_format, stills)
                else:
                    listed: list[dict] = []
                    beat_voice = JobVoice(voice.options(chapter), story.language) if voice else None
                    scene = chapter_of(chapter, story, beat_end=partial(capture, listed=listed),
                                       skip_animations=True, beat_voice=beat_voice,
                                       glossed=glossed.get(chapter))
                    scene.renderer.defer_stills = True
                    scene.render()
                    if listed and all(e["key"] is not None for e in listed) and voice is None:
                        store.keep_chapter(fingerprint, listed)
                    if voice:
                        mine = stills[len(stills) - len(scene.beats):]
                        stills[len(stills) - len(scene.beats):] = [
                            Still(s.file, s.chapter, s.beat, s.caption, round(b.start + offset, 3),
                                  round(b.end + offset, 3)) for s, b in zip(mine, scene.beats)]
                        offset += scene.beats[-1].end if scene.beats else 0.0
                        if sounds is not None:
                            sounds += [beat_voice.sounds.get(n) for n in range(1, len(scene.beats) + 1)]
                if progress is not None:
                    progress(done, len(chapters))
    finally:
        prefetch.finish(ahead)
    return report


def lay_outs(story: Story, chapters: list[str], quality: str, aspect: str) -> list[prefetch.LayOut]:
    """What the look-ahead lays out for drawing ``chapters``: the full film chapter by chapter.

    Its first chapter is typeset before the drawing starts and the others by the look-ahead's
    process while the render draws (:func:`bpviz.production.prefetch.start`), instead of the
    whole film laid out first in this process, before the first still.
    """
    options = {"quality": quality, "aspect": aspect}
    return [prefetch.LayOut(part, options, lambda: story) for chapter in chapters
            for part in film_of(story, chapter)]


def render_stills(story: Story, chapters: list[str], out_dir: Path, quality: str = "low",
                  aspect: str = "16:9", image_format: str = "png", voice=None, beats: list | None = None,
                  progress=None, use_cache: bool = True, look_ahead: bool = True,
                  sounds: list | None = None, glossed: dict | None = None) -> StillsReport:
    """One PNG per beat (its settled last frame), numbered in story order, plus ``frames.json``.

    The stills are drawn in a private temporary folder (:func:`draw_stills`, which says what the
    other arguments do) and published into ``out_dir`` together (:func:`publish_stills`): an
    interrupted run leaves the old set whole. Returns the report: the stills written, those drawn.
    """
    make_folder(out_dir)
    clean_stale(folders=(out_dir,))
    with tempfile.TemporaryDirectory(prefix="bpviz-stills-") as tmp:
        report = draw_stills(story, chapters, Path(tmp), quality, aspect, image_format, voice, beats,
                             progress, use_cache, look_ahead, glossed=glossed, sounds=sounds)
        report.stills[:] = publish_stills([(Path(tmp) / s.file, s) for s in report.stills], out_dir)
        return report


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
