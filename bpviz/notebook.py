"""The ``%%bpviz`` cell magic for Jupyter (the optional extra ``bpviz[notebook]``).

``%load_ext bpviz`` registers it; then a cell::

    %%bpviz --scene loss --quality low
    [network]
    layers = [2, 2, 1]
    [data]
    preset = "xor"

renders the config of its body (TOML text, or a preset name on one line; IPython refuses a cell
magic with an empty body) with the options of ``bpviz render`` and shows the video in the
output, embedded. ``--frames`` draws the stills instead (``bpviz frames``) and shows them as
a gallery with their captions; ``--trace NAME`` trains only and stores the
:class:`~backprop_core.trace.Trace` in the variable ``NAME``. A bad config or option prints the
one line of the command line (``error: ...``) in the cell, never a traceback. Every call goes
through :mod:`bpviz.api`, the functions the command line calls.
"""

from __future__ import annotations

import base64
import html
import json
import shlex
import sys
from pathlib import Path

import click

from bpviz import api
from bpviz.choices import VIDEO_FORMATS
from bpviz.options import jobs_option, media_options, no_cache_option

MIMETYPES = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}
"""The video formats a notebook can embed, with their mimetypes (a gif is shown as an image)."""
DEFAULTS = {"quality": "low"}
"""Options whose default in a notebook differs from the command line's (a cell should be quick)."""


@click.command(name="%%bpviz", context_settings={"help_option_names": ["-h", "--help"]})
@media_options
@click.option("--format", "fmt", default="mp4", show_default=True, metavar="|".join(VIDEO_FORMATS),
              help="video container (gif loops)")
@click.option("--frames", "stills", is_flag=True, help="draw the stills (one per beat) as a gallery")
@click.option("--trace", "trace_name", default=None, metavar="NAME",
              help="train only and store the Trace in the variable NAME")
@jobs_option
@no_cache_option
@click.option("-o", "--output", default=None, metavar="DIR",
              help="output folder  [default: media, or media/frames with --frames]")
def cell_options(**options):
    """Render the config in the cell's body (TOML text, or a preset name) and show the video.

    The options are those of `bpviz render` (at --quality low unless told otherwise); --frames
    shows the stills instead, --trace NAME only trains and keeps the Trace in NAME.
    """
    return options


def source_of(body: str, line_source: str | None) -> str | None:
    """The config of a cell: its body (TOML text or a preset name), else a SOURCE on its line."""
    body = body.strip()
    return body or line_source


def bpviz_cell(line: str, cell: str, shell=None):
    """Run one ``%%bpviz`` cell: ``line`` holds the options, ``cell`` the config (module docstring)."""
    from IPython.display import HTML, Image, Video, display

    try:
        options = cell_options.main(shlex.split(line), prog_name="%%bpviz", standalone_mode=False,
                                    default_map=DEFAULTS)
    except click.ClickException as err:
        print(f"error: {err.format_message()}", file=sys.stderr)
        return None
    if not isinstance(options, dict):  # --help was printed
        return None
    source = source_of(cell, options["source"])
    try:
        if options["trace_name"]:
            trace = api.trace(source)
            if shell is not None:
                shell.user_ns[options["trace_name"]] = trace
            print(f"{options['trace_name']} = the trace of {len(trace.steps)} updates, "
                  f"{'-'.join(map(str, trace.layers))} network")
            return None
        look = dict(scene=options["scenes"], quality=options["quality"], aspect=options["aspect"],
                    theme=options["theme"], lang=options["lang"], jobs=options["jobs"])
        if options["stills"]:
            paths = api.frames(source, **look, output=options["output"])
            display(HTML(gallery(paths[-1])))
            return None
        paths = api.render(source, **look, format=options["fmt"], cache=not options["no_cache"],
                           output=options["output"] or "media")
    except api.ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return None
    for path in paths:
        kind = path.suffix.lstrip(".")
        if kind in MIMETYPES:
            display(Video(str(path), embed=True, mimetype=MIMETYPES[kind], html_attributes="controls loop"))
        elif kind == "gif":
            display(Image(filename=str(path)))
    return None


def gallery(index: Path) -> str:
    """HTML of the stills listed in ``frames.json`` (``index``), embedded, each with its caption."""
    cards = []
    for still in json.loads(index.read_text(encoding="utf-8")):
        path = index.parent / still["file"]
        mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        cards.append(f'<figure class="bpviz-still" style="margin:0;width:300px">'
                     f'<img src="data:{mime};base64,{data}" style="width:100%" '
                     f'alt="{html.escape(still["caption"])}"/>'
                     f'<figcaption style="font-size:12px">{html.escape(still["chapter"])}: '
                     f'{html.escape(still["caption"])}</figcaption></figure>')
    return f'<div class="bpviz-gallery" style="display:flex;flex-wrap:wrap;gap:8px">{"".join(cards)}</div>'


def load_ipython_extension(ipython) -> None:
    """``%load_ext bpviz``: register the ``%%bpviz`` cell magic in ``ipython``."""

    def bpviz(line: str, cell: str):
        return bpviz_cell(line, cell, ipython)

    bpviz.__doc__ = __doc__
    ipython.register_magic_function(bpviz, magic_kind="cell", magic_name="bpviz")
