"""Render chapters of a Story: videos (with clips per beat), stills (one PNG per beat), timed beats.

Each chapter render is a pure job: (story, chapter, options) -> files, in a Manim session
(:mod:`bpviz.production.session`). The jobs (:mod:`bpviz.production.jobs`) call
:func:`render_video` and :func:`render_stills`; nothing here parses arguments.
"""

from __future__ import annotations

import json
import shutil
from functools import partial
from pathlib import Path

from PIL import Image

from bpviz.cache import stills as store
from bpviz.outputs.formats import deliver, encoder_config, tag_prores_alpha
from bpviz.outputs.subtitles import write_srt
from bpviz.outputs.svg_still import write_svg
from bpviz.production import prefetch
from bpviz.production.fingerprint import code_version
from bpviz.production.session import chapter as chapter_of
from bpviz.production.session import manim_session
from bpviz.production.stills import (
    Still,
    StillsReport,
    chapter_fingerprint,
    copy_kept,
    make_folder,
    still_name,
    write_index,
)
from scenes.chapters.base import Beat
from scenes.story import Story


def timed_beats(story: Story, chapter: str, quality: str = "low", aspect: str = "16:9") -> list[Beat]:
    """The beats of ``chapter`` with their times at ``quality``, without drawing or encoding a frame.

    A beat's times are counted by :class:`~scenes.chapters.base.ChapterScene` in frames, the same
    way Manim writes them, so a run with ``skip_animations`` gives the times of the rendered
    video's sections. Times depend on the frame rate (each animation is a whole number of
    frames), so ``quality`` must be the one of the video they describe.
    """
    with manim_session(quality, aspect, format=None, write_to_movie=False):
        scene = chapter_of(chapter, story, skip_animations=True)
        scene.render()
    return scene.beats


def render_stills(story: Story, chapters: list[str], out_dir: Path, quality: str = "low",
                  aspect: str = "16:9", image_format: str = "png", use_cache: bool = True,
                  look_ahead: bool = True) -> StillsReport:
    """One PNG per beat (its settled last frame), numbered in story order, plus ``frames.json``.

    Only the stills are drawn: animations are skipped, so no video is encoded. With
    ``image_format="svg"`` each still is a vector SVG of the same name (``.svg``). Through the
    stills cache (:mod:`bpviz.cache.stills`; ``use_cache=False`` draws all and refreshes it): a
    chapter kept whole is copied without being played, and a beat whose picture is kept is
    copied instead of drawn. The report lists the beats drawn. With ``look_ahead`` a second
    process typesets each chapter's new equations in one batch ahead (:mod:`bpviz.production.prefetch`).
    """
    make_folder(out_dir)
    report = StillsReport()
    stills, salt = report.stills, f"{image_format} {code_version()}"

    def capture(scene, beat, listed: list[dict]) -> None:
        name = still_name(len(stills) + 1, beat.chapter, beat.key, image_format)
        key = scene.renderer.still_key(salt)
        kept = store.find_still(key, image_format) if use_cache else None
        if kept is not None:
            shutil.copyfile(kept, out_dir / name)
        else:
            if image_format == "svg":
                write_svg(scene, out_dir / name)
            else:
                Image.fromarray(scene.renderer.get_frame()).save(out_dir / name)
            report.drawn.append(len(stills))
            if key is not None:
                store.keep_still(key, image_format, (out_dir / name).read_bytes())
        stills.append(Still(name, beat.chapter, beat.key, beat.caption))
        listed.append({"chapter": beat.chapter, "beat": beat.key, "caption": beat.caption, "key": key})

    prints = [chapter_fingerprint(story, chapter, quality, aspect, image_format) for chapter in chapters]
    kept = [store.chapter_stills(fp, image_format) if use_cache else None for fp in prints]
    todo = [prefetch.LayOut(c, {"quality": quality, "aspect": aspect}, lambda: story)
            for c, entries in zip(chapters, kept) if entries is None]
    ahead = prefetch.start(todo) if look_ahead else None
    try:
        with manim_session(quality, aspect, format=None, write_to_movie=False):
            for chapter, fingerprint, entries in zip(chapters, prints, kept):
                if entries is not None:
                    copy_kept(entries, out_dir, image_format, stills)
                    continue
                listed: list[dict] = []
                scene = chapter_of(chapter, story, beat_end=partial(capture, listed=listed),
                                   skip_animations=True)
                scene.renderer.defer_stills = True
                scene.render()
                if listed and all(e["key"] is not None for e in listed):
                    store.keep_chapter(fingerprint, listed)
    finally:
        prefetch.finish(ahead)
    write_index(out_dir, stills)
    return report


def render_video(story: Story, chapter: str, out_dir: Path, quality: str = "low", fmt: str = "mp4",
                 transparent: bool = False, sections: bool = False, aspect: str = "16:9",
                 beats: list | None = None) -> list[Path]:
    """Render ``chapter`` to ``out_dir/<chapter>.<fmt>``; with ``sections``, one clip per beat too.

    Manim writes into a temporary media folder; only the finished files are moved to ``out_dir``
    (the clips into ``out_dir/<chapter>_beats/``, named ``<nn>_<chapter>_<beat>``), so nothing
    else there is touched. A transparent mp4 becomes a ``.mov`` (mp4 has no alpha channel). The
    subtitles, one cue per beat, go to ``out_dir/<chapter>.srt``; ``beats``, when given, receives
    the chapter's timed beats (those of the subtitles).
    """
    make_folder(out_dir)
    if transparent and fmt == "mp4":
        fmt = "mov"  # Manim refuses an alpha channel in mp4; QuickTime keeps it
    with manim_session(quality, aspect, transparent=transparent, save_sections=sections,
                       output_file=chapter, **encoder_config(fmt, transparent)):
        scene = chapter_of(chapter, story)
        scene.render()
        writer = scene.renderer.file_writer
        written = [deliver(Path(writer.movie_file_path), out_dir / chapter, fmt, transparent),
                   write_srt(scene.beats, out_dir / f"{chapter}.srt")]
        if sections:
            written += _move_clips(writer, out_dir / f"{chapter}_beats")
        if beats is not None:
            beats.extend(scene.beats)
    tag_prores_alpha(written[:1], fmt, transparent)  # the video, not its subtitles
    return written


def _move_clips(writer, clip_dir: Path) -> list[Path]:
    """Move the beat clips listed in Manim's sections index to ``clip_dir``, in story order."""
    index = json.loads(Path(writer.output_plan.section_index).read_text(encoding="utf-8"))
    clip_dir.mkdir(exist_ok=True)
    moved = []
    for entry in index:
        clip = Path(writer.sections_output_dir) / entry["video"]
        dest = clip_dir / f"{entry['name']}{clip.suffix}"
        shutil.move(str(clip), dest)
        moved.append(dest)
    return moved
