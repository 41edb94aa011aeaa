"""The ``bpviz`` command line: parse, validate, call. No math, no drawing.

Every :class:`~backprop_core.errors.BpvizError` becomes one line on stderr,
``error: <what and where>``, and exit code 2. A failed ``trace -o FILE`` leaves FILE as it
was, except on divergence, where the partial trace (with ``stopped`` set) is written.
"""

from __future__ import annotations

import difflib
import functools
import os
import shutil
import sys
from pathlib import Path

import click
import numpy as np

from . import __version__, io
from .config import DEFAULT_PRESET, load
from .errors import BpvizError
from .gradcheck import check as gradcheck
from .presets import PRESETS, preset_description
from .summary import summary_lines
from .train import TrainingDiverged, train
from .video_config import SCENES, THEMES, languages


def user_errors(func):
    """Turn a :class:`BpvizError` into one line ``error: ...`` on stderr and exit code 2.

    NumPy's overflow warnings are silenced: the engine checks every value itself and reports
    NaN or infinity as an error, so a warning would only add lines to stderr.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with np.errstate(all="ignore"):
                return func(*args, **kwargs)
        except BpvizError as err:
            message = " ".join(str(err).split())  # one line, whatever the message holds
            click.echo(f"error: {message}", err=True)
            sys.exit(2)

    return wrapper


def _writable(path: str, source: str | None) -> None:
    """Fail before any work when ``path`` cannot be written or is the config ``source`` itself."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise BpvizError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise BpvizError(f"cannot write {path}: folder {folder} is not writable")
    if Path(path).is_dir():
        raise BpvizError(f"cannot write {path}: it is a folder")
    if source and Path(source).is_file() and Path(path).resolve() == Path(source).resolve():
        raise BpvizError(f"cannot write {path}: it is the config file being read")


def _save(trace, path: str) -> None:
    """:func:`io.save`, with a failure to write as a :class:`BpvizError` (the old file stays)."""
    try:
        io.save(trace, path)
    except OSError as err:
        raise BpvizError(f"cannot write {path}: {err.strerror or err}") from None


def _is_trace_file(source: str | None) -> bool:
    """Whether ``source`` names a trace ``.json`` file rather than a config or preset."""
    return bool(source) and Path(source).suffix.lower() == ".json"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bpviz")
def main() -> None:
    """bpviz: real backpropagation numbers, traced step by step, for explainer videos."""


@main.command("trace")
@click.argument("source", required=False, metavar="[SOURCE]")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="where to write the trace JSON ('-' for stdout)")
@user_errors
def trace_cmd(source: str | None, output: str) -> None:
    """Train SOURCE and write its trace: every activation, delta, gradient and weight change.

    SOURCE is a TOML config file or a preset name (default: mazur; see `bpviz presets`).
    """
    to_stdout = output == "-"
    if not to_stdout:
        _writable(output, source)
    cfg = load(source)
    try:
        trace = train(cfg)
    except TrainingDiverged as err:
        if to_stdout or err.trace is None:
            kept = "" if err.trace is None else "; with -o FILE the trace up to that step is kept"
            raise BpvizError(f"{err}{kept}") from None
        _save(err.trace, output)
        raise BpvizError(f"{err}; the trace up to that step was written to {output}") from None
    if to_stdout:
        click.echo(io.dumps(trace))
    else:
        _save(trace, output)
    for line in summary_lines(trace, source or DEFAULT_PRESET):
        click.echo(line, err=to_stdout)
    if not to_stdout:
        click.echo(f"wrote {output}")


@main.command("check")
@click.argument("source", required=False, metavar="[SOURCE]")
@user_errors
def check_cmd(source: str | None) -> None:
    """Compare every recorded gradient with central finite differences.

    SOURCE is a TOML config file, a preset name (default: mazur) or a trace .json file.
    Prints the largest relative error and PASS or FAIL; exit code 1 on FAIL.
    """
    trace = io.load(source) if _is_trace_file(source) else train(load(source))
    try:
        result = gradcheck(trace)
    except (KeyError, IndexError, TypeError, ValueError) as err:
        if not _is_trace_file(source):
            raise
        # io.load checks the trace's arrays, not its config: a hand-edited config lands here
        raise BpvizError(f"{source}: the trace's config does not fit its steps "
                         f"({type(err).__name__}: {err})") from None
    click.echo(result.summary())
    if not result.passed:
        sys.exit(1)


@main.command("presets")
def presets_cmd() -> None:
    """List the built-in presets."""
    width = max(len(p) for p in PRESETS)
    for name in PRESETS:
        default = " (default)" if name == DEFAULT_PRESET else ""
        click.echo(f"{name:<{width}}  {preset_description(name)}{default}")


# -- videos and stills (the scenes are imported inside the commands: the engine never loads manim)
QUALITIES = ("low", "medium", "high", "4k")
FORMATS = ("mp4", "gif", "webm", "mov")
STILL_FORMATS = ("png", "svg")
ASPECTS = ("16:9", "4:3")
TEX_PACKAGES = "texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm"


