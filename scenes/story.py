"""The Story: what a film reads from a trace, and nothing it computes.

Scenes never train, never compute: they read the trace and the equations through a
:class:`Story`. A Story is a trace with the step, the sample and the focus that ``[video]`` asks
for (1-based, as on screen), how numbers are written in its language, the scales that map values
to colour and width, and what the chapters ask beyond the trace's fields: the chain rule's paths
(:meth:`Story.chain_paths`, :class:`ChainPath`), the updates an epoch makes and the explained
sample's loss at its next recorded step. A Story is made from a config source or a trace by
:mod:`scenes.loading`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import product

import numpy as np

from backprop_core import io
from backprop_core.config import steps_per_epoch
from backprop_core.equations import (
    format_fixed,
    format_number,
    loss_equations,
    neuron_equations,
    scaling_equation,
    share_equations,
    sign_equations,
    to_latex,
    weight_equations,
)
from backprop_core.equations.notation import Notation
from backprop_core.errors import ConfigError
from backprop_core.losses import CROSS_ENTROPY_OUTPUTS
from backprop_core.trace import SampleRecord, Step, Trace
from backprop_core.train import TrainingDiverged, train

from .text import DEFAULT_LANGUAGE, dataset_names, join, localized_tex, plain_number, short_names, tr
from .themes import THEMES, Theme


@dataclass(frozen=True)
class ChainPath:
    """One path of the chain rule from weight ``w^l_jk`` to the loss, and its factors.

    ``neurons`` are ``(layer, index)`` from ``(l, j)`` to the output neuron; ``symbolic`` and
    ``numbers`` are the LaTeX of the path's product of local derivatives (the term of the
    ``chain`` equation, with the story's decimal separator), without a value: only the whole sum
    has a trace field. ``softmax_output`` is the output ``i`` whose activation the path reaches
    through the softmax Jacobian (softmax without cross-entropy), else ``None``.
    """

    neurons: tuple[tuple[int, int], ...]
    symbolic: str
    numbers: str
    softmax_output: int | None = None


@dataclass(frozen=True, eq=False)
class Story:
    """A trace with the step, sample and focus a video explains, and how to show numbers.

    Parameters
    ----------
    trace : Trace
        The recorded run.
    video : dict
        The resolved ``[video]`` table (``trace.config["video"]``, possibly overridden).
    """

    trace: Trace
    video: dict
    _cache: dict = field(default_factory=dict, repr=False, init=False)

    @property
    def language(self) -> str:
        """``[video] language`` (``--lang``): the catalogue ``scenes/locales/<language>.toml``."""
        return self.video.get("language") or DEFAULT_LANGUAGE

    # -- what is explained ---------------------------------------------------------------------
    @cached_property
    def step(self) -> Step:
        """The explained step: ``[video] epoch`` and ``step`` (1-based within the epoch)."""
        cfg = self.trace.config
        index = (self.video["epoch"] - 1) * self.updates_per_epoch + self.video["step"] - 1
        try:
            return self.trace.step(index)
        except KeyError:
            raise ConfigError(
                f"[video] step: step {self.video['step']} of epoch {self.video['epoch']} (update "
                f"{index + 1}) is not recorded with [training] record = {cfg['training']['record']!r}; "
                "choose a recorded step or record = \"all\"") from None

    @cached_property
    def record(self) -> SampleRecord:
        """The explained sample of :attr:`step` (``[video] sample``, 1-based; default its first)."""
        wanted = self.video.get("sample")
        if wanted is None:
            return self.step.per_sample[0]
        try:
            return self.step.record(wanted - 1)
        except KeyError:
            shown = ", ".join(str(s + 1) for s in self.step.samples)
            raise ConfigError(f"[video] sample: sample {wanted} is not used in step "
                              f"{self.video['step']} of epoch {self.video['epoch']} "
                              f"(its samples: {shown})") from None

    # -- what the data are called and how they were scaled (the config's, never a scene's) ------
    @property
    def input_names(self) -> tuple[str, ...] | None:
        """The inputs' names (``[data] features``), or ``None``: the film says x1, x2 ...

        A bundled dataset's names in the story's language (:func:`~scenes.text.dataset_names`).
        """
        data = self.trace.config["data"]
        names = data.get("features")
        return None if names is None else dataset_names(data.get("dataset"), names, self.language)

    @property
    def output_names(self) -> tuple[str, ...] | None:
        """The outputs' names (``[data] classes`` or ``outputs``), or ``None``: y1, y2 ..."""
        data = self.trace.config["data"]
        names = data.get("classes") or data.get("outputs")
        return None if names is None else dataset_names(data.get("dataset"), names, self.language)

    @property
    def scaling(self) -> tuple[str, dict[str, np.ndarray]] | None:
        """``[data] scale`` and its parameters, one value per input; ``None`` when not scaled."""
        data = self.trace.config["data"]
        if data.get("scale", "none") == "none":
            return None
        return data["scale"], {k: np.asarray(v, dtype=float) for k, v in data["scaling"].items()}

    @property
    def raw_sample(self) -> np.ndarray | None:
        """The explained sample's inputs before scaling (``x`` is after); ``None`` when not scaled."""
        raw = self.trace.config["data"].get("raw_inputs")
        return None if raw is None else np.asarray(raw[self.record.sample], dtype=float)

    @cached_property
    def input_labels(self) -> tuple[str, ...] | None:
        """The inputs' names as the screen writes them (``petal length``), or ``None`` (x1, x2 ...).

        :func:`~scenes.text.short_names`: without units, words not underscores, short enough to
        stand beside a neuron.
        """
        return None if self.input_names is None else short_names(self.input_names)

    @cached_property
    def output_labels(self) -> tuple[str, ...] | None:
        """The outputs' names as the screen writes them (``setosa``), or ``None`` (y1, y2 ...)."""
        return None if self.output_names is None else short_names(self.output_names)

    @property
    def sample_class(self) -> str | None:
        """The explained sample's class name (its target's one-hot position), for class data only."""
        classes = self.trace.config["data"].get("classes")
        if not classes:
            return None
        return self.output_labels[int(np.argmax(np.asarray(self.record.y)))]

    @property
    def sample_text(self) -> str:
        """The explained sample as captions name it: ``72``, or ``72 (versicolor)`` for class data."""
        number = str(self.record.sample + 1)
        return number if self.sample_class is None else f"{number} ({self.sample_class})"

    def input_label(self, k: int) -> str:
        """Input ``k`` (0-based) on screen: its short name, or ``x1``, ``x2`` ... for inline data."""
        return self.input_labels[k] if self.input_labels else f"x{k + 1}"

    def output_label(self, j: int) -> str:
        """Output ``j`` (0-based) on screen: its class or column name, or ``y1`` ... for inline data."""
        return self.output_labels[j] if self.output_labels else f"y{j + 1}"

    @property
    def scaled_input(self) -> int:
        """The input whose scaling the film writes out: the first one the sample holds (raw not 0).

        The first input of scikit-learn's 8 x 8 digits is a corner pixel, blank in every image: its
        formula would say only ``0 - 0 = 0``.
        """
        raw = self.raw_sample
        held = [] if raw is None else [k for k, v in enumerate(raw) if v != 0]
        return held[0] if held else 0

    def scaling_eq(self, k: int):
        """How input ``k`` of the explained sample was scaled (an Equation), for scaled data only."""
        key = ("scale", k)
        if key not in self._cache:
            self._cache[key] = scaling_equation(self.trace, self.record.sample, k)
        return self._cache[key]

    @cached_property
    def rival(self) -> Trace | None:
        """The same run in the other mode, for ``training`` to show side by side (``[video] compare``).

        Online becomes batch, batch or minibatch becomes online: same data, initial weights,
        learning rate and epochs, trained by the engine with ``record = "epochs"``. ``None`` when
        comparing says nothing (one epoch, one sample, or ``compare = false``). A rival that
        diverges gives what it recorded before (its ``stopped`` says why).
        """
        cfg = self.trace.config
        n, training = len(cfg["data"]["inputs"]), cfg["training"]
        if not self.video.get("compare", True) or training["epochs"] < 2 or n < 2:
            return None
        mode = "batch" if training["mode"] == "online" else "online"
        same = io.config_of(cfg)
        try:
            return train(replace(same, mode=mode, batch_size=n if mode == "batch" else 1, record="epochs"))
        except TrainingDiverged as exc:
            return exc.trace

    @property
    def layers(self) -> tuple[int, ...]:
        """Neurons per layer, input first."""
        return self.trace.layers

    @property
    def n_layers(self) -> int:
        """``L``, the index of the output layer."""
        return len(self.trace.layers) - 1

    @property
    def focus_neuron(self) -> tuple[int, int]:
        """``(l, j)`` with 0-based ``j``: ``[video] focus``, else the first hidden neuron that learns.

        The default is the first neuron of layer 1 whose delta (this sample) and bias gradient
        (this step) are not zero (:meth:`_learning`), so a film of an untuned ReLU network does not
        explain a dead neuron; the first neuron when none is.
        """
        focus = self.video.get("focus")
        if focus:
            return focus[0], focus[1] - 1
        return 1, next((j for j in range(self.layers[1]) if self._learning(1, j)), 0)

    @property
    def focus_weight(self) -> tuple[int, int, int]:
        """``(l, j, k)`` 0-based ``j, k``: ``[video] focus`` when it names a weight, else one into the output.

        The default is the first ``w^L_jk`` whose gradient is not zero, this sample's and this
        step's (:meth:`_learning_weight`); ``w^L_11`` when none is.
        """
        focus = self.video.get("focus")
        if focus and len(focus) == 3:
            return focus[0], focus[1] - 1, focus[2] - 1
        return self._first_learning_weight(self.n_layers, range(self.layers[self.n_layers]))

    @property
    def hidden_weight(self) -> tuple[int, int, int]:
        """The weight the chain rule explains: the focus weight, else one into layer 1 (a path sum).

        The default starts at the focus neuron when it is in layer 1 and learns, and has a non-zero
        gradient (:meth:`_learning_weight`); ``w^1_11`` when no weight into layer 1 has one.
        """
        focus = self.video.get("focus")
        if focus and len(focus) == 3:
            return self.focus_weight
        layer, j = self.focus_neuron
        rows = [j, *(i for i in range(self.layers[1]) if i != j)] if layer == 1 else range(self.layers[1])
        return self._first_learning_weight(1, rows)

    def _learning(self, layer: int, j: int) -> bool:
        """Whether neuron ``(layer, j)`` learns in the explained step.

        Its delta (this sample) and the step's gradient of its bias are not zero (trace fields).
        """
        return (float(self.record.delta[layer - 1][j]) != 0.0
                and float(self.step.grad_biases[layer - 1][j]) != 0.0)

    def _learning_weight(self, layer: int, j: int, k: int) -> bool:
        """Whether ``w^layer_jk`` learns in the explained step.

        Its neuron learns, its input ``a^{layer-1}_k`` of this sample is not zero and neither is
        the step's gradient (trace fields).
        """
        return (self._learning(layer, j) and float(self.record.a[layer - 1][k]) != 0.0
                and float(self.step.grad_weights[layer - 1][j, k]) != 0.0)

    def _first_learning_weight(self, layer: int, rows) -> tuple[int, int, int]:
        """The first ``(layer, j, k)``, ``j`` in ``rows`` (in order), that learns; else ``(layer, 0, 0)``."""
        return next(((layer, j, k) for j in rows for k in range(self.layers[layer - 1])
                     if self._learning_weight(layer, j, k)), (layer, 0, 0))

    def why_zero(self, layer: int, j: int, k: int | None = None) -> tuple[str, dict] | None:
        """Why neuron ``(layer, j)`` (or weight ``w^layer_jk``) gets a zero gradient here, or ``None``.

        ``(key, values)`` of a catalogue text (``focus.inactive``, ``focus.no_error``,
        ``focus.zero_input``) with the trace's numbers it cites; the chapters say it when the
        user's ``[video] focus`` chose a neuron or weight that does not learn in this step.
        """
        fprime = self.neuron_eqs(layer, j)["fprime"].value
        values = {"neuron": j + 1, "layer": layer,
                  "activation": self.tr(f"activation_names.{self.trace.activations[layer - 1]}"),
                  "z": self.fmt(self.record.z[layer - 1][j]), "fprime": self.fmt(fprime)}
        if float(self.record.delta[layer - 1][j]) == 0.0:
            return ("focus.inactive" if fprime == 0.0 else "focus.no_error"), values
        if k is not None and float(self.record.a[layer - 1][k]) == 0.0:
            return "focus.zero_input", {**values, "input": k + 1, "prev": layer - 1}
        return None

    # -- how it looks --------------------------------------------------------------------------
    @property
    def theme(self) -> Theme:
        """The colours of ``[video] theme``."""
        return THEMES[self.video["theme"]]

    @property
    def notation(self) -> str:
        """``nielsen`` or ``delta_rule``."""
        return self.video["notation"]

    @property
    def pacing(self) -> float:
        """Multiplier of every duration."""
        return float(self.video["pacing"])

    # -- how numbers are written (the catalogue's [format] table): every number goes through here
    def fmt(self, value: float) -> str:
        """``value`` in plain text (captions, labels, subtitles, notes), ``0,5933`` in Spanish.

        ``[video] decimals``, the rounding of the equations, and the language's decimal separator.
        """
        return plain_number(format_number(float(value), self.video["decimals"]), self.language)

    def fmt_fixed(self, value: float) -> str:
        """``value`` in fixed point for a table column: ``[video] decimals`` places, zeros kept.

        ``0,0380`` in Spanish; a smaller value gets places up to its first digit (``0.00001``):
        :func:`~backprop_core.equations.latex.format_fixed`.
        """
        return plain_number(format_fixed(float(value), self.video["decimals"]), self.language)

    def column_places(self, values) -> int | None:
        """The decimals a column of ``values`` shares: the most any of them needs in fixed point.

        A value needs the places of :meth:`fmt_fixed` without its trailing zeros (``0.551`` three,
        ``1`` none, ``1.447e-5`` five), so the column writes ``0.5510`` beside ``0.5856`` and ``1``
        beside ``0``. ``None`` when no value is written in fixed point (all too small).
        """
        needed = [len(fixed.partition(".")[2].rstrip("0"))
                  for fixed in (format_fixed(float(v), self.video["decimals"]) for v in values)
                  if r"\times" not in fixed]
        return max(needed) if needed else None

    def fmt_places(self, value: float, places: int | None) -> str:
        """``value`` with ``places`` decimals (a column's, :meth:`column_places`), ``0,5510`` in Spanish.

        A value too small for fixed point, or ``places`` ``None``, is written as :meth:`fmt_fixed`.
        """
        fixed = format_fixed(float(value), self.video["decimals"])
        if places is None or r"\times" in fixed:
            return plain_number(fixed, self.language)
        text = f"{abs(float(value)) if float(value) == 0 else float(value):.{places}f}"
        return plain_number(text, self.language)

    def fmt_tex(self, value: float) -> str:
        """``value`` as LaTeX, as the equations write it, with the language's decimal separator."""
        return self.tex(format_number(float(value), self.video["decimals"]))

    def tex(self, latex: str) -> str:
        """LaTeX of :mod:`backprop_core.equations` with the language's decimal separator (``{,}``)."""
        return localized_tex(latex, self.language)

    def join(self, items, last: bool = True) -> str:
        """Formatted ``items`` as a list in running text (``0,01; 0,5 y 0,99``; see :func:`join`)."""
        return join(items, self.language, last)

    def tr(self, key: str, **values) -> str:
        """Catalogue text of ``key`` in the story's language."""
        return tr(key, self.language, **values)

    @cached_property
    def symbols(self) -> Notation:
        """LaTeX templates of the story's notation (``t_delta``, ``t_weight``, ``t_pre`` ...)."""
        return Notation(self.notation, self.n_layers)

    # -- equations -----------------------------------------------------------------------------
    def neuron_eqs(self, layer: int, j: int) -> dict:
        """Equations of neuron ``(layer, j)`` for the explained step and sample (cached)."""
        key = ("n", layer, j)
        if key not in self._cache:
            self._cache[key] = neuron_equations(self.trace, self.step, self.record.sample, layer, j,
                                                notation=self.notation)
        return self._cache[key]

    def weight_eqs(self, layer: int, j: int, k: int) -> dict:
        """Equations of weight ``w^layer_jk`` for the explained step and sample (cached)."""
        key = ("w", layer, j, k)
        if key not in self._cache:
            self._cache[key] = weight_equations(self.trace, self.step, self.record.sample, layer, j, k,
                                                notation=self.notation)
        return self._cache[key]

    def sign_eqs(self, layer: int, j: int, k: int) -> dict:
        """The delta rule's sign convention for weight ``w^layer_jk``: descent form, ``-delta x``, update."""
        key = ("s", layer, j, k)
        if key not in self._cache:
            self._cache[key] = sign_equations(self.trace, self.step, self.record.sample, layer, j, k)
        return self._cache[key]

    def share_eqs(self, layer: int, j: int) -> dict:
        """Each edge's share of hidden neuron ``(layer, j)``'s error, and BP2 summing them (cached).

        ``"shares"``: one equation per neuron of ``layer + 1`` (at the edge's key); ``"delta"``:
        BP2 with those shares as its terms (:func:`~backprop_core.equations.share_equations`).
        """
        key = ("b", layer, j)
        if key not in self._cache:
            self._cache[key] = share_equations(self.trace, self.step, self.record.sample, layer, j,
                                               notation=self.notation)
        return self._cache[key]

    def loss_eqs(self) -> dict:
        """Loss equations of the explained sample and step (cached)."""
        if "loss" not in self._cache:
            self._cache["loss"] = loss_equations(self.trace, self.step, self.record.sample,
                                                 notation=self.notation)
        return self._cache["loss"]

    # -- the scales of colour and width (they only style the drawing; numbers are trace fields)
    @cached_property
    def weight_scale(self) -> float:
        """Largest ``|w|`` anywhere in the trace, rounded up to two significant figures.

        One colour and width mapping for every step. The rounding keeps the mapping, and so the
        chapters before the update (:mod:`bpviz.production.fingerprint`), when a small change of the
        learning rate moves the largest weight only a little.
        """
        arrays = [*self.trace.initial.weights]
        for s in self.trace.steps:
            arrays += [*s.before.weights, *s.after.weights]
        for e in self.trace.epochs:
            arrays += [*e.params.weights]
        largest = max(float(np.max(np.abs(w))) for w in arrays)
        if largest == 0:
            return 1.0
        unit = 10.0 ** (math.floor(math.log10(largest)) - 1)
        return round(math.ceil(round(largest / unit, 9)) * unit, 12)

    @cached_property
    def activation_scale(self) -> float:
        """Largest ``|a|`` of the explained sample, at least 1 (sigmoid outputs fill up to 1)."""
        return max(1.0, *(float(np.max(np.abs(a))) for a in self.record.a))

    @cached_property
    def signal_scale(self) -> float:
        """Largest ``|w a|`` of the explained sample: the size of a forward contribution."""
        return max(float(np.max(np.abs(self.signal(i)))) for i in range(1, self.n_layers + 1)) or 1.0

    @cached_property
    def error_scale(self) -> float:
        """Largest ``|w delta|`` of the explained sample: the size of a backward contribution."""
        return max(float(np.max(np.abs(self.error(i)))) for i in range(1, self.n_layers + 1)) or 1.0

    def signal(self, layer: int) -> np.ndarray:
        """``w^l_jk a^{l-1}_k`` for every edge into ``layer``: what each edge carries forward.

        Only used to style the forward pulses; the numbers on screen are trace fields.
        """
        return np.asarray(self.step.before.weights[layer - 1]) * np.asarray(self.record.a[layer - 1])

    def error(self, layer: int) -> np.ndarray:
        """``w^l_jk delta^l_j`` for every edge into ``layer``: what each edge carries backwards."""
        return (np.asarray(self.step.before.weights[layer - 1])
                * np.asarray(self.record.delta[layer - 1])[:, None])

    def shown_delta(self, layer: int) -> np.ndarray:
        """``delta^l`` as the story's notation shows it: ``-dE/dz`` for ``delta_rule``, else ``dC/dz``.

        The trace always stores ``dE/dz``; the delta rule is a display choice (its sign flips).
        """
        delta = np.asarray(self.record.delta[layer - 1])
        return -delta if self.notation == "delta_rule" else delta

    def shown_error(self, layer: int) -> np.ndarray:
        """:meth:`error` in the notation's sign: ``w^l_jk`` times the shown ``delta^l_j``."""
        return (np.asarray(self.step.before.weights[layer - 1])
                * self.shown_delta(layer)[:, None])

    @cached_property
    def delta_scale(self) -> float:
        """Largest ``|delta|`` of the explained sample: the delta that gets the fullest colour."""
        return max(float(np.max(np.abs(d))) for d in self.record.delta) or 1.0

    # -- what the chapters ask beyond the trace's fields ---------------------------------------
    @property
    def updates_per_epoch(self) -> int:
        """How many updates one epoch of the story's run makes."""
        cfg = self.trace.config
        return steps_per_epoch(len(cfg["data"]["inputs"]), cfg["training"]["batch_size"])

    def later_sample_loss(self) -> tuple[float, int, int] | None:
        """``(loss, updates, epoch)``: the explained sample's loss at the next recorded step using it.

        ``updates`` counts the updates (this one included) made before that loss, ``epoch`` is that
        step's epoch; ``None`` when no later step records the sample.
        """
        sample = self.record.sample
        for step in self.trace.steps:
            if step.index > self.step.index and sample in step.samples:
                return step.record(sample).loss, step.index - self.step.index, step.epoch
        return None

    def chain_paths(self, layer: int, j: int, k: int) -> list[ChainPath]:
        """The terms of ``weight_eqs(layer, j, k)["chain"]``, one per path, in the equation's order."""
        eq = self.weight_eqs(layer, j, k)["chain"]
        later = list(range(self.n_layers, layer, -1))
        combos = list(product(*[range(self.layers[q]) for q in later]))
        symbolic = eq.expanded.args if eq.expanded.is_Add else (eq.expanded,)
        numbers = eq.substituted.args if eq.substituted.is_Add else (eq.substituted,)
        jacobian = len(symbolic) > len(combos)  # the equation's outer loop over the softmax outputs
        paths = []
        for pos, (sym, nums) in enumerate(zip(symbolic, numbers)):
            choice = dict(zip(later, combos[pos % len(combos)]))
            neurons = ((layer, j), *((q, choice[q]) for q in range(layer + 1, self.n_layers + 1)))
            numbers_tex = self.tex(to_latex(nums, self.video["decimals"]))
            paths.append(ChainPath(neurons, to_latex(sym), numbers_tex,
                                   pos // len(combos) if jacobian else None))
        return paths

    @property
    def chain_starts_at_delta(self) -> bool:
        """Whether each chain-rule path starts at ``dC/dz^L = a^L - y`` rather than ``dC/da^L f'(z^L)``.

        True for cross-entropy on a sigmoid or softmax output (the equations' simplification).
        """
        return self.trace.loss_name == "cross_entropy" and self.trace.activations[-1] in CROSS_ENTROPY_OUTPUTS
