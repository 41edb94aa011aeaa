"""``bpviz frames``: stills written from the stills cache where it can, drawn where it must.

:func:`write_stills` first asks the stills cache (:mod:`bpviz.cache.stills`) for every chapter by
its fingerprint; when all are kept (a config saved unchanged, a second run) the stills are copied
and ``frames.json`` written without starting Manim. Otherwise the chapters are played
(:func:`bpviz.production.render.render_stills`, or one job per chapter with ``jobs > 1``): kept
chapters are copied, and in the others each beat whose picture is kept is copied instead of
drawn. Manim is imported only when something is drawn.
"""

from __future__ import annotations

from pathlib import Path

from bpviz.cache import stills as store
from bpviz.production.stills import StillsReport, chapter_fingerprint, copy_kept, make_folder, write_index


def write_stills(story, chapters: list[str], out_dir: Path, quality: str = "low", aspect: str = "16:9",
                 image_format: str = "png", jobs: int = 1, use_cache: bool = True) -> StillsReport:
    """One still per beat of ``chapters`` into ``out_dir``, and ``frames.json``; see the module.

    ``use_cache=False`` draws every still (and refreshes the cache).
    """
    make_folder(out_dir)
    report = StillsReport()
    if use_cache:
        prints = [chapter_fingerprint(story, c, quality, aspect, image_format) for c in chapters]
        kept = [store.chapter_stills(fingerprint, image_format) for fingerprint in prints]
        if all(entries is not None for entries in kept):
            for entries in kept:
                copy_kept(entries, out_dir, image_format, report.stills)
            write_index(out_dir, report.stills)
            return report
    if jobs > 1:
        from bpviz.production.concat import render_stills_jobs

        return render_stills_jobs(story, chapters, out_dir, jobs, quality, aspect, image_format, use_cache)
    from bpviz.production.render import render_stills

    return render_stills(story, chapters, out_dir, quality, aspect, image_format, use_cache)