def _choice(option: str, value: str, options) -> str:
    """``value`` if it is one of ``options``, else an error with the nearest one."""
    if value in options:
        return value
    near = difflib.get_close_matches(value, options, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    raise BpvizError(f"{option}: unknown {value!r}; {hint}choose one of: {', '.join(options)}")


def _out_dir(path: str | None, default: str) -> Path:
    """The output folder: it may be created, but only inside an existing, writable folder.

    The default folder (``-o`` not given) is created with its parents. Nothing is created here:
    the renderers create the folder once everything else has been checked.
    """
    out = Path(path or default)
    if out.exists() and not out.is_dir():
        raise BpvizError(f"-o {out}: it is a file, not a folder")
    where = out if out.is_dir() else out.parent
    while path is None and not where.exists() and where != where.parent:
        where = where.parent
    if where.exists() and not where.is_dir():
        raise BpvizError(f"-o {out}: cannot create it, {where} is a file")
    if not where.is_dir():
        raise BpvizError(f"-o {out}: cannot create it, folder {where} does not exist")
    if not os.access(where, os.W_OK | os.X_OK):
        raise BpvizError(f"-o {out}: folder {where} is not writable")
    return out


def _tools() -> None:
    """LaTeX and dvisvgm typeset every equation: fail before rendering when one is missing."""
    for tool, what in (("latex", "LaTeX"), ("dvisvgm", "dvisvgm")):
        if shutil.which(tool) is None:
            raise BpvizError(f"{what} is needed to typeset the equations but `{tool}` is not on PATH; "
                             f"install it: apt-get install {TEX_PACKAGES}")


def _story_and_scenes(source: str | None, wanted: list[str], theme: str | None = None,
                      lang: str | None = None):
    """The Story of ``source`` and the chapters to render (``--scene``, else ``[video] scenes``).

    ``theme`` (``--theme``) overrides ``[video] theme``, ``lang`` (``--lang``) ``[video] language``.
    """
    from scenes.bridge import load_story
    from scenes.layout import DENSE_SCENES, DiagramTooLarge, check_drawable, is_dense

    story = load_story(source, lang, theme=theme)
    try:
        check_drawable(story.layers)
    except DiagramTooLarge as err:
        raise BpvizError(f"network too large to draw: {err}") from None
    chapters = wanted or list(story.video["scenes"])
    refused = [c for c in chapters if c not in DENSE_SCENES] if is_dense(story.layers) else []
    if refused:
        raise BpvizError(f"--scene {refused[0]}: a {'-'.join(map(str, story.layers))} network draws in "
                         f"dense mode, which has only the chapters {', '.join(DENSE_SCENES)}")
    return story, chapters


def _look(quality: str, aspect: str, theme: str | None, lang: str | None = None) -> None:
    """Check ``--quality``, ``--aspect``, ``--theme`` and ``--lang`` (``None``: the config's)."""
    _choice("--quality", quality, QUALITIES)
    _choice("--aspect", aspect, ASPECTS)
    if theme is not None:
        _choice("--theme", theme, THEMES)
    if lang is not None:
        _choice("--lang", lang, languages())


def _media_options(func):
    """``SOURCE``, ``--scene``, ``--quality``, ``--aspect``, ``--theme``, ``--lang``: shared options."""
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
                             "neuron, forward, loss, backward, update, chain_rule, training, full")(func)
    return click.argument("source", required=False, metavar="[SOURCE]")(func)


def _jobs_option(func):
    """``--jobs N``: chapters rendered in N processes at once (default 1)."""
    return click.option("--jobs", "-j", "jobs", default=1, show_default=True, type=int, metavar="N",
                        help="render N chapters at once in separate processes (each takes "
                             "about 0.5 GB at --quality high)")(func)


def _no_cache_option(func):
    """``--no-cache``: render every chapter job again, ignoring the render cache."""
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="render every chapter again, even when the render cache holds it")(func)


def _check_jobs(jobs: int) -> int:
    """``--jobs`` must be at least 1."""
    if jobs < 1:
        raise BpvizError(f"--jobs: {jobs} is not a number of processes; give 1 or more")
    return jobs


@main.command("render")
@_media_options
@click.option("--format", "fmt", default="mp4", show_default=True, metavar="|".join(FORMATS),
              help="video container (gif loops, for web pages)")
@click.option("--transparent", is_flag=True,
              help="alpha channel: webm is VP9 with alpha, mov ProRes 4444; an mp4 becomes a .mov")
