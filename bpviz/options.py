"""The shared options of the ``bpviz`` commands and the checks made before any work.

The options that several commands take (``SOURCE``, ``--scene``, ``--quality``, ``--aspect``,
``--theme``, ``--lang``, ``--jobs``, ``--no-cache``), the checks of their values, of output
paths and of the LaTeX tools, and the Story and chapters a media command renders. The commands
themselves are in :mod:`bpviz.cli`; the scenes are imported inside the functions that
need them, so the engine never loads manim.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import click

from backprop_core.errors import BpvizError
from bpviz.choices import ASPECTS, QUALITIES
from scenes.chapters.registry import DENSE_CHAPTERS, SCENES
from scenes.text import languages
from scenes.themes import THEMES

TEX_PACKAGES = "texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm"


def nearest_existing(path: Path) -> Path:
    """``path``, or its nearest ancestor that exists: where missing folders would be made from."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def writable(path: str, source: str | None) -> None:
    """Fail before any work when ``path`` cannot be written or is the config ``source`` itself.

    Missing folders on the way are fine (:func:`make_parents` creates them, like ``mkdir -p``);
    a path under a regular file, or under a folder that is not writable, is not.
    """
    target = Path(path)
    long = [part for part in target.parts if len(os.fsencode(part)) > 255]
    if long:
        raise BpvizError(f"cannot write {path}: the name {long[0][:40]}... is {len(os.fsencode(long[0]))} "
                         "bytes long; most file systems allow 255")
    if target.is_dir():
        raise BpvizError(f"cannot write {path}: it is a folder")
    where = nearest_existing(target.parent)
    if not where.is_dir():
        raise BpvizError(f"cannot write {path}: {where} is a file, not a folder")
    if not os.access(where, os.W_OK | os.X_OK):
        raise BpvizError(f"cannot write {path}: folder {where} is not writable")
    if source and Path(source).is_file() and target.resolve() == Path(source).resolve():
        raise BpvizError(f"cannot write {path}: it is the config file being read")


def make_parents(path: str | Path) -> None:
    """Create the missing folders of file ``path`` (``mkdir -p``), once every check has passed."""
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BpvizError(f"cannot write {path}: cannot create the folder {folder} "
                         f"({err.strerror or err})") from None


def is_trace_file(source: str | None) -> bool:
    """Whether ``source`` names a trace ``.json`` file rather than a config or preset."""
    return bool(source) and Path(source).suffix.lower() == ".json"


