r"""The explorer page: one self-contained HTML file to click through a traced step, offline.

What :func:`write_page` puts in it, everything inline (no script library, no font, no request):

- the film's beats as vector stills (the SVGs of ``bpviz frames --format svg``, as data URIs),
  with previous/next buttons, a slider and the arrow keys, each beat's caption and narration;
- the network of the explained step as an SVG diagram whose every neuron and weight can be
  clicked: its numbers for that step (z, a, delta, gradient, old and new value) and its
  equations, general and with the numbers, as MathML (which Chromium and Firefox typeset
  natively). The MathML is converted (latex2mathml) from the LaTeX the films typeset, built by
  :mod:`backprop_core.equations` from the same SymPy equations, so page and film say the same;
- for a config trained over several epochs, the loss per epoch as a curve with an epoch slider
  that redraws the diagram's edges with that epoch's weights;
- with a voice (``--voice``), each beat's voice as a small Opus clip (:func:`bpviz.voice.audio.
  compact_clip`, a ``data:`` URI) that plays when the viewer steps to the beat, and a button that
  turns the voice off and on. Nothing plays before the viewer steps (no autoplay), and a play
  the browser refuses stays silent.

Every number is a trace field written by :meth:`scenes.story.Story.fmt` (decimal commas in
Spanish); the words come from the catalogue's ``[explorer]`` table.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
from pathlib import Path

from latex2mathml.converter import convert

from scenes.chapters.base import Beat
from scenes.story import Story
from scenes.text import catalogue
from scenes.themes import Theme

WIDTH, MARGIN, SPACING = 640.0, 40.0, 48.0
"""The diagram's width, its margin and the least distance of two neurons of a layer (SVG units)."""
CURVE_WIDTH, CURVE_HEIGHT, CURVE_LEFT = 640.0, 200.0, 100.0
"""The loss curve's picture size and where it starts (room for the loss labels on its left)."""
_MN_DECIMAL = re.compile(r"(<mn>\d+)\.(\d+</mn>)")


_ROLES = {"&#x003B4;": "delta", "z": "z", "w": "weight", "b": "weight", "y": "target", "a": "activation",
          "o": "activation", "x": "activation", "C": "loss", "E": "loss"}
"""The letter of each quantity as latex2mathml writes it, and its colour in the theme (as the films')."""
_LETTER = "|".join(re.escape(letter) for letter in _ROLES)
_SCRIPTED = re.compile(rf"<(msubsup|msub|msup)><mi>({_LETTER})</mi>")
_BARE = re.compile(rf"(?<!<msubsup>)(?<!<msub>)(?<!<msup>)<mi>({_LETTER})</mi>")


def mathml(latex: str, decimal: str, theme: Theme | None = None) -> str:
    """MathML of ``latex`` (an equation of :mod:`backprop_core.equations`), ``decimal`` as its mark.

    With a ``theme``, each quantity's symbol (with its indices) takes the quantity's colour, the
    same as in the films' equations: delta, z, weights and biases, targets, activations, the loss.
    """
    out = convert(latex, display="block")
    if decimal != ".":
        out = _MN_DECIMAL.sub(rf"\g<1>{decimal}\g<2>", out)
    if theme is None:
        return out

    def colour(letter: str) -> str:
        return f'style="color:{getattr(theme, _ROLES[letter])}"'

    out = _BARE.sub(lambda m: f"<mi {colour(m[1])}>{m[1]}</mi>", out)
    return _SCRIPTED.sub(lambda m: f"<{m[1]} {colour(m[2])}><mi>{m[2]}</mi>", out)


def neuron_key(layer: int, j: int) -> str:
    """The page's key of neuron ``j`` (0-based) of ``layer``: ``neuron-2-1``, 1-based as on screen."""
    return f"neuron-{layer}-{j + 1}"


def weight_key(layer: int, j: int, k: int) -> str:
    """The page's key of weight ``w^l_{jk}`` (0-based ``j``, ``k``): ``weight-1-2-1``."""
    return f"weight-{layer}-{j + 1}-{k + 1}"


