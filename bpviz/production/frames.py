"""``bpviz frames``: stills written from the stills cache where it can, drawn where it must.

:func:`write_stills` first asks the stills cache (:mod:`bpviz.cache.stills`) for every chapter by
its fingerprint; when all are kept (a config saved unchanged, a second run) the stills are
published from the cache without starting Manim. Otherwise the chapters are played
(:func:`bpviz.production.render.render_stills`, or one job per chapter with ``jobs > 1``): kept
chapters are copied, and in the others each beat whose picture is kept is copied instead of
drawn. Manim is imported only when something is drawn. Either way the stills and
``frames.json`` land together (:class:`~bpviz.outputs.publish.Publication`).
"""

from __future__ import annotations

from pathlib import Path

from bpviz.cache import stills as store
from bpviz.production.stills import Still, StillsReport, chapter_fingerprint, make_folder, still_name


def write_stills(story, chapters: list[str], out_dir: Path, quality: str = "low", aspect: str = "16:9",
                 image_format: str = "png", jobs: int = 1, use_cache: bool = True, voice=None,
                 progress=None, glossed: dict | None = None) -> StillsReport:
    """One still per beat of ``chapters`` into ``out_dir``, and ``frames.json``; see the module.

    ``use_cache=False`` draws every still (and refreshes the cache). With ``voice`` (a
    :class:`~bpviz.production.voice.VoicePlan`; give the film's chapters) every chapter is played
    for its times (``frames.json`` gives each beat's ``start`` and ``end``); pictures still come
    from the cache where they are kept. ``progress(done, total)`` is told of every chapter done.
    ``glossed`` gives a chapter of the full film, drawn on its own, the symbols the film glossed
    before it (:func:`bpviz.production.jobs.film_options`), so its stills gloss as the film does.
    """
    glossed = glossed or {}
    make_folder(out_dir)
    if use_cache and voice is None:
        prints = [chapter_fingerprint(story, c, quality, aspect, image_format, glossed.get(c, ()))
                  for c in chapters]
        kept = [store.chapter_stills(fingerprint, image_format) for fingerprint in prints]
        if all(entries is not None for entries in kept):
            from bpviz.production.cleanup import clean_stale
            from bpviz.production.render import publish_stills

            clean_stale(folders=(out_dir,))
            drawn = []
            for entries in kept:
                for entry in entries:
                    name = still_name(len(drawn) + 1, entry["chapter"], entry["beat"], image_format)
                    drawn.append((store.still_path(entry["key"], image_format),
                                  Still(name, entry["chapter"], entry["beat"], entry["caption"])))
            return StillsReport(stills=publish_stills(drawn, out_dir))
    if jobs > 1:
        from bpviz.production.concat import render_stills_jobs

        return render_stills_jobs(story, chapters, out_dir, jobs, quality, aspect, image_format, voice,
                                  progress, use_cache, glossed)
    from bpviz.production.render import render_stills

    return render_stills(story, chapters, out_dir, quality, aspect, image_format, voice, progress=progress,
                         use_cache=use_cache, glossed=glossed)