@click.option("--sections", is_flag=True, help="also write one clip per beat into <scene>_beats/")
@_jobs_option
@_no_cache_option
@click.option("-o", "--output", default=None, metavar="DIR", help="output folder  [default: media]")
@user_errors
def render_cmd(source, scenes, quality, aspect, theme, lang, fmt, transparent, sections, jobs,
               no_cache, output) -> None:
    """Render explainer videos of SOURCE: a config, a preset (default: mazur) or a trace .json.

    Each chapter is a job: up to --jobs of them render at once, and a chapter whose content and
    options did not change since an earlier render is taken from the render cache
    (~/.cache/bpviz/renders). The full film is its chapters joined without re-encoding.
    Prints every path written; other files in the output folder are left as they were.
    """
    _look(quality, aspect, theme, lang)
    _choice("--format", fmt, FORMATS)
    _check_jobs(jobs)
    wanted = [_choice("--scene", s, SCENES) for s in scenes]
    out = _out_dir(output, "media")
    _tools()
    story, chapters = _story_and_scenes(source, wanted, theme, lang)
    from scenes.concat import render_joined

    for chapter in chapters:
        for path in render_joined(story, chapter, out, jobs, not no_cache, quality=quality, fmt=fmt,
                                  transparent=transparent, sections=sections, aspect=aspect):
            click.echo(f"wrote {path}")


@main.command("frames")
@_media_options
@click.option("--format", "fmt", default="png", show_default=True, metavar="|".join(STILL_FORMATS),
              help="png pictures, or svg vector stills to edit")
@_jobs_option
@click.option("-o", "--output", default=None, metavar="DIR", help="output folder  [default: media/frames]")
@user_errors
def frames_cmd(source, scenes, quality, aspect, theme, lang, fmt, jobs, output) -> None:
    """Stills of SOURCE: one PNG (or SVG) per beat (its settled last frame) in story order, and frames.json.

    SOURCE is a config, a preset (default: mazur) or a trace .json. No video is encoded.
    """
    _look(quality, aspect, theme, lang)
    _choice("--format", fmt, STILL_FORMATS)
    _check_jobs(jobs)
    wanted = [_choice("--scene", s, SCENES) for s in scenes]
    out = _out_dir(output, os.path.join("media", "frames"))
    _tools()
    story, chapters = _story_and_scenes(source, wanted, theme, lang)
    if jobs > 1:
        from scenes.concat import render_stills_jobs

        stills = render_stills_jobs(story, chapters, out, jobs, quality, aspect, fmt)
    else:
        from scenes.render import render_stills

        stills = render_stills(story, chapters, out, quality, aspect, fmt)
    for still in stills:
        click.echo(f"wrote {out / still.file}")
    click.echo(f"wrote {out / 'frames.json'} ({len(stills)} stills)")


# -- narration script and slides (scenes.subtitles, scenes.slides) --------------------------------
SLIDE_FORMATS = ("html", "pptx", "pdf")
SLIDES_HINT = "bpviz slides needs manim-slides; install it with: pip install 'bpviz[slides]'"


@main.command("script")
@_media_options
@user_errors
def script_cmd(source, scenes, quality, aspect, theme, lang) -> None:
    """Print the narration script of SOURCE as Markdown: per beat, its time code, words and equations.

    The times are those of `bpviz render` at the same --quality; no video is encoded.
    """
    _look(quality, aspect, theme, lang)
    wanted = [_choice("--scene", s, SCENES) for s in scenes]
    _tools()
    story, chapters = _story_and_scenes(source, wanted, theme, lang)
    from scenes.subtitles import script_markdown, timed_beats

    click.echo(script_markdown(story, {c: timed_beats(story, c, quality, aspect) for c in chapters}),
               nl=False)


@main.command("slides")
@_media_options
@click.option("--to", "to", default=None, metavar="|".join(SLIDE_FORMATS),
              help="deck format  [default: from the -o suffix, else html]")
@_jobs_option
@_no_cache_option
@click.option("-o", "--output", default=None, metavar="FILE",
              help="deck file  [default: media/slides.<format>]")
@user_errors
def slides_cmd(source, scenes, quality, aspect, theme, lang, to, jobs, no_cache, output) -> None:
    """A slide deck of SOURCE: one slide per beat, with presenter notes from the trace.

    html is a reveal.js page (its clips in FILE's <name>_assets/ folder), pptx a PowerPoint deck
    with one clip per slide, pdf a handout with the settled frame of every beat. Needs the
    optional manim-slides (pip install 'bpviz[slides]'). The chapters render as in `bpviz
    render`: up to --jobs at once, unchanged ones from the render cache.
    """
    _look(quality, aspect, theme, lang)
    _check_jobs(jobs)
    wanted = [_choice("--scene", s, SCENES) for s in scenes]
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    to = _choice("--to", to or (suffix if suffix in SLIDE_FORMATS else "html"), SLIDE_FORMATS)
    output = output or os.path.join("media", f"slides.{to}")
    if Path(output).parent == Path("media"):
        Path("media").mkdir(exist_ok=True)
    _writable(output, source)
    try:
        from scenes.slides import build_deck
    except ImportError as err:
        if not (err.name or "").startswith("manim_slides"):
            raise
        raise BpvizError(SLIDES_HINT) from None
    _tools()
    story, chapters = _story_and_scenes(source, wanted, theme, lang)
    deck = build_deck(story, chapters, Path(output), to, quality, aspect, jobs, not no_cache)
    click.echo(f"wrote {deck}")
