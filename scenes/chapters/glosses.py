r"""Symbols in words: the first time a symbol appears in a film, a short gloss under its equation.

One catalogue (the ``[gloss]`` tables of ``scenes/locales/*.toml``, with ``[gloss.nielsen]`` and
``[gloss.delta_rule]`` for what the notations write differently) gives both the glosses under the
equations and the symbol table of the slide decks (:func:`symbol_table`). A symbol is found in
the LaTeX of the equations a beat shows (``\delta^{1}_{1}``, ``w^{2}_{m1}``, ``\sum``, ``\eta``,
``\sigma``, ``\sigma'``, ``\frac{\partial C}{\partial w ...}``); the scene remembers which ones it
has glossed, so each is glossed once in a chapter's own video. In the full film a chapter starts
with what the chapters before it glossed (:func:`~scenes.chapters.registry.glossed_before`), so a
symbol is glossed once in the whole film, also when its chapters render as separate jobs.
"""

from __future__ import annotations

import re

from manim import DOWN, LEFT, VGroup

from .. import style
from .pieces import indexed, wrapped_text
from .wrapping import panel_of, panel_stack

_SUP = r"(?:\^\{\(?([^{}()]+)\)?\})?"
PATTERNS = {
    "weight": re.compile(r"(?<![a-zA-Z\\])w" + _SUP + r"_\{([^{}]+)\}"),
    "delta": re.compile(r"\\delta" + _SUP + r"_\{([^{}]+)\}"),
    "sum": re.compile(r"\\sum"),
    "partial": re.compile(r"\\frac\{\\partial [CE][^{}]*(?:\{[^{}]*\}[^{}]*)*\}\{\\partial w"),
    "eta": re.compile(r"\\eta\b"),
    "sigma_prime": re.compile(r"\\sigma'"),
    "sigma": re.compile(r"\\sigma(?![_'a-zA-Z])"),  # not the standard deviation of scaling, σ_k
    "preactivation": re.compile(r"(?<![a-zA-Z\\])z(?=[\^_]\{)|\\mathrm\{net\}"),
    "activation": re.compile(r"(?<![a-zA-Z\\])[aox](?=_\{|\^\{(?!\\mathrm))"),
}
"""How each symbol of the table is recognised in an equation's LaTeX."""
SIGMOID = r"\sigma"
"""What a beat adds to its LaTeX when it shows a sigmoid layer's activation (its equation writes
the function out, ``1 / (1 + e^{-z})``, and the words name σ)."""
TABLE = ("preactivation", "activation", "weight_general", "sum", "sigma", "sigma_prime", "delta_general",
         "partial", "eta")
"""The rows of the symbol table, in the order the film first shows them."""
GLOSS_SHARE = 0.34
"""At most this share of the panel's height goes to one beat's glosses; the symbols that do not fit
are glossed the next time they appear (the equations keep their room)."""
NOTATION_KEYS = ("delta", "delta_general", "partial", "preactivation", "activation")
"""Glosses worded per notation (``[gloss.<notation>]``)."""


def _key(kind: str, notation: str) -> str:
    return f"gloss.{notation}.{kind}" if kind in NOTATION_KEYS else f"gloss.{kind}"


def _indices(text: str) -> list[str]:
    """``"11"`` -> ``["1", "1"]``, ``"1,12"`` -> ``["1", "12"]``, ``"m1"`` -> ``["m", "1"]``."""
    return text.split(",") if "," in text else list(text)


def _number(index: str) -> int | None:
    return int(index) if index.isdigit() else None


def gloss_of(kind: str, match: re.Match, story) -> str:
    """The gloss of one symbol found by :data:`PATTERNS` (its indices filled in where it has them)."""
    notation = story.notation
    if kind in ("weight", "delta"):
        layer = match.group(1) or str(story.n_layers)
        indices = _indices(match.group(2))
        numbers = [_number(i) for i in [layer, *indices]]
        wanted = 3 if kind == "weight" else 2
        if len(indices) != wanted - 1 or None in numbers:  # letters (w^2_m1) or unreadable: in general
            return story.tr(_key(f"{kind}_general", notation))
        base = "w" if kind == "weight" else "δ"
        symbol = indexed(base, numbers[0], *(n - 1 for n in numbers[1:]))
        values = {"symbol": symbol, "l": numbers[0], "j": numbers[1]}
        if kind == "weight":
            values.update(k=numbers[2], prev=numbers[0] - 1)
        return story.tr(_key(kind, notation), **values)
    return story.tr(_key(kind, notation))