def _equations(story: Story, eqs: dict, keys: tuple[str, ...]) -> list[str]:
    """General form and numbers of the equations ``keys`` of ``eqs``, as MathML blocks."""
    decimal, places = story.tr("format.decimal"), story.video["decimals"]
    blocks = []
    for key in keys:
        if key in eqs:
            for latex in (eqs[key].latex(), eqs[key].latex_numbers(places)):
                blocks.append(f'<div class="eq">{mathml(latex, decimal, story.theme)}</div>')
    return blocks


def _neuron_items(story: Story) -> dict[str, dict]:
    """The numbers and equations of every neuron of the explained step, keyed as on the page."""
    step, rec, tr, fmt = story.step, story.record, story.tr, story.fmt
    items = {}
    inputs = story.input_names
    for j in range(story.layers[0]):
        name = inputs[j] if inputs else f"x{j + 1}"
        items[neuron_key(0, j)] = {"title": tr("explorer.input_neuron", n=j + 1, name=name),
                                   "rows": [["a⁰ = x", fmt(rec.a[0][j])]], "equations": []}
    for layer in range(1, len(story.layers)):
        for j in range(story.layers[layer]):
            rows = [["z", fmt(rec.z[layer - 1][j])], ["a", fmt(rec.a[layer][j])],
                    ["δ", fmt(rec.delta[layer - 1][j])],
                    [tr("explorer.grad_bias"), fmt(step.grad_biases[layer - 1][j])],
                    [tr("explorer.bias_before"), fmt(step.before.biases[layer - 1][j])],
                    [tr("explorer.bias_after"), fmt(step.after.biases[layer - 1][j])]]
            eqs = story.neuron_eqs(layer, j)
            items[neuron_key(layer, j)] = {
                "title": tr("explorer.neuron", layer=layer, n=j + 1),
                "rows": rows,
                "equations": _equations(story, eqs, ("z", "a", "delta", "grad_b_mean", "update_b"))}
    return items


def _weight_items(story: Story) -> dict[str, dict]:
    """The numbers and equations of every weight of the explained step, keyed as on the page."""
    step, tr, fmt = story.step, story.tr, story.fmt
    items = {}
    for layer in range(1, len(story.layers)):
        for j in range(story.layers[layer]):
            for k in range(story.layers[layer - 1]):
                eqs = story.weight_eqs(layer, j, k)
                rows = [[tr("explorer.weight_before"), fmt(step.before.weights[layer - 1][j, k])],
                        [tr("explorer.gradient"), fmt(step.grad_weights[layer - 1][j, k])],
                        [tr("explorer.weight_after"), fmt(step.after.weights[layer - 1][j, k])]]
                if len(step.per_sample) > 1:  # the step averages: this sample's share too
                    rows.insert(1, [tr("explorer.gradient_sample"), fmt(eqs["grad_w"].value)])
                items[weight_key(layer, j, k)] = {
                    "title": tr("explorer.weight", layer=layer, previous=layer - 1, j=j + 1, k=k + 1),
                    "rows": rows,
                    "equations": _equations(story, eqs, ("grad_w", "grad_w_mean", "update_w"))}
    return items


def _height(layers: tuple[int, ...]) -> float:
    """The diagram's height: room for the widest layer, its neurons :func:`_spacing` apart."""
    return 2 * MARGIN + (max(layers) - 1) * _spacing(layers)


def _spacing(layers: tuple[int, ...]) -> float:
    """The distance of two neurons of a layer: wider for small layers, at least :data:`SPACING`."""
    return max(SPACING, min(100.0, 320.0 / max(max(layers) - 1, 1)))


