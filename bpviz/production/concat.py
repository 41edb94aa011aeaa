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
from dataclasses import replace
from pathlib import Path

import numpy as np

from backprop_core.errors import BpvizError
from bpviz.outputs.publish import Publication
from bpviz.production.cleanup import clean_stale
from bpviz.production.jobs import DONE, JobSpec, film_options, run_jobs
from bpviz.production.workers import worker_pool
from bpviz.voice.audio import AUDIO_CODECS, SAMPLE_RATE, read_wav, with_sound
from bpviz.voice.beats import TRACK
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


def _copy_clips(folders: list[Path], clip_dir: Path, out: Publication, tmp: Path) -> list[Path]:
    """The chapters' beat clips, renumbered in story order (``NN_chapter_beat``), staged for ``clip_dir``.

    A chapter rendered with a voice gives each clip its beat's stretch of the chapter's track
    (muxed in ``tmp`` first).
    """
    copied = []
    for folder in folders:
        track = read_wav(folder / TRACK) if (folder / TRACK).is_file() else None
        beats = json.loads((folder / DONE).read_text(encoding="utf-8"))
        for clip, beat in zip(sorted((folder / "clips").iterdir()), beats):
            name = clip.name.split("_", 1)[1]
            dest = clip_dir / f"{len(copied) + 1:02d}_{name}"
            if track is not None and dest.suffix in AUDIO_CODECS:
                part = track[round(beat["start"] * SAMPLE_RATE):round(beat["end"] * SAMPLE_RATE)]
                clip = with_sound(clip, part, tmp / f"voiced-{len(copied)}{clip.suffix}")
            copied.append(out.add_file(clip, dest))
    return copied


def render_joined(story: Story, chapter: str, out_dir: Path, jobs: int = 1, use_cache: bool = True,
                  rendered: list | None = None, beats: list | None = None, voice=None, progress=None,
                  **options) -> list[Path]:
    """Render ``chapter`` as chapter jobs (cached, up to ``jobs`` in parallel) and join them.

    Writes what :func:`bpviz.production.render.render_video` writes (video, ``.srt``, clips with
    ``options["sections"]``), published together (:class:`~bpviz.outputs.publish.Publication`).
    ``rendered``, when given, receives ``(chapter, rendered_now)`` per job; ``beats`` receives the
    timed beats of the joined video, their equations as LaTeX lines; ``progress(done, total)`` is
    told of every finished chapter job. ``voice`` (a :class:`~bpviz.production.voice.VoicePlan`)
    narrates it: each chapter's track is joined as its video is and encoded once into the film (a
    gif has no sound), and every beat clip carries its beat's voice.
    """
    from bpviz.production.render import make_folder

    make_folder(out_dir)
    clean_stale(folders=(out_dir,))
    if options["transparent"] and options["fmt"] == "mp4":
        options["fmt"] = "mov"
    film = film_of(story, chapter)
    results = run_jobs([JobSpec.of(story, name, **options, **_voice(voice, name),
                                   **film_options(story, chapter, name)) for name in film],
                       jobs, use_cache, progress)
    if rendered is not None:
        rendered.extend((name, now) for name, (_, now) in zip(film, results))
    return write_film([folder for folder, _ in results], chapter, out_dir, options["fmt"],
                      options["transparent"], options["sections"], beats)