def choice(option: str, value: str, options) -> str:
    """``value`` if it is one of ``options``, else an error with the nearest one."""
    if value in options:
        return value
    near = difflib.get_close_matches(value, options, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    raise BpvizError(f"{option}: unknown {value!r}; {hint}choose one of: {', '.join(options)}")


def out_dir(path: str | None, default: str) -> Path:
    """The output folder: it may be created with its missing parents (``mkdir -p``).

    The nearest folder that exists must be writable, and no part of the path may be a file.
    Nothing is created here: the renderers create the folder once everything else has been checked.
    """
    out = Path(path or default)
    long = [part for part in out.parts if len(os.fsencode(part)) > 255]
    if long:
        raise BpvizError(f"-o {out}: the name {long[0][:40]}... is {len(os.fsencode(long[0]))} "
                         "bytes long; most file systems allow 255")
    if out.exists() and not out.is_dir():
        raise BpvizError(f"-o {out}: it is a file, not a folder")
    where = nearest_existing(out if out.is_dir() else out.parent)
    if not where.is_dir():
        raise BpvizError(f"-o {out}: cannot create it, {where} is a file")
    if not os.access(where, os.W_OK | os.X_OK):
        raise BpvizError(f"-o {out}: folder {where} is not writable")
    return out


def check_tools() -> None:
    """LaTeX and dvisvgm typeset every equation: fail before rendering when one is missing."""
    for tool, what in (("latex", "LaTeX"), ("dvisvgm", "dvisvgm")):
        if shutil.which(tool) is None:
            raise BpvizError(f"{what} is needed to typeset the equations but `{tool}` is not on PATH; "
                             f"install it: apt-get install {TEX_PACKAGES}")


def story_and_scenes(source: str | None, wanted: list[str], theme: str | None = None,
                      lang: str | None = None):
    """The Story of ``source`` and the chapters to render (``--scene``, else ``[video] scenes``).

    ``theme`` (``--theme``) overrides ``[video] theme``, ``lang`` (``--lang``) ``[video] language``.
    """
    from scenes.loading import load_story

    context = click.get_current_context(silent=True)
    trust = bool(context and context.meta.get(TRUST_TRACE))
    return chapters_of(load_story(source, lang, trust_trace=trust, theme=theme), wanted)


def chapters_of(story, wanted: list[str]):
    """``story`` and its chapters to render (``wanted``, else ``[video] scenes``), if it can be drawn."""
    from scenes.layout import DiagramTooLarge, check_drawable, is_dense

    try:
        check_drawable(story.layers)
    except DiagramTooLarge as err:
        raise BpvizError(f"network too large to draw: {err}") from None
    chapters = wanted or list(story.video["scenes"])
    refused = [c for c in chapters if c not in DENSE_CHAPTERS] if is_dense(story.layers) else []
    if refused:
        raise BpvizError(f"--scene {refused[0]}: a {'-'.join(map(str, story.layers))} network draws in "
                         f"dense mode, which has only the chapters {', '.join(DENSE_CHAPTERS)}")
    return story, chapters


def check_look(quality: str, aspect: str, theme: str | None, lang: str | None = None) -> None:
    """Check ``--quality``, ``--aspect``, ``--theme`` and ``--lang`` (``None``: the config's)."""
    choice("--quality", quality, tuple(QUALITIES))
    choice("--aspect", aspect, tuple(ASPECTS))
    if theme is not None:
        choice("--theme", theme, tuple(THEMES))
    if lang is not None:
        choice("--lang", lang, languages())


TRUST_TRACE = "bpviz.trust_trace"
"""Where ``--trust-trace`` is kept in the click context (read by :func:`story_and_scenes`)."""


def _trust_trace(ctx: click.Context, _param, value: bool) -> bool:
    ctx.meta[TRUST_TRACE] = value
    return value


def media_options(func):
    """``SOURCE``, ``--scene``, ``--quality``, ``--aspect``, ``--theme``, ``--lang``, ``--trust-trace``.

    ``--trust-trace`` is kept in the click context, not passed to the command.
    """
    func = click.option("--trust-trace", is_flag=True, expose_value=False, callback=_trust_trace,
                        help="read a trace file without checking its numbers against its own "
                             "equations (they are shown as written)")(func)
    func = click.option("--lang", default=None, metavar="|".join(languages()),
                        help="language of every word on screen, the subtitles and the notes, "
                             "overriding [video] language (a language is a file scenes/locales/*.toml)")(func)
    func = click.option("--theme", default=None, metavar="|".join(THEMES),
                        help="colours, overriding [video] theme: dark, light (projectors), "
                             "print (handouts)")(func)
    func = click.option("--aspect", default="16:9", show_default=True, metavar="|".join(ASPECTS),
                        help="picture shape; 4:3 keeps the width and makes the frame taller")(func)
    func = click.option("--quality", default="medium", show_default=True, metavar="|".join(QUALITIES),
                        help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60")(func)
    func = click.option("--scene", "scenes", multiple=True, metavar="NAME",
                        help="chapter to render, repeatable (default: [video] scenes of the config); "
                             + ", ".join(SCENES))(func)
    return click.argument("source", required=False, metavar="[SOURCE]")(func)


def jobs_option(func):
    """``--jobs N``: chapters rendered in N processes at once (default 1)."""
    return click.option("--jobs", "-j", "jobs", default=1, show_default=True, type=int, metavar="N",
                        help="render N chapters at once in separate processes (each takes "
                             "about 0.5 GB at --quality high)")(func)


def no_cache_option(func):
    """``--no-cache``: render every chapter job again, ignoring the render cache."""
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="render every chapter again, even when the render cache holds it")(func)


def voice_option(func):
    """``--voice speech|DIR``: narration by the speech engine, or the lecturer's recordings."""
    return click.option("--voice", default=None, metavar="speech|DIR",
                        help="a voice on every beat: 'speech' (espeak-ng reads the narration in "
                             "--lang) or a folder of recordings named as `bpviz script "
                             "--recording-sheet` lists them; each beat lasts at least its voice "
                             "[default: [video] voice, else none]")(func)


def check_jobs(jobs: int) -> int:
    """``--jobs`` must be at least 1."""
    if jobs < 1:
        raise BpvizError(f"--jobs: {jobs} is not a number of processes; give 1 or more")
    return jobs
