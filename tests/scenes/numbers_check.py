"""Checks that every number on screen is a trace field and every equation evaluates to its number.

Walks a settled frame: each :class:`ValueLabel` must show ``story.fmt(value)`` (``story.fmt_fixed``
for a label in fixed point: a table column; ``story.fmt_places`` for a label with its column's
decimals) of a value the trace holds (at the label's neuron or
weight when it has a key), each :class:`EquationBlock` must be an equation of
:mod:`backprop_core.equations` for the story's step, ending ``= value`` (and what it writes on
screen, when it leaves terms out, only numbers of that equation), and each vector
(``vector_tex``, which keeps ``.values``) must list trace values. A delta label on an edge
``(l, m, j)`` is that edge's share of the blame, ``w^l_mj delta^l_m`` (``Story.share_eqs``).

Numbers are read as the story's language writes them (``[format] decimal`` of its catalogue:
``0,5933`` in Spanish, ``0{,}5933`` in its LaTeX): a label or an equation's value is read back
with that separator and must round to its trace value, and a number written with the other
separator is a problem.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from manim import MathTex

from backprop_core.equations import format_number
from scenes.layout import MAX_NEURONS_PER_LAYER, is_dense
from scenes.mobjects.equation_panel import EquationBlock
from scenes.mobjects.value_label import ValueLabel
from scenes.story import Story
from scenes.text import catalogue

from .layout_check import scene_leaves


class TraceNumbers:
    """Every number of a story's trace, globally and by neuron ``(l, j)`` or weight ``(l, j, k)``.

    Also the values of the story's equations (``fprime``, per-sample gradients, chain rule, and
    in the delta-rule notation the sign convention's), which :mod:`backprop_core.equations`
    computes and a scene may show.
    """

    def __init__(self, story: Story):
        self.story = story
        self.sign = -1.0 if story.notation == "delta_rule" else 1.0
        self.all: set[float] = set()
        self.at: dict[tuple, set[float]] = defaultdict(set)
        self.shown_delta: dict[tuple, set[float]] = defaultdict(set)
        self._built: list = []  # the equations built so far (equations, _build_more)
        self._groups = None  # what builds the rest, group by group
        self._printed: list = []  # the equations by_numbers has printed, in order
        self._by_tex: dict = {}  # plain LaTeX with numbers -> its equations (by_numbers)
        trace = story.trace
        for params in [trace.initial, *(s.before for s in trace.steps), *(s.after for s in trace.steps),
                       *(e.params for e in trace.epochs)]:
            self._params(params.weights, params.biases)
        for step in trace.steps:
            self._params(step.grad_weights, step.grad_biases)
            self.all.add(step.loss)
            for rec in step.per_sample:
                self._record(rec)
        rival = story.rival.epochs if story.rival is not None else []
        for epoch in [*trace.epochs, *rival]:  # the rival run: the same run in the other mode
            self.all.update(v for v in (epoch.loss, epoch.accuracy, epoch.epoch) if v is not None)
            if epoch.outputs is not None:  # every sample's output, first and last epoch
                self.all.update(float(v) for v in epoch.outputs.ravel())
        cfg = trace.config
        self.all.add(float(cfg["training"]["learning_rate"]))
        for row in [*cfg["data"]["inputs"], *cfg["data"]["targets"], *cfg["data"].get("raw_inputs", [])]:
            self.all.update(float(v) for v in row)

    def _put(self, key: tuple, value: float) -> None:
        self.at[key].add(float(value))
        self.all.add(float(value))

    def _params(self, weights, biases) -> None:
        for layer, (w, b) in enumerate(zip(weights, biases), start=1):
            for (j, k), v in _items(w):
                self._put((layer, j, k), v)
            for (j,), v in _items(b):
                self._put((layer, j), v)

    def _record(self, rec) -> None:
        for layer, a in enumerate(rec.a):
            for (j,), v in _items(a):
                self._put((layer, j), v)
        for layer, (z, delta) in enumerate(zip(rec.z, rec.delta), start=1):
            for (j,), v in _items(z):
                self._put((layer, j), v)
            for (j,), v in _items(delta):
                self._put((layer, j), v)
                shown = self.sign * float(v)
                self._put((layer, j), shown)
                self.shown_delta[(layer, j)].add(shown)
                self.shown_delta[()].add(shown)
        last = len(rec.a) - 1
        for (j,), v in _items(rec.y):
            self._put((last, j), v)
        self.all.add(rec.loss)

    # -- equations of the explained step -------------------------------------------------------
    # Built lazily, in the order a scene most often shows them (the loss, each shown neuron's
    # equations and shares, the focus weights, then every other weight): a lookup that finds its
    # equation stops there, and only a miss builds them all. A batch story's weight equations are
    # means over its samples, and building every one took most of a data chapter's check (breast
    # cancer's forward chapter: 30 x 16 of them, none on screen).
    def equations(self) -> list:
        """Every equation of the story's step and sample (all built, on first use)."""
        while self._build_more():
            pass
        return self._built

    def _build_more(self) -> bool:
        """Build the next group of equations; ``False`` when every group is built."""
        if self._groups is None:
            self._groups = self._equation_groups()
        group = next(self._groups, None)
        if group is None:
            return False
        self._built += group
        return True

    def _equation_groups(self):
        """The story's equations in groups, the ones scenes show most often first."""
        story = self.story
        yield [*story.loss_eqs().values()]
        for layer in range(1, story.n_layers + 1):
            for j in self._shown(layer):
                group = [*story.neuron_eqs(layer, j).values()]
                if layer < story.n_layers:  # each edge's share of a hidden error, and BP2 of them
                    blame = story.share_eqs(layer, j)
                    group += [*blame["shares"], blame["delta"]]
                yield group
        for key in dict.fromkeys([story.focus_weight, story.hidden_weight]):
            yield self._weight_group(key, story.notation == "delta_rule" and self._is_shown(key))
        if story.scaling is not None:  # how each input of the sample was scaled (forward)
            yield [story.scaling_eq(k) for k in range(story.layers[0])]
        for layer in range(1, story.n_layers + 1):
            for j in self._shown(layer):
                for k in self._shown(layer - 1):
                    yield self._weight_group((layer, j, k), story.notation == "delta_rule")

    def _weight_group(self, key: tuple, sign: bool) -> list:
        """Equations of weight ``key`` and, with ``sign``, the delta rule's sign convention beat."""
        group = [*self.story.weight_eqs(*key).values()]
        return group + [*self.story.sign_eqs(*key).values()] if sign else group

    def _is_shown(self, key: tuple) -> bool:
        layer, j, k = key
        return j in self._shown(layer) and k in self._shown(layer - 1)

    def _shown(self, layer: int) -> range | list:
        """Neurons of ``layer`` whose equations a scene may show: all, but in a layer drawn as an
        image (dense mode's input: 8 x 8 or 28 x 28 pixels) or too large for a column (more than
        :data:`~scenes.layout.MAX_NEURONS_PER_LAYER`) only the first and the focus neuron; building
        12,960 weight equations would take minutes (1,024 of a batch of 100, over a minute)."""
        n = self.story.layers[layer]
        if n <= MAX_NEURONS_PER_LAYER and not (layer == 0 and is_dense(self.story.layers)):
            return range(n)
        focus = [self.story.focus_neuron[1]] if self.story.focus_neuron[0] == layer else []
        return sorted({0, *focus})

    def equation_values(self, key: tuple | None = None) -> set[float]:
        """Values of the equations at ``key`` (all of them for ``None``)."""
        return {e.value for e in self.equations() if key is None or tuple(e.at) == key}

    def _found(self, wanted) -> bool:
        """Whether an equation built so far, or built group by group until one is, is ``wanted``."""
        checked = 0
        while True:
            if any(wanted(e) for e in self._built[checked:]):
                return True
            checked = len(self._built)
            if not self._build_more():
                return False

    def by_numbers(self, numbers: str, value: float | None = None) -> list:
        """The equations whose LaTeX with numbers is ``numbers`` (up to colours and line breaks),
        written with the language's decimal separator.

        With ``value``, equations are built only until one of them with that LaTeX has that value
        (the list then holds the matches built so far); without it, or when none has, all of them.
        """
        decimals, tex = self.story.video["decimals"], plain_tex(numbers)
        while True:
            for e in self._built[len(self._printed):]:  # each equation printed once, not once a block
                self._printed.append(e)
                self._by_tex.setdefault(plain_tex(self.story.tex(e.latex_numbers(decimals=decimals))),
                                        []).append(e)
            matches = self._by_tex.get(tex, [])
            if value is not None and value in {e.value for e in matches} or not self._build_more():
                return list(matches)

    def known(self, value: float, key: tuple | None) -> bool:
        """Whether ``value`` is a trace value (at neuron or weight ``key`` when given)."""
        if key is not None and self._is_key(key):
            return value in self.at[key] or self._found(lambda e: e.value == value and tuple(e.at) == key)
        return value in self.all or self._found(lambda e: e.value == value)

    def shares(self, edge: tuple) -> set[float]:
        """The values of edge ``(l, m, j)``'s share of hidden neuron ``(l - 1, j)``'s error."""
        layer, _, j = edge
        if not 1 <= layer - 1 < self.story.n_layers:
            return set()
        return {e.value for e in self.story.share_eqs(layer - 1, j)["shares"] if tuple(e.at) == edge}

    def _is_key(self, key) -> bool:
        layers = self.story.layers
        if not isinstance(key, tuple) or not all(isinstance(i, int) for i in key) or not key:
            return False
        layer = key[0]
        if len(key) == 2:
            return 0 <= layer < len(layers) and 0 <= key[1] < layers[layer]
        return (len(key) == 3 and 1 <= layer < len(layers) and 0 <= key[1] < layers[layer]
                and 0 <= key[2] < layers[layer - 1])