def _columns(layers: tuple[int, ...]) -> dict[tuple[int, int], tuple[float, float]]:
    """The centre of every neuron ``(l, j)`` in the diagram: a column per layer, centred."""
    spacing, height = _spacing(layers), _height(layers)
    last = len(layers) - 1
    centres = {}
    for layer, n in enumerate(layers):
        x = MARGIN + 30 + layer * (WIDTH - 2 * MARGIN - 60) / last
        for j in range(n):
            centres[(layer, j)] = (x, height / 2 + (j - (n - 1) / 2) * spacing)
    return centres


def _edge_style(value: float, scale: float, floor: float) -> tuple[float, float]:
    """Stroke width and opacity of an edge of weight ``value`` (the film's scale, its faintest edge)."""
    share = min(abs(value) / scale, 1.0) if scale else 0.0
    return round(0.6 + 4.0 * share, 2), round(floor + (1 - floor) * share, 3)


def _hit_band(x1: float, y1: float, x2: float, y2: float, half: float = 5.0) -> str:
    """A transparent band around an edge, ``2 * half`` wide: what a click on the edge lands on."""
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1.0
    nx, ny = -(y2 - y1) / length * half, (x2 - x1) / length * half
    corners = ((x1 + nx, y1 + ny), (x2 + nx, y2 + ny), (x2 - nx, y2 - ny), (x1 - nx, y1 - ny))
    return f'<polygon class="hit" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in corners)}"/>'


