"""The Python API: the functions behind every ``bpviz`` command, with the command line's checks.

``bpviz.config``, ``bpviz.trace``, ``bpviz.render``, ``bpviz.frames``, ``bpviz.script``,
``bpviz.slides`` and ``bpviz.explore`` (re-exported lazily by :mod:`bpviz`) are what the
commands of :mod:`bpviz.cli` call: one code path. The command line parses its options, calls
one of these and prints the paths they return. Bad input raises :class:`ConfigError` with the
one line the command line prints after ``error:`` (the same message, never a traceback from
deep inside). Manim and the film are imported inside the functions, so ``import bpviz`` stays
light.

A *config* argument is any of: ``None`` (the default preset), a preset name, the path of a TOML
file, TOML text, a dict of tables (as TOML gives it), a :class:`~backprop_core.config.Config`
(:func:`config`'s result) or, for the functions that film, a trace (a
:class:`~backprop_core.trace.Trace` or the path of a trace ``.json`` file).
"""

from __future__ import annotations

import functools
import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backprop_core.errors import BpvizError
from backprop_core.errors import ConfigError as EngineConfigError

if TYPE_CHECKING:
    from typing import TypeAlias

    from backprop_core.config import Config
    from backprop_core.trace import Trace

    ConfigLike: TypeAlias = "str | os.PathLike | dict | Config | Trace | None"
    """What every function takes as its config (see the module's docstring)."""

SLIDES_HINT = "bpviz slides needs manim-slides; install it with: pip install 'bpviz[slides]'"


class ConfigError(BpvizError):
    """Bad input to the API: its message is the one line ``bpviz`` prints after ``error:``.

    Parameters
    ----------
    message : str
        What is wrong and where (config key, file, line, option), on one line.
    error : BpvizError, optional
        The error raised where the problem was found (a
        :class:`~backprop_core.train.TrainingDiverged` keeps the partial trace in ``error.trace``).

    Examples
    --------
    >>> import bpviz
    >>> try:
    ...     bpviz.config("xor", **{"training.learning_rate": -1})
    ... except bpviz.ConfigError as err:
    ...     print(err)
    override training.learning_rate: [training] learning_rate: must be > 0, got -1
    """

    def __init__(self, message: str, error: BpvizError | None = None):
        super().__init__(message)
        self.error = error


def one_line(err: BaseException) -> str:
    """The message of ``err`` on one line, as the command line prints it."""
    return " ".join(str(err).split())