_LAYOUT_TEX = re.compile(r"\\color\[HTML\]\{[0-9A-Fa-f]{6}\}|\\(?:left|right|[bB]igg?[lr]?|quad|qquad)\b"
                         r"|\\[,;:! ]|\\\\|[&{}\s]")


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
"""A number as :func:`plain_tex` leaves it (``0,5933`` in Spanish)."""


def plain_tex(latex: str) -> str:
    """``latex`` without what only changes its look: colours, alignment, line breaks, spacing,
    bracket sizes and braces (so an equation broken into lines still matches its source)."""
    return _LAYOUT_TEX.sub("", latex)


def decimal_separator(story: Story) -> str:
    """The decimal separator of the story's language (``[format] decimal`` of its catalogue)."""
    return catalogue(story.language)["format.decimal"]


def read_number(text: str, decimal: str) -> tuple[float, float] | None:
    """The number ``text`` ends with, read with ``decimal`` as separator, and its rounding step.

    ``0,5933`` with ``","`` is ``(0.5933, 0.0001)``; ``1,2e-7`` is ``(1.2e-07, 1e-08)``. ``None``
    when ``text`` does not end with a number written that way (``0.5933`` with ``","``).
    """
    sep = re.escape(decimal)
    match = re.search(rf"(?<![\d.,])(-?\d+)(?:{sep}(\d+))?(?:e(-?\d+))?$", text.strip())
    if match is None:
        return None
    whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3) or 0)
    value = float(f"{whole}.{fraction or 0}e{exponent}")
    return value, 10.0 ** (exponent - len(fraction))


