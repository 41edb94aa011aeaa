"""The ``bpviz`` command line: parse, validate, call. No math, no drawing.

Every :class:`~backprop_core.errors.BpvizError` becomes one line on stderr,
``error: <what and where>``, and exit code 2. A failed ``trace -o FILE`` leaves FILE as it
was, except on divergence, where the partial trace (with ``stopped`` set) is written.
The options several commands share, and their checks, are in :mod:`bpviz.options`.
"""

from __future__ import annotations

import functools
import signal
import sys
import threading
from pathlib import Path

import click
import numpy as np

from backprop_core import io
from backprop_core.config import DEFAULT_PRESET
from backprop_core.errors import BpvizError
from backprop_core.gradcheck import check as gradcheck
from backprop_core.losses import NAMES as LOSSES
from backprop_core.presets import PRESETS, preset_description
from backprop_core.summary import summary_lines
from backprop_core.train import TrainingDiverged
from bpviz import __version__, api
from bpviz.choices import SLIDE_FORMATS, STILL_FORMATS, VIDEO_FORMATS
from bpviz.options import (
    check_jobs,
    check_tools,
    choice,
    is_trace_file,
    jobs_option,
    make_parents,
    media_options,
    no_cache_option,
    out_dir,
    voice_option,
    writable,
)
from bpviz.progress import Progress
from scenes.text import languages
from scenes.video_config import resolve_trace