def new_glosses(scene, story, *latex: str) -> list[str]:
    """Glosses of the symbols in ``latex`` that ``scene`` has not glossed yet, in order of appearance.

    The symbols found are remembered on the scene (``scene.glossed``).
    """
    return [text for _, text in _new_glosses(scene, story, *latex)]


def _new_glosses(scene, story, *latex: str) -> list[tuple[str, str]]:
    """``(kind, gloss)`` of each symbol of ``latex`` not glossed yet, in order; all marked glossed."""
    seen = scene.__dict__.setdefault("glossed", set())
    found = []
    text = " ".join(latex)
    for kind, pattern in PATTERNS.items():
        match = pattern.search(text)
        if match is not None and kind not in seen:
            found.append((match.start(), kind, match))
    glosses = []
    for _, kind, match in sorted(found, key=lambda item: item[0]):
        seen.add(kind)
        glosses.append((kind, gloss_of(kind, match, story)))
    return glosses


def gloss_text(part, *latex: str) -> VGroup | None:
    """The new glosses of ``latex`` as one muted block, wrapped to the panel, or ``None``.

    Each gloss on a line of its own, under the beat's equation; as many as fit in
    :data:`GLOSS_SHARE` of the panel (at least one), the others left for the next time they show.
    """
    found = _new_glosses(part.scene, part.story, *latex)
    lines, height = [], 0.0
    for kind, gloss in found:
        line = wrapped_text(gloss, part.regions.panel.width, style.STATUS_SIZE, part.theme.muted, shrink=0.9)
        height += line.height + (0.22 if lines else 0.0)
        if lines and height > GLOSS_SHARE * part.regions.panel.height:
            part.scene.glossed.discard(kind)  # no room left under this beat: glossed where it shows next
            continue
        lines.append((kind, gloss, line))
    if not lines:
        return None
    return _block(lines)


def _block(lines: list) -> VGroup:
    """The gloss block of ``(kind, gloss, line)`` entries: their lines under each other."""
    block = VGroup(*(line for *_, line in lines)).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
    block.glosses, block.kinds, block.entries = [g for _, g, _ in lines], {k for k, *_ in lines}, lines
    return block


def symbol_table(story) -> tuple[str, list[str]]:
    """The title and the rows of the symbol table of a deck, in the story's notation and language."""
    rows = [story.tr(_key(kind, story.notation)) for kind in TABLE]
    return story.tr("gloss.table_title"), rows


def with_gloss(part, panel: VGroup, gloss: VGroup | None) -> VGroup:
    """``panel`` (its blocks) with ``gloss`` under them, as many of its lines as fit the panel's region.

    A gloss that would make the equations smaller is left out (the last ones first), and its
    symbols are glossed the next time they appear instead.
    """
    if gloss is None:
        return panel
    entries, height = list(gloss.entries), panel.height  # the panel measured once: it stays as it is
    while entries and height + 0.4 + _block(entries).height > part.regions.panel.height:
        part.scene.glossed.discard(entries.pop()[0])
    if not entries:
        return panel
    return panel_stack(part, *panel.submobjects, _block(entries), buff=0.4)


def sigmoid_of(part, *layers: int) -> str:
    """:data:`SIGMOID` when one of ``layers`` (1-based) has the sigmoid activation, else ``""``."""
    activations = part.story.trace.activations
    return SIGMOID if any(activations[layer - 1] == "sigmoid" for layer in layers) else ""


def gloss_room(gloss: VGroup | None) -> float:
    """The panel height ``gloss`` takes under the equations (none without a gloss)."""
    return gloss.height + 0.4 if gloss is not None else 0.0


def glossed_panel(part, builders, *latex: str, **panel_options) -> VGroup:
    """:func:`~.wrapping.panel_of` of ``builders`` with the new glosses of ``latex`` under its blocks.

    Room for the glosses is kept from every block's height, so the equations keep their size.
    """
    gloss = gloss_text(part, *latex)
    room = gloss_room(gloss)
    panel = panel_of(part, *(lambda h, build=build: build(h - room) for build in builders), **panel_options)
    return with_gloss(part, panel, gloss)
