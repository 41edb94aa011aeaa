"""The ``bpviz`` command line: parse, validate, call. No math, no drawing.

Every :class:`~backprop_core.errors.BpvizError` becomes one line on stderr,
``error: <what and where>``, and exit code 2. A failed ``trace -o FILE`` leaves FILE as it
was, except on divergence, where the partial trace (with ``stopped`` set) is written.
The options several commands share, and their checks, are in :mod:`bpviz.options`.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
import numpy as np

from backprop_core import io
from backprop_core.config import DEFAULT_PRESET, load
from backprop_core.errors import BpvizError
from backprop_core.gradcheck import check as gradcheck
from backprop_core.losses import NAMES as LOSSES
from backprop_core.presets import PRESETS, preset_description
from backprop_core.summary import summary_lines
from backprop_core.train import TrainingDiverged, train
from bpviz import __version__
from bpviz.choices import SLIDE_FORMATS, STILL_FORMATS, VIDEO_FORMATS
from bpviz.options import (
    check_jobs,
    check_look,
    check_tools,
    choice,
    is_trace_file,
    jobs_option,
    make_parents,
    media_options,
    no_cache_option,
    out_dir,
    story_and_scenes,
    writable,
)
from scenes.chapters.registry import SCENES
from scenes.text import languages
from scenes.video_config import resolve, resolve_trace


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


def _save(trace, path: str) -> None:
    """:func:`io.save`, with a failure to write as a :class:`BpvizError` (the old file stays).

    Missing folders of ``path`` are created first (``mkdir -p``).
    """
    make_parents(path)
    try:
        io.save(trace, path)
    except OSError as err:
        raise BpvizError(f"cannot write {path}: {err.strerror or err}") from None


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
        writable(output, source)
    cfg = resolve(load(source))
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
    trace = resolve_trace(io.load(source), source) if is_trace_file(source) else train(resolve(load(source)))
    try:
        result = gradcheck(trace)
    except (KeyError, IndexError, TypeError, ValueError) as err:
        if not is_trace_file(source):
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
@main.command("render")
@media_options
@click.option("--format", "fmt", default="mp4", show_default=True, metavar="|".join(VIDEO_FORMATS),
              help="video container (gif loops, for web pages)")
@click.option("--transparent", is_flag=True,
              help="alpha channel: webm is VP9 with alpha, mov ProRes 4444; an mp4 becomes a .mov")
@click.option("--sections", is_flag=True, help="also write one clip per beat into <scene>_beats/")
@jobs_option
@no_cache_option
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
    check_look(quality, aspect, theme, lang)
    choice("--format", fmt, VIDEO_FORMATS)
    check_jobs(jobs)
    wanted = [choice("--scene", s, SCENES) for s in scenes]
    out = out_dir(output, "media")
    check_tools()
    story, chapters = story_and_scenes(source, wanted, theme, lang)
    from bpviz.production.concat import render_joined

    for chapter in chapters:
        for path in render_joined(story, chapter, out, jobs, not no_cache, quality=quality, fmt=fmt,
                                  transparent=transparent, sections=sections, aspect=aspect):
            click.echo(f"wrote {path}")


@main.command("frames")
@media_options
@click.option("--format", "fmt", default="png", show_default=True, metavar="|".join(STILL_FORMATS),
              help="png pictures, or svg vector stills to edit")
@jobs_option
@click.option("-o", "--output", default=None, metavar="DIR", help="output folder  [default: media/frames]")
@user_errors
def frames_cmd(source, scenes, quality, aspect, theme, lang, fmt, jobs, output) -> None:
    """Stills of SOURCE: one PNG (or SVG) per beat (its settled last frame) in story order, and frames.json.

    SOURCE is a config, a preset (default: mazur) or a trace .json. No video is encoded.
    """
    check_look(quality, aspect, theme, lang)
    choice("--format", fmt, STILL_FORMATS)
    check_jobs(jobs)
    wanted = [choice("--scene", s, SCENES) for s in scenes]
    out = out_dir(output, os.path.join("media", "frames"))
    check_tools()
    story, chapters = story_and_scenes(source, wanted, theme, lang)
    if jobs > 1:
        from bpviz.production.concat import render_stills_jobs

        stills = render_stills_jobs(story, chapters, out, jobs, quality, aspect, fmt)
    else:
        from bpviz.production.render import render_stills

        stills = render_stills(story, chapters, out, quality, aspect, fmt)
    for still in stills:
        click.echo(f"wrote {out / still.file}")
    click.echo(f"wrote {out / 'frames.json'} ({len(stills)} stills)")


# -- narration script and slides (bpviz.outputs.subtitles, bpviz.production.decks) ----------------------
SLIDES_HINT = "bpviz slides needs manim-slides; install it with: pip install 'bpviz[slides]'"


@main.command("script")
@media_options
@user_errors
def script_cmd(source, scenes, quality, aspect, theme, lang) -> None:
    """Print the narration script of SOURCE as Markdown: per beat, its time code, words and equations.

    The times are those of `bpviz render` at the same --quality; no video is encoded.
    """
    check_look(quality, aspect, theme, lang)
    wanted = [choice("--scene", s, SCENES) for s in scenes]
    check_tools()
    story, chapters = story_and_scenes(source, wanted, theme, lang)
    from bpviz.outputs.subtitles import script_markdown
    from bpviz.production.render import timed_beats

    click.echo(script_markdown(story, {c: timed_beats(story, c, quality, aspect) for c in chapters}),
               nl=False)


@main.command("slides")
@media_options
@click.option("--to", "to", default=None, metavar="|".join(SLIDE_FORMATS),
              help="deck format  [default: from the -o suffix, else html]")
@jobs_option
@no_cache_option
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
    check_look(quality, aspect, theme, lang)
    check_jobs(jobs)
    wanted = [choice("--scene", s, SCENES) for s in scenes]
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    to = choice("--to", to or (suffix if suffix in SLIDE_FORMATS else "html"), SLIDE_FORMATS)
    output = output or os.path.join("media", f"slides.{to}")
    writable(output, source)
    try:
        from bpviz.production.decks import build_deck
    except ImportError as err:
        if not (err.name or "").startswith("manim_slides"):
            raise
        raise BpvizError(SLIDES_HINT) from None
    check_tools()
    story, chapters = story_and_scenes(source, wanted, theme, lang)
    make_parents(output)
    deck = build_deck(story, chapters, Path(output), to, quality, aspect, jobs, not no_cache)
    click.echo(f"wrote {deck}")


# -- trained networks in (bpviz.importing) -------------------------------------------------------------
IMPORT_HINT = "bpviz import needs the onnx package; install it with: pip install 'bpviz[import]'"


@main.command("code")
@click.argument("source", required=False, metavar="[SOURCE]")
@click.option("--lang", default=None, metavar="|".join(languages()),
              help="language of the comments, overriding [video] language")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="write the program to FILE  [default: print it]")
@user_errors
def code_cmd(source: str | None, lang: str | None, output: str | None) -> None:
    """A short NumPy program that reproduces the numbers of SOURCE's film.

    It builds the config's network with its initial weights and data, trains as bpviz does and, at
    the update the film explains, prints x, z1, a1, ..., the loss, delta2, delta1, ..., the gradients
    and the new weights (BP1-BP4 marked in the code); with several epochs, the mean loss after each.
    """
    if lang is not None:
        choice("--lang", lang, languages())
    if output is not None:
        writable(output, source)
    from bpviz.outputs.program import numpy_program
    from scenes.loading import load_story

    program = numpy_program(load_story(source, lang))
    if output is None:
        click.echo(program, nl=False)
        return
    make_parents(output)
    try:
        Path(output).write_text(program, encoding="utf-8")
    except OSError as err:
        raise BpvizError(f"cannot write {output}: {err.strerror or err}") from None
    click.echo(f"wrote {output}; run it with: python {output}")


@main.command("import")
@click.argument("model", metavar="MODEL")
@click.option("-o", "--output", required=True, metavar="FILE", help="the config file to write (TOML)")
@click.option("--data", "data", default=None, metavar="PRESET|FILE",
              help="the training set: a data preset (see [data] preset in the README) or a TOML "
                   "file whose [data] table is copied  [default: none; add one before tracing]")
@click.option("--loss", default=None, metavar="|".join(LOSSES),
              help="[training] loss  [default: cross_entropy after a softmax, else half_sse]")
@user_errors
def import_cmd(model: str, output: str, data: str | None, loss: str | None) -> None:
    """Read the trained network of MODEL, an ONNX file, into a config for trace, render and frames.

    MODEL must be a chain of dense layers: Gemm, or MatMul + Add, each followed by Sigmoid, Tanh,
    Relu, Softmax or nothing. The config gets its layers, activations, weights (W^l of shape
    n_l x n_l-1) and biases exactly, and one epoch of training from them. ONNX is data: bpviz
    never loads a pickle (export a PyTorch model with torch.onnx.export; see the README).
    """
    writable(output, model)
    if loss is not None:
        choice("--loss", loss, LOSSES)
    from bpviz.importing.configs import check_config, data_table, network_config, write_config

    table = data_table(data, output) if data is not None else None
    try:
        import onnx  # noqa: F401  (the optional extra bpviz[import]; read_onnx imports it)
    except ImportError:
        raise BpvizError(IMPORT_HINT) from None
    from bpviz.importing.onnx_model import read_onnx

    net = read_onnx(model)
    loss = loss or ("cross_entropy" if net.activations[-1] == "softmax" else "half_sse")
    config = network_config(net.weights, net.biases, net.activations, loss)
    check_config(config, model)
    if table is not None:
        config = {**config, "data": table}
        check_config(config, f"--data {data}")
        config = {k: config[k] for k in ("network", "training", "data", "video") if k in config}
    layers = "-".join(map(str, config["network"]["layers"]))
    acts = ", ".join(net.activations)
    make_parents(output)
    try:
        write_config(config, output, header=(
            f"{layers} network ({acts}) imported from {Path(model).name} ({net.dtype}) by bpviz import.\n"
            "[training] is one epoch from the trained weights. The loss is chosen from the output\n"
            "activation: change it to the one the model was trained with."))
    except OSError as err:
        raise BpvizError(f"cannot write {output}: {err.strerror or err}") from None
    click.echo(f"read {model}: {layers} ({acts}), loss {loss}")
    if table is None:
        click.echo("no --data: add a [data] table (inputs and targets, or a preset) before tracing")
    click.echo(f"wrote {output}")