def user_errors(func):
    """Turn a :class:`BpvizError` into one line ``error: ...`` on stderr and exit code 2.

    NumPy's overflow warnings are silenced: the engine checks every value itself and reports
    NaN or infinity as an error, so a warning would only add lines to stderr. An error of the
    system (a file that cannot be read or written) is one line too, naming the file. Ctrl-C is
    one line and exit code 130; a ``kill`` (SIGTERM) leaves through the same ``finally`` blocks,
    so temporary files are removed on every way out.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _terminated) if main_thread else None
        try:
            with np.errstate(all="ignore"):
                return func(*args, **kwargs)
        except BpvizError as err:
            message = " ".join(str(err).split())  # one line, whatever the message holds
            click.echo(f"error: {message}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("error: interrupted; no output was replaced by a partial one", err=True)
            sys.exit(130)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            click.echo(f"error: {where}{err.strerror or err}", err=True)
            sys.exit(2)
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)

    return wrapper


def _terminated(signum, frame) -> None:
    """SIGTERM: leave like Ctrl-C does (the ``finally`` blocks run), with exit code 143."""
    click.echo("error: terminated; no output was replaced by a partial one", err=True)
    sys.exit(128 + signum)


def _save(trace, path: str) -> None:
    """Write ``trace`` to ``path``, a failure to write as a :class:`BpvizError` (the old file stays).

    Missing folders of ``path`` are created first (``mkdir -p``).
    """
    from bpviz.outputs.publish import Publication

    make_parents(path)
    with Publication() as out:  # whole or not at all; links followed, /dev/null written in place
        out.add_text(io.dumps(trace), Path(path))


def _run_or_watch(run, source: str | None, watch: bool) -> None:
    """``run()`` once, or with ``--watch`` again on every save of the config ``source`` until Ctrl-C."""
    if not watch:
        run()
        return
    from bpviz.watching import watch as follow
    from bpviz.watching import watchable

    follow(watchable(source), run)


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
    if is_trace_file(source):
        api.config(source)  # says that a trace is not a config to train, as every config error is said
    try:
        trace = api.trace(source)
    except api.ConfigError as failed:
        err = failed.error
        if not isinstance(err, TrainingDiverged):
            raise
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
    """Check a trace against its own equations, and every recorded gradient against finite differences.

    SOURCE is a TOML config file, a preset name (default: mazur) or a trace .json file. A trace
    file is first compared with the run its config describes (every number, at 1e-9 relative).
    Prints the largest relative error and PASS or FAIL; exit code 1 on FAIL (also for a number
    that is not its equations' and for a trace without steps).
    """
    if is_trace_file(source):
        trace = resolve_trace(io.load(source, trust=True), source)
        with Progress(f"checking {source} against its equations", "epochs") as shown:
            problem = io.number_problem(trace, source, shown.update)
        if problem is not None:
            click.echo(f"{source}: {problem}: FAIL")
            sys.exit(1)
    else:
        trace = api.trace(source)
    if not trace.steps:
        click.echo("no recorded steps: no gradient to check (record = \"epochs\"?): FAIL")
        sys.exit(1)
    try:
        with Progress("finite differences", "steps") as shown:
            result = gradcheck(trace, progress=shown.update)
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
@voice_option
@jobs_option
@no_cache_option
@click.option("--watch", is_flag=True,
              help="after the first render, render again on every save of SOURCE (a config file) "
                   "until Ctrl-C, at --quality low unless one is given; unchanged chapters come "
                   "from the render cache")
@click.option("-o", "--output", default=None, metavar="DIR", help="output folder  [default: media]")
@user_errors
def render_cmd(source, scenes, quality, aspect, theme, lang, fmt, transparent, sections, voice, jobs,
               no_cache, watch, output) -> None:
    """Render explainer videos of SOURCE: a config, a preset (default: mazur) or a trace .json.

    Each chapter is a job: up to --jobs of them render at once, and a chapter whose content and
    options did not change since an earlier render is taken from the render cache
    (~/.cache/bpviz/renders). The full film is its chapters joined without re-encoding.
    Prints every path written; other files in the output folder are left as they were.
    """
    if watch and click.get_current_context().get_parameter_source("quality").name == "DEFAULT":
        quality = "low"  # a preview: fast to draw again

    def run() -> None:
        for path in api.render(source, scene=scenes, quality=quality, aspect=aspect, theme=theme, lang=lang,
                               format=fmt, transparent=transparent, sections=sections, jobs=jobs,
                               cache=not no_cache, output=output or "media", voice=voice):
            click.echo(f"wrote {path}")

    _run_or_watch(run, source, watch)


@main.command("frames")
@media_options
@click.option("--format", "fmt", default="png", show_default=True, metavar="|".join(STILL_FORMATS),
              help="png pictures, or svg vector stills to edit")
@voice_option
@jobs_option
@click.option("--no-cache", "no_cache", is_flag=True,
              help="draw every still again, even when the stills cache holds it")
@click.option("--watch", is_flag=True,
              help="after the first run, draw again on every save of SOURCE (a config file) until "
                   "Ctrl-C; only the stills whose picture changed are drawn, and listed")
@click.option("-o", "--output", default=None, metavar="DIR", help="output folder  [default: media/frames]")
@user_errors
def frames_cmd(source, scenes, quality, aspect, theme, lang, fmt, voice, jobs, no_cache, watch,
               output) -> None:
    """Stills of SOURCE: one PNG (or SVG) per beat (its settled last frame) in story order, and frames.json.

    SOURCE is a config, a preset (default: mazur) or a trace .json. No video is encoded. A still
    whose picture is unchanged since an earlier run is copied from the stills cache
    (~/.cache/bpviz/stills) instead of drawn.
    """
    def run() -> None:
        drawn: list[int] = []
        *stills, index = api.frames(source, scene=scenes, quality=quality, aspect=aspect, theme=theme,
                                    lang=lang, format=fmt, jobs=jobs, output=output, voice=voice,
                                    cache=not no_cache, drawn=drawn)
        for i, still in enumerate(stills):
            if not watch or i in drawn:  # watching: what changed
                click.echo(f"wrote {still}")
        click.echo(f"wrote {index} ({len(stills)} stills, {len(drawn)} drawn, "
                   f"{len(stills) - len(drawn)} from the stills cache)")

    _run_or_watch(run, source, watch)


# -- narration script and slides (bpviz.outputs.subtitles, bpviz.production.decks) ----------------------


@main.command("script")
@media_options
@voice_option
@click.option("--recording-sheet", "sheet", is_flag=True,
              help="print the recording sheet instead: per beat the file name a recording must "
                   "have (as the stills are named), the words to read and the planned seconds")
@click.option("--sheet-format", default="md", show_default=True, metavar="md|csv",
              help="the recording sheet as a Markdown table or as CSV")
@user_errors
def script_cmd(source, scenes, quality, aspect, theme, lang, voice, sheet, sheet_format) -> None:
    """Print the narration script of SOURCE as Markdown: per beat, its time code, words and equations.

    The times are those of `bpviz render` at the same --quality (and --voice); no video is encoded.
    With --recording-sheet, the list of beats to record for `--voice DIR` instead.
    """
    click.echo(api.script(source, scene=scenes, quality=quality, aspect=aspect, theme=theme, lang=lang,
                          voice=voice, recording_sheet=sheet_format if sheet else None), nl=False)


@main.command("slides")
@media_options
@click.option("--to", "to", default=None, metavar="|".join(SLIDE_FORMATS),
              help="deck format  [default: from the -o suffix, else html]")
@voice_option
@jobs_option
@no_cache_option
@click.option("-o", "--output", default=None, metavar="FILE",
              help="deck file  [default: media/slides.<format>]")
@user_errors
def slides_cmd(source, scenes, quality, aspect, theme, lang, to, voice, jobs, no_cache, output) -> None:
    """A slide deck of SOURCE: one slide per beat, with presenter notes from the trace.

    html is a reveal.js page (its clips in FILE's <name>_assets/ folder), pptx a PowerPoint deck
    with one clip per slide, pdf a handout with the settled frame of every beat. Needs the
    optional manim-slides (pip install 'bpviz[slides]'). The chapters render as in `bpviz
    render`: up to --jobs at once, unchanged ones from the render cache.
    """
    deck = api.slides(source, scene=scenes, quality=quality, aspect=aspect, theme=theme, lang=lang, to=to,
                      jobs=jobs, cache=not no_cache, output=output, voice=voice)
    click.echo(f"wrote {deck}")


@main.command("explore")
@media_options
@voice_option
@click.option("-o", "--output", default="explore.html", show_default=True, metavar="FILE",
              help="the HTML page to write")
@user_errors
def explore_cmd(source, scenes, quality, aspect, theme, lang, voice, output) -> None:
    """An explorer page of SOURCE: one HTML file that works offline, from disk.

    The film's beats as vector stills (buttons, a slider, the arrow keys), the network of the
    explained step with every neuron and weight clickable for its numbers and equations, and
    for a trained config the loss curve with an epoch slider. With --voice, each beat's voice
    plays as the viewer steps to it.
    """
    page = api.explore(source, scene=scenes, quality=quality, aspect=aspect, theme=theme, lang=lang,
                       output=output, voice=voice)
    click.echo(f"wrote {page}")


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
    from bpviz.outputs.publish import Publication

    make_parents(output)
    with Publication() as out:  # whole or not at all, as every output
        out.add_text(program, Path(output))
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


# -- a whole course (bpviz.course) -----------------------------------------------------------------------
@main.command("course")
@click.argument("course_file", metavar="COURSE.toml")
@click.option("-o", "--output", default=None, metavar="DIR", help="the course's folder  [default: course]")
@jobs_option
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="run the jobs on a Dask scheduler (tcp://host:8786), or local:N to start N local "
                   "workers (needs bpviz[cluster])")
@click.option("--cache", "cache", default=None, metavar="DIR",
              help="the render cache folder; with --cluster, one every worker mounts (without it, "
                   "workers send their files back)")
@user_errors
def course_cmd(course_file: str, output: str | None, jobs: int, cluster: str | None,
               cache: str | None) -> None:
    """Make a whole course: every entry of COURSE.toml in every language, aspect, quality asked for.

    Only the chapter jobs no render cache holds are rendered, on --jobs local processes or on a
    Dask cluster; the outputs go to DIR/<entry>/<lang>-<aspect>/, listed in DIR/course.json and
    DIR/index.html. Stopped, the next run renders only what is missing. Exit code 1 when a job
    failed (the rest of the course is made).
    """
    check_jobs(jobs)
    out = out_dir(output, "course")
    if cache is not None and Path(cache).exists() and not Path(cache).is_dir():
        raise BpvizError(f"--cache {cache}: it is a file, not a folder")
    from bpviz.course.build import make_course
    from bpviz.course.course_file import read_course

    read_course(course_file)  # every key checked before anything is read, trained or rendered
    check_tools()
    run = make_course(course_file, out, jobs, cluster, Path(cache) if cache else None)
    for failure in run.failed:
        click.echo(f"failed job {failure['fingerprint'][:12]}: {failure['error']}", err=True)
    for failure in run.failures:
        what = " ".join(str(failure[k]) for k in ("folder", "kind", "scene") if failure[k])
        click.echo(f"failed {what}: {failure['error']}", err=True)
    click.echo(f"course: {run.jobs} jobs, {run.cached} from the render cache, {run.rendered} rendered, "
               f"{len(run.failed)} failed; {len(run.outputs)} outputs in {out}")
    click.echo(f"wrote {run.listing}")
    click.echo(f"wrote {run.index}")
    if run.failed or run.failures:
        sys.exit(1)