def diagram_svg(story: Story) -> str:
    """The network of the explained step as SVG: edges and neurons, each with its page key."""
    theme, layers = story.theme, story.layers
    centres = _columns(layers)
    radius, height = 16.0, _height(layers)
    weights = story.step.before.weights
    parts = [f'<svg id="diagram" viewBox="0 0 {WIDTH:g} {height + 24:g}" role="img" '
             f'aria-label="{html.escape(story.tr("explorer.network"))}">']
    for layer in range(1, len(layers)):
        for j in range(layers[layer]):
            for k in range(layers[layer - 1]):
                (x1, y1), (x2, y2) = centres[(layer - 1, k)], centres[(layer, j)]
                value = float(weights[layer - 1][j, k])
                width, opacity = _edge_style(value, story.weight_scale, theme.edge_floor)
                colour = theme.positive if value >= 0 else theme.negative
                line = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
                parts.append(
                    f'<g class="edge" data-key="{weight_key(layer, j, k)}" tabindex="0">'
                    f'<line class="wire" {line} stroke="{colour}" stroke-width="{width}" '
                    f'stroke-opacity="{opacity}"/>{_hit_band(x1, y1, x2, y2)}</g>')
    for (layer, j), (x, y) in centres.items():
        parts.append(f'<g class="neuron" data-key="{neuron_key(layer, j)}" tabindex="0">'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/></g>')
    for layer in range(len(layers)):
        name = (story.tr("common.input") if layer == 0 else story.tr("common.output")
                if layer == len(layers) - 1 else story.tr("common.hidden", n=layer))
        x = centres[(layer, 0)][0]
        parts.append(f'<text class="layer" x="{x:.1f}" y="{height + 16:g}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _training(story: Story) -> dict | None:
    """The loss per epoch (curve points and labels) and every weight per epoch, when there are several."""
    epochs = story.trace.epochs
    if len(epochs) < 3:  # the initial parameters and one epoch: nothing to slide through
        return None
    losses = [float(e.loss) for e in epochs]
    low, high = min(losses), max(losses)
    span = (high - low) or 1.0
    last = len(epochs) - 1
    points = [[round(CURVE_LEFT + i * (CURVE_WIDTH - CURVE_LEFT - MARGIN) / last, 1),
               round(CURVE_HEIGHT - 24 - (loss - low) / span * (CURVE_HEIGHT - 48), 1)]
              for i, loss in enumerate(losses)]
    layers, theme, scale = story.layers, story.theme, story.weight_scale
    weights = {}
    for layer in range(1, len(layers)):
        for j in range(layers[layer]):
            for k in range(layers[layer - 1]):
                values = [float(e.params.weights[layer - 1][j, k]) for e in epochs]
                weights[weight_key(layer, j, k)] = {
                    "text": [story.fmt(v) for v in values],
                    "style": [[*_edge_style(v, scale, theme.edge_floor), v >= 0] for v in values]}
    return {"points": points, "weights": weights, "start": story.step.epoch - 1,
            "range": [story.fmt(high), story.fmt(low)],
            "labels": [story.tr("explorer.epoch_label", epoch=e.epoch, epochs=last, loss=story.fmt(e.loss))
                       for e in epochs]}


def _curve_svg(training: dict) -> str:
    """The loss curve: a polyline through the epochs' losses and the marker of the chosen epoch."""
    points = " ".join(f"{x},{y}" for x, y in training["points"])
    x, y = training["points"][training["start"]]
    heights = [point[1] for point in training["points"]]
    top, bottom = min(heights), max(heights)  # the highest loss is drawn at the top
    high, low = training["range"]
    return (f'<svg id="loss-curve" viewBox="0 0 {CURVE_WIDTH:g} {CURVE_HEIGHT:g}">'
            f'<line class="axis" x1="{CURVE_LEFT - 6:g}" y1="{top}" x2="{CURVE_LEFT - 6:g}" y2="{bottom}"/>'
            f'<text class="tick" x="{CURVE_LEFT - 10:g}" y="{top + 4}">{high}</text>'
            f'<text class="tick" x="{CURVE_LEFT - 10:g}" y="{bottom + 4}">{low}</text>'
            f'<polyline points="{points}"/><circle id="epoch-marker" cx="{x}" cy="{y}" r="5"/></svg>')


def _rounded(path_element: re.Match) -> str:
    """A ``<path>`` of a still with the numbers of its ``d`` rounded (2 places; 4 under a transform)."""
    element = path_element.group(0)
    places = 4 if "transform=" in element else 2

    def number(m: re.Match) -> str:
        text = f"{float(m.group(0)):.{places}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    return _D_ATTRIBUTE.sub(lambda d: f'd="{_DECIMAL.sub(number, d.group(1))}"', element)


_PATH = re.compile(r"<path\b[^>]*>")
_D_ATTRIBUTE = re.compile(r'd="([^"]*)"')
_DECIMAL = re.compile(r"-?\d+\.\d+")


def compact_svg(text: str) -> str:
    """An SVG still of :mod:`bpviz.outputs.svg_still` with its path coordinates rounded.

    Cairo writes six decimals; in picture pixels two are far below what a screen shows (the
    paths Cairo draws under a scaling ``transform``, in Manim units, keep four). Rounding makes
    the stills about a third smaller, before compression.
    """
    return _PATH.sub(_rounded, text)


def _packed_still(path: Path) -> str:
    """A still, compacted and gzipped, as base64: the page decompresses it (``DecompressionStream``)."""
    svg = compact_svg(path.read_text(encoding="utf-8"))
    return base64.b64encode(gzip.compress(svg.encode("utf-8"), 9, mtime=0)).decode("ascii")


def page_html(story: Story, stills: list, beats: list[Beat], folder: Path,
              clips: list[bytes | None] | None = None, clip_type: str = "") -> str:
    """The whole page: the stills in ``folder`` with their beats, the diagram, the training.

    ``stills`` are the production line's records of the SVG stills (``file``, ``chapter``, ``beat``,
    ``caption``), ``beats`` the beat each shows (with its narration), in the same order (a
    chapter can have two beats of one key, e.g. ``forward``'s ``layer`` per layer). ``clips``,
    for a page with a voice, holds each still's beat's voice clip (bytes of the MIME type
    ``clip_type``, ``None`` for a silent beat).
    """
    theme = story.theme
    raw = catalogue(story.language)  # templates the page fills in itself ({n}, {total} ...)
    words = {key: raw[f"explorer.{key}"] for key in (
        "title", "previous", "next", "beat_count", "network", "hint", "training", "epoch", "at_epoch",
        "film", "voice_on", "voice_off", "voice_label")}
    training = _training(story)
    voices = [None] * len(stills) if clips is None else clips
    data = {
        "beats": [{"svg": _packed_still(folder / s.file), "chapter": s.chapter, "beat": s.beat,
                   "title": raw.get(f"{s.chapter}.title", s.chapter),
                   "caption": s.caption, "say": b.say or s.caption,
                   **({} if clip is None else {"voice": base64.b64encode(clip).decode("ascii")})}
                  for s, b, clip in zip(stills, beats, voices, strict=True)],
        "voiced": clips is not None,
        "clip_type": clip_type,
        "items": {**_neuron_items(story), **_weight_items(story)},
        "focus": neuron_key(*story.focus_neuron),
        "training": training,
        "colours": {"positive": theme.positive, "negative": theme.negative},
        "words": words,
    }
    subtitle = story.tr("explorer.subtitle", layers="-".join(map(str, story.layers)),
                        epoch=story.step.epoch, step=story.video["step"], sample=story.record.sample + 1)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    training_html = "" if training is None else (
        f'<section id="training"><h2>{html.escape(words["training"])}</h2>{_curve_svg(training)}'
        f'<div class="controls"><label for="epoch">{html.escape(words["epoch"])}</label>'
        f'<input type="range" id="epoch" min="0" max="{len(training["points"]) - 1}" '
        f'value="{training["start"]}"><span id="epoch-label">'
        f'{html.escape(training["labels"][training["start"]])}</span></div></section>')
    return PAGE.format(
        lang=story.language, title=html.escape(words["title"]), subtitle=html.escape(subtitle),
        film=html.escape(words["film"]), previous=html.escape(words["previous"]),
        next=html.escape(words["next"]), last=len(stills) - 1, network=html.escape(words["network"]),
        hint=html.escape(words["hint"]), diagram=diagram_svg(story), training=training_html,
        voice="" if clips is None else VOICE.format(label=html.escape(words["voice_label"]),
                                                    on=html.escape(words["voice_on"])),
        data=payload, script=SCRIPT, css=CSS.format(t=theme))


def write_page(story: Story, stills: list, beats: list[Beat], folder: Path, output: Path,
               clips: list[bytes | None] | None = None, clip_type: str = "") -> Path:
    """Write the page to ``output`` (under a temporary name, then renamed: never half-written)."""
    partial = output.with_name(f".{output.name}.partial")
    partial.write_text(page_html(story, stills, beats, folder, clips, clip_type), encoding="utf-8")
    partial.replace(output)
    return output


CSS = """
body {{ background: {t.background}; color: {t.text}; font-family: "DejaVu Sans", sans-serif; margin: 0 auto;
       max-width: 1000px; padding: 16px; }}
h1 {{ font-size: 22px; margin: 4px 0; }} h2 {{ font-size: 17px; margin: 18px 0 6px; }}
.muted, #say {{ color: {t.muted}; }}
#still {{ width: 100%; aspect-ratio: 16 / 9; background: {t.panel}; }}
#still svg {{ width: 100%; height: auto; display: block; }}
.controls {{ display: flex; gap: 10px; align-items: center; margin: 8px 0; }}
.controls input[type=range] {{ flex: 1; }}
button {{ background: {t.panel}; color: {t.text}; border: 1px solid {t.muted}; padding: 4px 12px;
          font-size: 15px; cursor: pointer; }}
#voice .icon {{ width: 16px; height: 16px; vertical-align: -3px; fill: currentColor; }}
#voice .icon .waves, #voice .icon .slash {{ fill: none; stroke: currentColor; stroke-width: 1.5; }}
#voice[aria-pressed="true"] .slash, #voice[aria-pressed="false"] .waves {{ display: none; }}
#caption {{ font-size: 16px; margin: 6px 0; }}
#explore {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 1fr); gap: 16px;
            align-items: start; }}
@media (max-width: 700px) {{ #explore {{ grid-template-columns: minmax(0, 1fr); }} }}
#diagram {{ width: 100%; height: auto; }}
#details {{ background: {t.panel}; padding: 8px 12px; min-width: 0; }}
.edge .hit {{ fill: transparent; }}
[data-key]:focus {{ outline: none; }}
.edge, .neuron {{ cursor: pointer; }}
.neuron circle {{ fill: {t.neuron_fill}; stroke: {t.neuron_stroke}; stroke-width: 2; }}
.neuron:hover circle, .edge:hover .wire {{ stroke: {t.highlight}; }}
.selected circle {{ stroke: {t.highlight}; stroke-width: 4; }}
.selected .wire {{ stroke: {t.highlight} !important; stroke-opacity: 1 !important; }}
.layer {{ fill: {t.muted}; font-size: 13px; text-anchor: middle; }}
table {{ border-collapse: collapse; }} td {{ padding: 2px 10px 2px 0; }}
td.value {{ font-variant-numeric: tabular-nums; color: {t.activation}; }}
.eq {{ overflow-x: auto; padding: 2px 0; }}
math {{ font-size: 16px; }}
#loss-curve {{ width: 100%; max-width: 640px; }}
#loss-curve polyline {{ fill: none; stroke: {t.loss}; stroke-width: 2; }}
#epoch-marker {{ fill: {t.highlight}; stroke: {t.loss}; stroke-width: 2; }}
#loss-curve .axis {{ stroke: {t.muted}; }}
#loss-curve .tick {{ fill: {t.muted}; font-size: 12px; text-anchor: end; }}
"""

VOICE = ('<button id="voice" type="button" aria-pressed="true" title="{label}">'
         '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M1 6h3l4-3.5v11L4 10H1z"/>'
         '<path class="waves" d="M10.5 5.5a3.5 3.5 0 0 1 0 5M12.5 3.5a6.5 6.5 0 0 1 0 9"/>'
         '<path class="slash" d="M10.5 5.5l5 5M15.5 5.5l-5 5"/></svg> <span id="voice-state">{on}</span>'
         '</button><audio id="voice-clip" preload="none"></audio>')
"""The voice's button (on at first; a speaker drawn in SVG, no emoji font needed) and its player,
on a page with a voice only."""

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1>{title}</h1><p class="muted">{subtitle}</p></header>
<section id="film">
<h2>{film}</h2>
<div id="still" role="img"></div>
<div class="controls">
<button id="prev" type="button">&#9664; {previous}</button>
<input type="range" id="beat" min="0" max="{last}" value="0">
<button id="next" type="button">{next} &#9654;</button>
<span id="beat-count"></span>
{voice}
</div>
<p id="caption"></p>
<p id="say"></p>
</section>
<section>
<h2>{network}</h2>
<p class="muted">{hint}</p>
<div id="explore">{diagram}
<div id="details"><h3 id="what"></h3><table id="numbers"></table><div id="equations"></div></div>
</div>
</section>
{training}
<script type="application/json" id="bpviz-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

SCRIPT = """
"use strict";
const data = JSON.parse(document.getElementById("bpviz-data").textContent);
const words = data.words;
const slider = document.getElementById("beat");
let beat = 0;
function fill(template, values) {
  return template.replace(/\\{(\\w+)\\}/g, (m, k) => (k in values ? values[k] : m));
}
const unpacked = new Map();
async function svgOf(i) {  // the still of beat i: gzipped SVG in base64, unpacked once
  if (!unpacked.has(i)) {
    const bytes = Uint8Array.from(atob(data.beats[i].svg), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    unpacked.set(i, await new Response(stream).text());
  }
  return unpacked.get(i);
}
async function drawStill(i) {
  const svg = await svgOf(i);
  if (i !== beat) return;  // a later beat was asked for meanwhile
  const still = document.getElementById("still");
  still.innerHTML = svg;
  still.setAttribute("aria-label", data.beats[i].caption);
  still.dataset.beat = String(i);
}
const player = document.getElementById("voice-clip");  // only on a page with a voice
const voiceButton = document.getElementById("voice");
let voiceOn = true;
function speak(i) {  // the clip of beat i, started from its beginning (none: silence)
  player.pause();
  const clip = data.beats[i].voice;
  player.dataset.beat = String(i);
  if (!clip) { player.removeAttribute("src"); player.load(); return; }  // emptied, at 0
  player.src = `data:${data.clip_type};base64,${clip}`;
  if (voiceOn) player.play().catch(() => {});  // a play the browser refuses stays silent
}
function setVoice(on) {
  voiceOn = on;
  voiceButton.setAttribute("aria-pressed", String(on));
  document.getElementById("voice-state").textContent = on ? words.voice_on : words.voice_off;
  if (on) speak(beat); else player.pause();
}
if (voiceButton) voiceButton.addEventListener("click", () => setVoice(!voiceOn));
function showBeat(i, spoken = true) {
  const previous = beat;
  beat = Math.max(0, Math.min(data.beats.length - 1, i));
  const b = data.beats[beat];
  drawStill(beat);
  if (player && spoken && (beat !== previous || player.dataset.beat !== String(beat))) speak(beat);
  document.getElementById("caption").textContent = b.caption;
  document.getElementById("say").textContent = b.say;
  document.getElementById("beat-count").textContent =
    fill(words.beat_count, {n: beat + 1, total: data.beats.length, chapter: b.title});
  slider.value = beat;
}
document.getElementById("prev").addEventListener("click", () => showBeat(beat - 1));
document.getElementById("next").addEventListener("click", () => showBeat(beat + 1));
slider.addEventListener("input", () => showBeat(Number(slider.value)));
document.addEventListener("keydown", (e) => {
  if (e.target instanceof HTMLInputElement) return;  // a focused slider moves itself
  if (e.key === "ArrowRight") { showBeat(beat + 1); e.preventDefault(); }
  if (e.key === "ArrowLeft") { showBeat(beat - 1); e.preventDefault(); }
});
let selected = null;
let epochIndex = null;
function showItem(key) {
  const item = data.items[key];
  if (!item) return;
  if (selected) document.querySelector(`[data-key="${selected}"]`).classList.remove("selected");
  selected = key;
  document.querySelector(`[data-key="${key}"]`).classList.add("selected");
  document.getElementById("what").textContent = item.title;
  const table = document.getElementById("numbers");
  table.replaceChildren();
  const rows = item.rows.slice();
  const t = data.training;
  if (t && epochIndex !== null && t.weights[key]) {
    rows.push([fill(words.at_epoch, {epoch: epochIndex}), t.weights[key].text[epochIndex]]);
  }
  for (const [label, value] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    const cell = tr.insertCell();
    cell.textContent = value;
    cell.className = "value";
  }
  document.getElementById("equations").innerHTML = item.equations.join("");
}
for (const el of document.querySelectorAll("[data-key]")) {
  el.addEventListener("click", () => showItem(el.dataset.key));
  el.addEventListener("keydown", (e) => { if (e.key === "Enter") showItem(el.dataset.key); });
}
const epochSlider = document.getElementById("epoch");
function showEpoch(i) {
  const t = data.training;
  epochIndex = i;
  const [x, y] = t.points[i];
  const marker = document.getElementById("epoch-marker");
  marker.setAttribute("cx", x);
  marker.setAttribute("cy", y);
  document.getElementById("epoch-label").textContent = t.labels[i];
  for (const [key, w] of Object.entries(t.weights)) {
    const [width, opacity, positive] = w.style[i];
    const wire = document.querySelector(`[data-key="${key}"] .wire`);
    wire.setAttribute("stroke-width", width);
    wire.setAttribute("stroke-opacity", opacity);
    wire.setAttribute("stroke", positive ? data.colours.positive : data.colours.negative);
  }
  if (selected) showItem(selected);
}
if (epochSlider) epochSlider.addEventListener("input", () => showEpoch(Number(epochSlider.value)));
showBeat(0, false);  // nothing plays before the viewer steps
showItem(data.focus);
"""