def _user_errors(func):
    """Raise every :class:`BpvizError` of ``func`` as a :class:`ConfigError` with its one line.

    NumPy's overflow warnings are silenced: the engine checks every value itself and reports NaN
    or infinity as an error.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import numpy as np

        try:
            with np.errstate(all="ignore"):
                return func(*args, **kwargs)
        except ConfigError:
            raise
        except BpvizError as err:
            raise ConfigError(one_line(err), err) from None

    return wrapper


# -- configs and traces --------------------------------------------------------------------------------
def _is_toml_text(source: str) -> bool:
    """Whether ``source`` is TOML text rather than a preset name or a path."""
    return "\n" in source or "=" in source


def _set_dotted(raw: dict, dotted: str, value: Any) -> None:
    """Set ``raw[table][key]`` for ``dotted`` = ``"table.key"`` (a whole table for ``"table"``)."""
    table, _, key = dotted.partition(".")
    if not key:
        if not isinstance(value, dict):
            raise ConfigError(f"override {dotted}: name a key as table.key (e.g. training.epochs), "
                              f"or give the table {dotted!r} a dict")
        raw[table] = {**raw.get(table, {}), **value}
        return
    body = raw.setdefault(table, {})
    if not isinstance(body, dict):
        raise ConfigError(f"override {dotted}: [{table}] is not a table")
    body[key] = value


def _raw(source: str | None) -> tuple[dict, str, str]:
    """The raw tables, the TOML text and the name of ``source`` (preset, file or TOML text)."""
    from backprop_core.config import DEFAULT_PRESET, load
    from backprop_core.presets import PRESETS, preset_text

    name = source or DEFAULT_PRESET
    if _is_toml_text(name):
        text, name = name, "<config>"
    elif name in PRESETS and not Path(name).is_file():
        text = preset_text(name)
    else:
        path = Path(name)
        if path.suffix.lower() == ".json" or not path.is_file():
            load(name)  # raises the command line's error: a trace file, an unknown preset, no such file
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            load(name)  # raises the command line's error for an unreadable file
            raise
    try:
        return tomllib.loads(text), text, name
    except tomllib.TOMLDecodeError:
        from backprop_core.config import parse

        parse(text, name)  # raises the engine's error, with the line
        raise


@_user_errors
def config(source: str | os.PathLike | dict | None = None, **overrides: Any) -> Config:
    """A checked config: a preset, a TOML file, TOML text or a dict, with overrides by dotted key.

    Parameters
    ----------
    source : str, path, dict or None
        A preset name (``None``: the default, ``mazur``), the path of a TOML file, TOML text
        (anything holding ``=`` or a newline) or a dict of tables as TOML gives it.
    **overrides
        Values by dotted key, ``"training.learning_rate": 0.3`` (pass them with ``**{...}``, as
        dots cannot stand in a keyword), or a whole table as a dict (``video={"theme": "light"}``).

    Returns
    -------
    Config
        The validated config with its ``[video]`` table checked and filled in.

    Raises
    ------
    ConfigError
        The command line's one line: key, file and line (``override table.key`` for an override).

    Examples
    --------
    >>> import bpviz
    >>> cfg = bpviz.config("xor", **{"training.learning_rate": 0.3, "training.epochs": 5})
    >>> cfg.learning_rate, cfg.epochs
    (0.3, 5)
    """
    return _load_config(source, overrides)


def _load_config(source, overrides: dict[str, Any]) -> Config:
    """:func:`config` (its errors as the engine raises them)."""
    from backprop_core.config import Config, from_dict, load, parse
    from scenes.video_config import resolve

    if isinstance(source, Config):
        if not overrides:
            return resolve(source)
        if source.text:
            raw, text, name = tomllib.loads(source.text), source.text, source.source
        else:
            raw, text, name = {k: v for k, v in source.to_dict().items() if k != "source"}, "", source.source
        return _with_overrides(raw, text, name, overrides)
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not overrides:
        if isinstance(source, dict):
            return resolve(from_dict(source))
        if source is not None and _is_toml_text(source):
            return resolve(parse(source))
        return resolve(load(source))
    raw, text, name = (source, "", "<config>") if isinstance(source, dict) else _raw(source)
    return _with_overrides(raw, text, name, overrides)


def _with_overrides(raw: dict, text: str, name: str, overrides: dict[str, Any]) -> Config:
    """The config of ``raw`` with ``overrides``; an error in an overridden key names the override."""
    from backprop_core.config import from_dict
    from scenes.video_config import resolve

    raw = _apply(raw, overrides)
    try:
        return resolve(from_dict(raw, name, text))
    except EngineConfigError as err:
        for dotted in overrides:
            table, _, key = dotted.partition(".")
            if err.key_message.startswith(f"[{table}] {key}"):
                raise ConfigError(f"override {dotted}: {err.key_message}", err) from None
        raise


def _apply(raw: dict, overrides: dict[str, Any]) -> dict:
    """``raw`` (its tables copied) with ``overrides`` set by dotted key."""
    raw = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for dotted, value in overrides.items():
        _set_dotted(raw, dotted, value)
    return raw


def _is_trace_path(source: Any) -> bool:
    return isinstance(source, str | os.PathLike) and Path(source).suffix.lower() == ".json"


@_user_errors
def trace(config: ConfigLike = None) -> Trace:
    """Train a config and return its trace: every activation, delta, gradient and weight change.

    Parameters
    ----------
    config : config, Trace or trace path
        See the module's docstring; a trace (or a trace ``.json`` file) is returned as read, its
        ``[video]`` table checked.

    Returns
    -------
    Trace
        The frozen record of the run (:class:`backprop_core.trace.Trace`).

    Raises
    ------
    ConfigError
        A bad config, or training that met NaN or infinity (``err.error.trace`` keeps the steps
        before it).

    Examples
    --------
    >>> import bpviz
    >>> t = bpviz.trace("mazur")
    >>> round(float(t.steps[0].per_sample[0].a[2][0]), 4)
    0.7514
    """
    from backprop_core import io
    from backprop_core.config import DEFAULT_PRESET
    from backprop_core.trace import Trace
    from backprop_core.train import train
    from bpviz.progress import Progress
    from scenes.video_config import resolve_trace

    if isinstance(config, Trace):
        return resolve_trace(config)
    if _is_trace_path(config):
        return resolve_trace(io.load(os.fspath(config)), os.fspath(config))
    cfg = _load_config(config, {})
    if config is None or isinstance(config, str | os.PathLike) and not _is_toml_text(os.fspath(config)):
        what = os.fspath(config or DEFAULT_PRESET)
    else:
        what = "the config"
    with Progress(f"training {what}", "epochs") as shown:  # shown after 2 s of work
        return train(cfg, shown.update)


def _story(source: ConfigLike, wanted: list[str], theme: str | None, lang: str | None):
    """The Story of ``source`` and its chapters (``wanted``, else the config's ``[video] scenes``)."""
    from bpviz.options import chapters_of, story_and_scenes
    from scenes.loading import story_from_trace

    if source is None or (isinstance(source, str | os.PathLike) and not _is_toml_text(os.fspath(source))):
        return story_and_scenes(None if source is None else os.fspath(source), wanted, theme, lang)
    return chapters_of(story_from_trace(trace(source), lang, theme=theme), wanted)


def _scenes(scene: str | Sequence[str] | None) -> list[str]:
    """``--scene`` values checked: a name or names of :data:`scenes.chapters.registry.SCENES`."""
    from bpviz.options import choice
    from scenes.chapters.registry import SCENES

    names = [] if scene is None else [scene] if isinstance(scene, str) else list(scene)
    return [choice("--scene", s, SCENES) for s in names]


def _source_path(config: Any) -> str | None:
    """The file ``config`` names, for the check that an output does not overwrite it."""
    return os.fspath(config) if isinstance(config, str | os.PathLike) else None


def _voice(voice, story, film: list[str], quality: str, aspect: str):
    """The :class:`~bpviz.production.voice.VoicePlan` of ``voice`` (or ``[video] voice``), or None."""
    from bpviz.production.voice import voice_plan

    return voice_plan(None if voice is None else os.fspath(voice), story, film, quality, aspect)


def _note(text: str) -> None:
    """A note for the user (not an error) on standard error: ``note: ...``."""
    print(f"note: {text}", file=sys.stderr)


# -- films, stills, words and decks ----------------------------------------------------------------
@_user_errors
def render(config: ConfigLike = None, scene: str | Sequence[str] | None = None, quality: str = "low",
           aspect: str = "16:9", theme: str | None = None, lang: str | None = None, format: str = "mp4",
           transparent: bool = False, sections: bool = False, jobs: int = 1, cache: bool = True,
           output: str | os.PathLike = "media", voice: str | os.PathLike | None = None) -> list[Path]:
    """Render explainer videos of a config (or trace); return the paths written.

    Parameters
    ----------
    config : config, Trace or trace path
        What to film (see the module's docstring).
    scene : str or list of str, optional
        Chapters (``"full"``, ``"neuron"``, ``"loss"`` ...); default: the config's
        ``[video] scenes``, which is ``["full"]`` unless it says otherwise.
    quality, aspect, theme, lang, format, transparent, sections, jobs
        As ``bpviz render --quality --aspect --theme --lang --format --transparent --sections
        --jobs``.
    cache : bool
        Take unchanged chapters from the render cache (``False``: ``--no-cache``).
    output : path
        The folder written into (created with its parents).
    voice : {"speech"} or path, optional
        As ``--voice``: the narration spoken by espeak-ng, or a folder of recordings (one per
        beat, named as ``bpviz script --recording-sheet`` lists them); default ``[video] voice``,
        else silent. Each beat lasts at least its voice (needs ``bpviz[voice]``).

    Returns
    -------
    list of Path
        Every file written: per chapter its video and its ``.srt`` (and beat clips).

    Examples
    --------
    >>> import bpviz
    >>> paths = bpviz.render("xor", scene="loss", quality="low", output="media/xor")
    >>> [p.name for p in paths]
    ['loss.mp4', 'loss.srt']
    """
    from bpviz.choices import VIDEO_FORMATS
    from bpviz.options import check_jobs, check_look, check_tools, choice, out_dir

    check_look(quality, aspect, theme, lang)
    choice("--format", format, VIDEO_FORMATS)
    check_jobs(jobs)
    wanted = _scenes(scene)
    out = out_dir(os.fspath(output), "media")
    check_tools()
    story, chapters = _story(config, wanted, theme, lang)
    from bpviz.production.concat import film_of, render_joined

    narration = _voice(voice, story, [n for c in chapters for n in film_of(story, c)], quality, aspect)
    if narration is not None and format == "gif":
        _note("a gif has no sound; the voice is in the beat clips (--sections) and the times")
    from bpviz.progress import Progress

    written = []
    for chapter in chapters:
        with Progress(f"rendering {chapter}", "chapters") as shown:
            written += render_joined(story, chapter, out, jobs, cache, voice=narration, progress=shown.update,
                                     quality=quality, fmt=format, transparent=transparent, sections=sections,
                                     aspect=aspect)
    return written


@_user_errors
def frames(config: ConfigLike = None, scene: str | Sequence[str] | None = None, quality: str = "low",
           aspect: str = "16:9", theme: str | None = None, lang: str | None = None, format: str = "png",
           jobs: int = 1, output: str | os.PathLike | None = None,
           voice: str | os.PathLike | None = None, cache: bool = True,
           drawn: list | None = None) -> list[Path]:
    """Stills of a config: one PNG (or SVG) per beat, its settled last frame, in story order.

    Parameters
    ----------
    config : config, Trace or trace path
        What to film (see the module's docstring).
    scene, quality, aspect, theme, lang, jobs
        As :func:`render`.
    format : {"png", "svg"}
        Pictures, or vector stills.
    output : path, optional
        The folder written into; default ``media/frames``.
    voice : {"speech"} or path, optional
        As :func:`render`: stills have no sound, but ``frames.json`` then gives each beat's
        ``start`` and ``end`` in the voiced film.
    cache : bool
        Take stills whose picture is unchanged from the stills cache (``False``: ``--no-cache``,
        every still drawn again).
    drawn : list, optional
        Receives the place (0-based, in the returned order) of every still drawn in this run;
        the others came from the stills cache.

    Returns
    -------
    list of Path
        The stills in story order, then ``frames.json`` (file, chapter, beat and caption of each).

    Examples
    --------
    >>> import bpviz
    >>> stills = bpviz.frames("mazur", scene="loss", output="media/loss-frames")
    >>> stills[-1].name
    'frames.json'
    """
    from bpviz.choices import STILL_FORMATS
    from bpviz.options import check_jobs, check_look, check_tools, choice, out_dir

    check_look(quality, aspect, theme, lang)
    choice("--format", format, STILL_FORMATS)
    check_jobs(jobs)
    wanted = _scenes(scene)
    out = out_dir(None if output is None else os.fspath(output), os.path.join("media", "frames"))
    check_tools()
    story, chapters = _story(config, wanted, theme, lang)
    from bpviz.production.concat import film_of

    narration = _voice(voice, story, [n for c in chapters for n in film_of(story, c)], quality, aspect)
    if narration is not None:
        _note("stills have no sound; frames.json gives each beat's times with the voice")
        from bpviz.production.jobs import film_options

        # the voice is per chapter job; a chapter of the full film glosses what its film has not yet
        glossed = {n: film_options(story, c, n).get("glossed", ())
                   for c in chapters for n in film_of(story, c)}
        chapters = list(glossed)
    else:
        glossed = {}
    from bpviz.production.frames import write_stills
    from bpviz.progress import Progress

    with Progress("drawing stills", "chapters") as shown:
        report = write_stills(story, chapters, out, quality, aspect, format, jobs, cache, narration,
                              shown.update, glossed)
    if drawn is not None:
        drawn.extend(report.drawn)
    stills = report.stills
    return [out / still.file for still in stills] + [out / "frames.json"]


@_user_errors
def script(config: ConfigLike = None, scene: str | Sequence[str] | None = None, quality: str = "low",
           aspect: str = "16:9", theme: str | None = None, lang: str | None = None,
           voice: str | os.PathLike | None = None, recording_sheet: str | None = None) -> str:
    """The narration script as Markdown: per beat its time code, words and equations with numbers.

    The times are those of :func:`render` at the same ``quality``; no video is encoded.

    Parameters
    ----------
    config : config, Trace or trace path
        What to film (see the module's docstring).
    scene, quality, aspect, theme, lang, voice
        As :func:`render` (with a voice, the times are those of the voiced film).
    recording_sheet : {"md", "csv"}, optional
        Instead of the script, the recording sheet for ``voice=FOLDER``: per beat the file name a
        recording must have (as the stills are named), the words to read and the planned seconds.

    Returns
    -------
    str
        The Markdown text (``bpviz script`` prints it).

    Examples
    --------
    >>> import bpviz
    >>> print(bpviz.script("mazur", scene="loss", lang="es")[:40])  # doctest: +SKIP
    """
    from dataclasses import replace

    from bpviz.options import check_look, check_tools, choice

    check_look(quality, aspect, theme, lang)
    wanted = _scenes(scene)
    if recording_sheet is not None:
        from bpviz.voice.recordings import SHEET_FORMATS

        choice("--sheet-format", recording_sheet, SHEET_FORMATS)
    check_tools()
    story, chapters = _story(config, wanted, theme, lang)
    from bpviz.outputs.subtitles import script_markdown
    from bpviz.production.concat import film_of
    from bpviz.production.render import timed_beats

    if recording_sheet is not None:
        from bpviz.voice.recordings import named_beats
        from bpviz.voice.recordings import recording_sheet as sheet_of

        film = list(dict.fromkeys(n for c in chapters for n in film_of(story, c)))
        named = named_beats([(c, timed_beats(story, c, quality, aspect)) for c in film])
        return sheet_of(named, recording_sheet)
    narration = _voice(voice, story, [n for c in chapters for n in film_of(story, c)], quality, aspect)

    def timed(chapter: str) -> list:  # the chapters of a film back to back, as render joins them
        beats, offset = [], 0.0
        for name in film_of(story, chapter):
            part = timed_beats(story, name, quality, aspect, narration.options(name) if narration else None)
            beats += [replace(b, start=b.start + offset, end=b.end + offset,
                              hold=None if b.hold is None else b.hold + offset) for b in part]
            offset += part[-1].end if part else 0.0
        return beats

    return script_markdown(story, {c: timed(c) for c in chapters})


@_user_errors
def slides(config: ConfigLike = None, scene: str | Sequence[str] | None = None, quality: str = "low",
           aspect: str = "16:9", theme: str | None = None, lang: str | None = None, to: str | None = None,
           jobs: int = 1, cache: bool = True, output: str | os.PathLike | None = None,
           voice: str | os.PathLike | None = None) -> Path:
    """A slide deck: one slide per beat, with presenter notes from the trace (needs ``bpviz[slides]``).

    Parameters
    ----------
    config : config, Trace or trace path
        What to film (see the module's docstring).
    scene, quality, aspect, theme, lang, jobs, cache
        As :func:`render`.
    to : {"html", "pptx", "pdf"}, optional
        The deck's format; default: from ``output``'s suffix, else html.
    output : path, optional
        The deck file; default ``media/slides.<to>``.
    voice : {"speech"} or path, optional
        As :func:`render`: the html and pptx decks' clips carry it (a pdf has no sound).

    Returns
    -------
    Path
        The deck written.

    Examples
    --------
    >>> import bpviz
    >>> bpviz.slides("xor", scene="loss", to="pdf", output="media/xor.pdf")  # doctest: +SKIP
    PosixPath('media/xor.pdf')
    """
    from bpviz.choices import SLIDE_FORMATS
    from bpviz.options import check_jobs, check_look, check_tools, choice, make_parents, writable

    check_look(quality, aspect, theme, lang)
    check_jobs(jobs)
    wanted = _scenes(scene)
    output = None if output is None else os.fspath(output)
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    to = choice("--to", to or (suffix if suffix in SLIDE_FORMATS else "html"), SLIDE_FORMATS)
    output = output or os.path.join("media", f"slides.{to}")
    writable(output, _source_path(config))
    try:
        from bpviz.production.decks import build_deck
    except ImportError as err:
        if not (err.name or "").startswith("manim_slides"):
            raise
        raise BpvizError(SLIDES_HINT) from None
    check_tools()
    story, chapters = _story(config, wanted, theme, lang)
    from bpviz.production.concat import film_of

    film = list(dict.fromkeys(n for c in chapters for n in film_of(story, c)))
    narration = _voice(voice, story, film, quality, aspect)
    if narration is not None and to == "pdf":
        _note("a pdf handout has no sound; its pages are the beats' settled frames")
    make_parents(output)
    from bpviz.progress import Progress

    with Progress(f"rendering the {to} deck", "chapters") as shown:
        return build_deck(story, chapters, Path(output), to, quality, aspect, jobs, cache, voice=narration,
                          progress=shown.update)



@_user_errors
def explore(config: ConfigLike = None, scene: str | Sequence[str] | None = None, quality: str = "low",
            aspect: str = "16:9", theme: str | None = None, lang: str | None = None,
            output: str | os.PathLike = "explore.html", voice: str | os.PathLike | None = None) -> Path:
    """The explorer page: one self-contained HTML file to click through the explained step, offline.

    It holds the film's beats as vector stills (previous/next, a slider, the arrow keys; each
    beat's caption and narration), the network of the step with every neuron and weight
    clickable (its numbers and its equations with them, as MathML) and, for a config trained
    over several epochs, the loss curve with an epoch slider that redraws the weights.

    Parameters
    ----------
    config : config, Trace or trace path
        What to explore (see the module's docstring).
    scene, quality, aspect, theme, lang
        As :func:`render`: the chapters whose beats the page shows (default: the config's).
    output : path
        The HTML file to write (its folders are created).
    voice : {"speech"} or path, optional
        As :func:`render`: the page then holds each beat's voice (loudness normalised, a small
        Opus clip), played when the viewer steps to the beat, with a button to turn it off.

    Returns
    -------
    Path
        The page written.

    Examples
    --------
    >>> import bpviz
    >>> bpviz.explore("mazur", scene="backward", output="media/mazur.html")  # doctest: +SKIP
    PosixPath('media/mazur.html')
    """
    import tempfile

    from bpviz.options import check_look, check_tools, make_parents, writable

    check_look(quality, aspect, theme, lang)
    wanted = _scenes(scene)
    output = os.fspath(output)
    writable(output, _source_path(config))
    check_tools()
    story, chapters = _story(config, wanted, theme, lang)
    from scenes.layout import MAX_NEURONS_PER_LAYER, is_dense

    if is_dense(story.layers):
        raise BpvizError(f"bpviz explore: a {'-'.join(map(str, story.layers))} network draws in dense mode; "
                         f"the page shows every neuron and weight of networks of at most "
                         f"{MAX_NEURONS_PER_LAYER} neurons a layer")
    from bpviz.outputs.explorer import write_page
    from bpviz.production.concat import film_of
    from bpviz.production.render import render_stills

    narration = _voice(voice, story, [n for c in chapters for n in film_of(story, c)], quality, aspect)
    if narration is not None:
        chapters = [n for c in chapters for n in film_of(story, c)]  # the voice is per chapter job
    make_parents(output)
    with tempfile.TemporaryDirectory(prefix="bpviz-explore-") as folder:
        beats: list = []
        sounds: list | None = None if narration is None else []
        stills = render_stills(story, chapters, Path(folder), quality, aspect, "svg", voice=narration,
                               beats=beats, sounds=sounds).stills
        if sounds is None:
            return write_page(story, stills, beats, Path(folder), Path(output))
        from bpviz.voice.audio import CLIP_MIME, compact_clip

        clips = [None if s is None else compact_clip(s) for s in sounds]
        return write_page(story, stills, beats, Path(folder), Path(output), clips, CLIP_MIME)