def write_film(folders: list[Path], chapter: str, out_dir: Path, fmt: str, transparent: bool,
               sections: bool, beats: list | None = None) -> list[Path]:
    """The finished job ``folders`` of ``chapter``'s film joined into ``out_dir``: video, subtitles, clips.

    Everything is published together (:class:`~bpviz.outputs.publish.Publication`). ``beats``,
    when given, receives the timed beats of the joined video. Jobs rendered with a voice (each
    folder has its chapter's track) give the film their tracks joined (a gif has no sound).
    """
    from bpviz.outputs.formats import deliver, tag_prores_alpha
    from bpviz.outputs.subtitles import write_srt
    from scenes.chapters.base import Beat

    timed = [Beat(**{**b, "equations": tuple(b["equations"])})
             for b in joined_beats([json.loads((f / DONE).read_text(encoding="utf-8")) for f in folders])]
    if beats is not None:
        beats.extend(timed)
    with tempfile.TemporaryDirectory(prefix="bpviz-join-") as tmp, Publication() as out:
        movies = [next(f.glob("movie.*")) for f in folders]
        joined = join_movies(movies, Path(tmp) / f"{chapter}{movies[0].suffix}")
        if fmt != "gif" and all((f / TRACK).is_file() for f in folders):  # rendered with a voice
            track = np.concatenate([read_wav(f / TRACK) for f in folders])
            joined = with_sound(joined, track, Path(tmp) / f"voiced{joined.suffix}")
        tag_prores_alpha([joined], fmt, transparent)
        written = [deliver(joined, out_dir / chapter, fmt, transparent, out),
                   write_srt(timed, out_dir / f"{chapter}.srt", out)]
        if sections:
            written += _copy_clips(folders, out_dir / f"{chapter}_beats", out, Path(tmp))
    return written


def _voice(voice, chapter: str) -> dict:
    """The ``voice`` option of ``chapter``'s job: none for a silent render (its fingerprint unchanged)."""
    return {} if voice is None else {"voice": voice.options(chapter)}


def _stills_worker(args: tuple[JobSpec, str, bool]):
    from bpviz.production.render import draw_stills
    from bpviz.production.voice import VoicePlan

    spec, folder, use_cache = args
    opts = spec.opts
    voice = opts.get("voice")
    voice = VoicePlan(voice, {spec.chapter: voice.get("beats", {})}) if voice else None
    Path(folder).mkdir()
    return draw_stills(spec.story(), [spec.chapter], Path(folder), opts["quality"], opts["aspect"],
                       opts["image_format"], voice, use_cache=use_cache, look_ahead=False,
                       glossed={spec.chapter: opts.get("glossed", ())})


def render_stills_jobs(story: Story, chapters: list[str], out_dir: Path, jobs: int, quality: str = "low",
                       aspect: str = "16:9", image_format: str = "png", voice=None, progress=None,
                       use_cache: bool = True, glossed: dict | None = None):
    """:func:`bpviz.production.render.render_stills` with one job per chapter, ``jobs`` at a time.

    Each job draws its chapter's stills into a private temporary folder (through the stills
    cache); they are then published into ``out_dir`` together, numbered in story order, with
    ``frames.json`` listing them. Returns a :class:`~bpviz.production.stills.StillsReport`.
    ``glossed`` gives a chapter drawn on its own the symbols its film glossed before it.
    """
    glossed = glossed or {}
    from bpviz.production.render import publish_stills
    from bpviz.production.stills import StillsReport, make_folder

    make_folder(out_dir)
    clean_stale(folders=(out_dir,))
    film = [(chapter, name) for chapter in chapters for name in film_of(story, chapter)]
    specs = [JobSpec.of(story, name, quality=quality, aspect=aspect, image_format=image_format,
                        **_voice(voice, name),
                        **({"glossed": list(glossed[name])} if glossed.get(name)
                           else film_options(story, chapter, name)))
             for chapter, name in film]
    report = StillsReport()
    with tempfile.TemporaryDirectory(prefix="bpviz-stills-") as tmp:
        folders = [str(Path(tmp) / f"{i:02d}") for i in range(len(specs))]
        per_job = []
        with worker_pool(min(jobs, len(specs))) as pool:
            for made in pool.map(_stills_worker, [(s, f, use_cache) for s, f in zip(specs, folders)]):
                per_job.append(made)
                if progress is not None:
                    progress(len(per_job), len(specs))
        drawn, offset = [], 0.0  # with a voice: each chapter's times shifted by the chapters before
        for folder, made in zip(folders, per_job):
            report.drawn.extend(len(drawn) + i for i in made.drawn)
            for still in made.stills:
                if still.start is not None:
                    still = replace(still, start=round(still.start + offset, 3),
                                    end=round(still.end + offset, 3))
                drawn.append((Path(folder) / still.file, still))
            last = made.stills[-1] if made.stills else None
            offset += last.end if last is not None and last.end is not None else 0.0
        report.stills[:] = publish_stills(drawn, out_dir)
    return report
