"""The one bridge from the scenes to the engine: a :class:`Story` holds what a video explains.

Scenes never train, never compute: they read the trace and the equations through a Story.
A Story is built from a config source (TOML path or preset name) or from a trace, and picks
the step, the sample and the focus that ``[video]`` asks for (1-based, as on screen).
Its drawing scales are in :mod:`scenes.story_scales`; what the chapters ask of it beyond
its fields (chain-rule paths, updates per epoch, a sample's later loss) is in
:mod:`scenes.story_queries`, whose functions are importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from backprop_core import io
from backprop_core.config import load, steps_per_epoch
from backprop_core.equations import (
    format_fixed,
    format_number,
    loss_equations,
    neuron_equations,
    sign_equations,
    weight_equations,
)
from backprop_core.equations.notation import Notation
from backprop_core.errors import ConfigError
from backprop_core.trace import SampleRecord, Step, Trace
from backprop_core.train import TrainingDiverged, train

from .story_queries import ChainPath as ChainPath
from .story_queries import chain_paths as chain_paths
from .story_queries import chain_starts_at_delta as chain_starts_at_delta
from .story_queries import later_sample_loss as later_sample_loss
from .story_queries import updates_per_epoch as updates_per_epoch
from .story_scales import StoryScales
from .text import DEFAULT_LANGUAGE, join, localized_tex, plain_number, tr
from .themes import THEMES, Theme
from .video_config import resolve, resolve_trace, video_of


@dataclass(frozen=True, eq=False)
class Story(StoryScales):
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
        per_epoch = steps_per_epoch(len(cfg["data"]["inputs"]), cfg["training"]["batch_size"])
        index = (self.video["epoch"] - 1) * per_epoch + self.video["step"] - 1
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
        """``(l, j)`` with 0-based ``j``: ``[video] focus`` or the first hidden neuron."""
        focus = self.video.get("focus")
        return (focus[0], focus[1] - 1) if focus else (1, 0)

    @property
    def focus_weight(self) -> tuple[int, int, int]:
        """``(l, j, k)`` 0-based ``j, k``: ``[video] focus`` when it names a weight, else ``w^L_11``."""
        focus = self.video.get("focus")
        if focus and len(focus) == 3:
            return focus[0], focus[1] - 1, focus[2] - 1
        return self.n_layers, 0, 0

    @property
    def hidden_weight(self) -> tuple[int, int, int]:
        """The weight the chain rule explains: the focus weight, else ``w^1_11`` (a path sum)."""
        focus = self.video.get("focus")
        if focus and len(focus) == 3:
            return self.focus_weight
        return 1, 0, 0

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

    def loss_eqs(self) -> dict:
        """Loss equations of the explained sample and step (cached)."""
        if "loss" not in self._cache:
            self._cache["loss"] = loss_equations(self.trace, self.step, self.record.sample,
                                                 notation=self.notation)
        return self._cache["loss"]


def story_from_trace(trace: Trace, language: str | None = None, **video) -> Story:
    """A Story of ``trace``; ``language`` (``--lang``) and ``video`` override its ``[video]`` table.

    A trace written before ``[video] language`` existed is told in English.
    """
    resolved = {"language": DEFAULT_LANGUAGE, **video_of(trace),
                **{k: v for k, v in video.items() if v is not None}}
    if language is not None:
        resolved["language"] = language
    story = Story(trace, resolved)
    story.record  # noqa: B018  -- fail early, with the config error, on a missing step or sample
    return story


def load_story(source: str | None = None, language: str | None = None, **video) -> Story:
    """A Story from a TOML path, a preset name (``None``: the default) or a trace ``.json`` file."""
    if source and source.lower().endswith(".json"):
        trace = resolve_trace(io.load(source), source)
    else:
        trace = train(resolve(load(source)))
    return story_from_trace(trace, language, **video)
