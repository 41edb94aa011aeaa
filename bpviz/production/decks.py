"""Slide decks: the chapters rendered with a clip per beat, then written as a deck.

The chapter jobs run first (:func:`~bpviz.production.jobs.run_jobs`, from the render cache when
nothing changed); each beat clip becomes a slide with its presenter notes, and the deck is
written by :mod:`bpviz.outputs.slides` (manim-slides' converters).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from manim_slides.config import PresentationConfig, SlideConfig

from bpviz.outputs.formats import picture_size
from bpviz.outputs.slides import convert, handout, notes, symbol_table_slide
from bpviz.production.concat import film_of, render_joined
from bpviz.production.jobs import JobSpec, film_options, run_jobs
from scenes.chapters.base import Beat
from scenes.story import Story


def clip_options(quality: str, aspect: str) -> dict:
    """The render options of the chapter jobs whose beat clips make the slides."""
    return {"quality": quality, "aspect": aspect, "fmt": "mp4", "transparent": False, "sections": True}


def presentation(story: Story, chapter: str, work: Path, quality: str, markdown: bool = False,
                 aspect: str = "16:9", jobs: int = 1, use_cache: bool = True,
                 rendered: list | None = None, voice=None) -> tuple[PresentationConfig, list[Beat]]:
    """Render ``chapter`` with its beat clips into ``work``; one slide per beat, and the beats.

    The chapter jobs come from the render cache unless ``use_cache`` is false; ``rendered``
    receives ``(chapter, rendered_now)`` per job (:func:`~bpviz.production.concat.render_joined`).
    """
    beats: list[Beat] = []
    written = render_joined(story, chapter, work, jobs, use_cache, rendered, beats, voice,
                            **clip_options(quality, aspect))
    clips = [path for path in written if path.parent.name == f"{chapter}_beats"]
    if len(clips) != len(beats):  # pragma: no cover - every beat opens exactly one section
        raise RuntimeError(f"{chapter}: {len(clips)} beat clips for {len(beats)} beats")
    slides = [SlideConfig(file=clip, rev_file=clip, notes=notes(story, beat, markdown), dedent_notes=False)
              for clip, beat in zip(clips, beats)]
    config = PresentationConfig(slides=slides, resolution=picture_size(quality, aspect),
                                background_color=story.theme.background)
    return config, beats


def build_deck(story: Story, chapters: list[str], dest: Path, to: str, quality: str = "low",
               aspect: str = "16:9", jobs: int = 1, use_cache: bool = True,
               rendered: list | None = None, voice=None, progress=None) -> Path:
    """Render ``chapters`` and write their deck, one slide per beat, to ``dest`` (format ``to``).

    The last slide is the table of the symbols in words (the handout's last page for ``pdf``).

    Every chapter job of the deck runs first, up to ``jobs`` at once (the render cache serves
    those done before, unless ``use_cache`` is false); ``rendered`` receives ``(chapter,
    rendered_now)`` per job, ``progress(done, total)`` every finished job. The slides are then made
    from the finished jobs. With ``voice`` (a :class:`~bpviz.production.voice.VoicePlan`) every
    clip, so every slide, carries its beat's voice.
    """
    film = list(dict.fromkeys((chapter, name) for chapter in chapters for name in film_of(story, chapter)))
    options = clip_options(quality, aspect)
    voiced = [{} if voice is None else {"voice": voice.options(name)} for _, name in film]
    done = run_jobs([JobSpec.of(story, name, **options, **v, **film_options(story, chapter, name))
                     for (chapter, name), v in zip(film, voiced)], jobs, use_cache, progress)
    if rendered is not None:
        rendered.extend((name, now) for (_, name), (_, now) in zip(film, done))
    with tempfile.TemporaryDirectory(prefix="bpviz-slides-") as tmp:
        configs = []
        for chapter in chapters:
            work = Path(tmp) / chapter
            config, beats = presentation(story, chapter, work, quality, markdown=to == "html",
                                         aspect=aspect, voice=voice)
            configs.append(handout(story, config, beats, work / "handout") if to == "pdf" else config)
        table = symbol_table_slide(story, configs[-1].resolution, Path(tmp) / "symbols", still=to == "pdf")
        last = configs[-1]  # the symbols in words close the last chapter's slides
        configs[-1] = last.model_copy(update={"slides": [*last.slides, table]})
        return convert(configs, dest, to, story.tr("script.deck_title"), voiced=voice is not None)
