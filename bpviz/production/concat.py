"""Join chapter jobs into the videos and stills the command line asked for, without re-encoding.

``full`` is its chapters (:func:`~scenes.chapters.registry.film_chapters`), each rendered as a
:class:`~bpviz.production.jobs.JobSpec`; their videos are joined by ffmpeg's concat demuxer with
``-c copy`` (every chapter has the same codec, size and frame rate: the same options), their
subtitles shifted by the duration of the chapters before, their beat clips renumbered in story
order. Stills are drawn per chapter the same way and numbered in story order.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz.production.jobs import DONE, JobSpec, run_jobs
from scenes.chapters import registry
from scenes.story import Story


def film_of(story: Story, chapter: str) -> tuple[str, ...]:
    """The chapters whose videos make ``chapter``: the film's chapters for ``full``, else itself."""
    return registry.film_chapters(story) if chapter == registry.FULL else (chapter,)


def join_movies(movies: list[Path], target: Path) -> Path:
    """Concatenate ``movies`` (same codec parameters) into ``target`` by copying their packets."""
    if len(movies) == 1:
        shutil.copyfile(movies[0], target)
        return target
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        for movie in movies:
            quoted = str(Path(movie).resolve()).replace("'", r"'\''")
            listing.write(f"file '{quoted}'\n")
    try:
        result = subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i",
                                 listing.name, "-map", "0", "-c", "copy", str(target)],
                                capture_output=True, text=True)
    finally:
        os.unlink(listing.name)
    if result.returncode:
        raise BpvizError(f"ffmpeg could not join the chapters into {target}: {result.stderr.strip()}")
    return target


def joined_beats(chapter_beats: list[list[dict]]) -> list[dict]:
    """The beats of chapters played back to back: each chapter's times shifted by those before.

    A chapter lasts until its last beat's ``end`` (its video's length, counted in frames).
    """
    joined, offset = [], 0.0
    for beats in chapter_beats:
        for beat in beats:
            joined.append({**beat, **{k: beat[k] + offset for k in ("start", "hold", "end")
                                      if beat.get(k) is not None}})
        if beats:
            offset += beats[-1]["end"]
    return joined


def _copy_clips(folders: list[Path], clip_dir: Path) -> list[Path]:
    """The chapters' beat clips, renumbered in story order (``NN_chapter_beat``), into ``clip_dir``."""
    clip_dir.mkdir(exist_ok=True)
    copied = []
    for folder in folders:
        for clip in sorted((folder / "clips").iterdir()):
            name = clip.name.split("_", 1)[1]
            dest = clip_dir / f"{len(copied) + 1:02d}_{name}"
            shutil.copyfile(clip, dest)
            copied.append(dest)
    return copied


def render_joined(story: Story, chapter: str, out_dir: Path, jobs: int = 1, use_cache: bool = True,
                  rendered: list | None = None, beats: list | None = None, **options) -> list[Path]:
    """Render ``chapter`` as chapter jobs (cached, up to ``jobs`` in parallel) and join them.

    Writes what :func:`bpviz.production.render.render_video` writes (video, ``.srt``, clips with
    ``options["sections"]``). ``rendered``, when given, receives ``(chapter, rendered_now)`` per job;
    ``beats`` receives the timed beats of the joined video, their equations as LaTeX lines.
    """
    from bpviz.outputs.formats import deliver, tag_prores_alpha
    from bpviz.outputs.subtitles import write_srt
    from bpviz.production.stills import make_folder
    from scenes.chapters.base import Beat

    make_folder(out_dir)
    fmt, transparent = options["fmt"], options["transparent"]
    if transparent and fmt == "mp4":
        fmt = options["fmt"] = "mov"
    film = film_of(story, chapter)
    results = run_jobs([JobSpec.of(story, name, **options) for name in film], jobs, use_cache)
    if rendered is not None:
        rendered.extend((name, now) for name, (_, now) in zip(film, results))
    folders = [folder for folder, _ in results]
    timed = [Beat(**{**b, "equations": tuple(b["equations"])})
             for b in joined_beats([json.loads((f / DONE).read_text(encoding="utf-8")) for f in folders])]
    if beats is not None:
        beats.extend(timed)
    with tempfile.TemporaryDirectory(prefix="bpviz-join-") as tmp:
        movies = [next(f.glob("movie.*")) for f in folders]
        joined = join_movies(movies, Path(tmp) / f"{chapter}{movies[0].suffix}")
        written = [deliver(joined, out_dir / chapter, fmt, transparent)]
    written.append(write_srt(timed, out_dir / f"{chapter}.srt"))
    tag_prores_alpha(written[:1], fmt, transparent)
    if options["sections"]:
        written += _copy_clips(folders, out_dir / f"{chapter}_beats")
    return written


def _stills_worker(args: tuple[JobSpec, str, bool]):
    from bpviz.production.render import render_stills

    spec, folder, use_cache = args
    opts = spec.opts
    return render_stills(spec.story(), [spec.chapter], Path(folder), opts["quality"], opts["aspect"],
                         opts["image_format"], use_cache, look_ahead=False)


def render_stills_jobs(story: Story, chapters: list[str], out_dir: Path, jobs: int, quality: str = "low",
                       aspect: str = "16:9", image_format: str = "png", use_cache: bool = True):
    """:func:`bpviz.production.render.render_stills` with one job per chapter, ``jobs`` at a time.

    Each job draws its chapter's stills into a private folder (through the stills cache); they
    are then moved to ``out_dir`` and numbered in story order, and ``frames.json`` lists them.
    Returns a :class:`~bpviz.production.stills.StillsReport`.
    """
    from bpviz.production.stills import Still, StillsReport, make_folder, write_index

    make_folder(out_dir)
    film = [name for chapter in chapters for name in film_of(story, chapter)]
    specs = [JobSpec.of(story, name, quality=quality, aspect=aspect, image_format=image_format)
             for name in film]
    report = StillsReport()
    stills = report.stills
    with tempfile.TemporaryDirectory(prefix="bpviz-stills-", dir=out_dir) as tmp:
        folders = [str(Path(tmp) / f"{i:02d}") for i in range(len(specs))]
        with ProcessPoolExecutor(max_workers=min(jobs, len(specs))) as pool:
            per_job = list(pool.map(_stills_worker, [(s, f, use_cache) for s, f in zip(specs, folders)]))
        for folder, made in zip(folders, per_job):
            report.drawn.extend(len(stills) + i for i in made.drawn)
            for still in made.stills:
                name = f"{len(stills) + 1:03d}_{still.file.split('_', 1)[1]}"
                os.replace(Path(folder) / still.file, out_dir / name)
                stills.append(Still(name, still.chapter, still.beat, still.caption))
    write_index(out_dir, stills)
    return report