def read_problems(where: str, text: str, value: float, decimal: str) -> list[str]:
    """Whether ``text`` ends with ``value``, read back as the language writes numbers."""
    read = read_number(text, decimal)
    if read is None:
        return [f"{where}: {text!r} does not end with a number written with decimal {decimal!r}"]
    number, step = read
    if abs(number - value) > step / 2 * (1 + 1e-9) + 1e-12:
        return [f"{where}: reads {number!r} with decimal {decimal!r}, its value is {value!r}"]
    return []


def _items(array):
    return np.ndenumerate(np.asarray(array, dtype=float))


def label_problems(label: ValueLabel, numbers: TraceNumbers) -> list[str]:
    """What is wrong with one value label."""
    story, problems = numbers.story, []
    where = f"ValueLabel({label.text!r}, {label.quantity}, key={label.key})"
    problems += read_problems(where, label.text, label.value, decimal_separator(story))
    if label.places is not None:  # a column's decimals, zeros padded (0.5510 beside 0.5856)
        written = story.fmt_places(label.value, label.places)
    else:
        written = (story.fmt_fixed if label.fixed else story.fmt)(label.value)
    if not label.text.endswith(written):
        problems.append(f"{where} shows {label.text!r}, but its value {label.value!r} is written "
                        f"{written!r}")
    if not numbers.known(label.value, label.key):
        at = f" at {label.key}" if label.key is not None else ""
        problems.append(f"{where}: {label.value!r} is not a trace value{at}")
    if label.quantity == "delta" and numbers._is_key(label.key) and len(label.key) == 3:
        if label.value not in numbers.shares(label.key):  # a delta on an edge: that edge's share of the blame
            problems.append(f"{where}: {label.value!r} is not the share w·δ of edge {label.key}")
    elif label.quantity == "delta":
        key = label.key if numbers._is_key(label.key) and len(label.key) == 2 else ()
        if label.value not in numbers.shown_delta[key]:
            problems.append(f"{where}: {label.value!r} is not a delta in the {story.notation} sign")
    return problems


def block_problems(block: EquationBlock, numbers: TraceNumbers) -> list[str]:
    """What is wrong with one equation block."""
    decimals = numbers.story.video["decimals"]
    where = f"EquationBlock({block.numbers_tex[:60]!r})"
    if block.value is None:
        return [f"{where} keeps no value"]
    problems = []
    written = numbers.story.tex(format_number(block.value, decimals))
    shown = plain_tex(block.numbers_tex).rpartition("=")[2].replace(r"\times10^", "e")
    problems += read_problems(where, shown, block.value, decimal_separator(numbers.story))
    if decimal_separator(numbers.story) != "." and re.search(r"\d\.\d", block.numbers_tex):
        problems.append(f"{where} writes a decimal point, the language writes "
                        f"{decimal_separator(numbers.story)!r}")
    if plain_tex(block.numbers_tex).rpartition("=")[2] != plain_tex(written):
        problems.append(f"{where} does not end with '= {written}', its value {block.value!r}")
    shown = getattr(block, "shown_tex", block.numbers_tex)  # a tight fan's sum: a few shares and + ...
    missing = set(_NUMBER.findall(plain_tex(shown))) - set(_NUMBER.findall(plain_tex(block.numbers_tex)))
    if missing:
        problems.append(f"{where} shows {sorted(missing)}, which its equation does not hold")
    matches = numbers.by_numbers(block.numbers_tex, block.value)
    if not matches:
        problems.append(f"{where} is not an equation of backprop_core.equations for this step")
    elif block.value not in {e.value for e in matches}:
        problems.append(f"{where}: value {block.value!r}, the equation's is {matches[0].value!r}")
    return problems


def vector_problems(tex: MathTex, numbers: TraceNumbers) -> list[str]:
    """What is wrong with a vector of values (``pieces.vector_tex`` keeps them in ``.values``)."""
    problems = []
    for value in tex.values:
        if not numbers.known(value, None):
            problems.append(f"vector {tex.tex_string[:50]!r}: {value!r} is not a trace value")
        if numbers.story.fmt_tex(value) not in tex.tex_string:
            problems.append(f"vector {tex.tex_string[:50]!r} does not show {numbers.story.fmt_tex(value)!r}")
    return problems


def number_problems(scene, numbers: TraceNumbers) -> tuple[list[str], int]:
    """Problems of every number on the current frame, and how many numbers were checked."""
    problems, checked = [], 0
    for label in scene_leaves(scene, (ValueLabel,)):
        problems += label_problems(label, numbers)
        checked += 1
    for block in scene_leaves(scene, (EquationBlock,)):
        problems += block_problems(block, numbers)
        checked += 1
    for tex in scene_leaves(scene, (MathTex,)):
        if hasattr(tex, "values"):
            problems += vector_problems(tex, numbers)
            checked += 1
    return problems, checked
