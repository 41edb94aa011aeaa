"""The ``[video]`` table: what the film explains and how it looks; its schema and its checks.

The engine keeps the table as written (``Config.video``, with the TOML text for line numbers);
:func:`resolve` checks it here, with errors that name key, file and line as the engine's do, and
fills in every default. :func:`video_of` and :func:`resolve_trace` do the same for the table of a
trace (a trace file's, or one the engine made from a config nobody resolved).

Indices here are 1-based, as the viewer reads them on screen: ``epoch = 1``, ``step = 1`` (the
first update of that epoch), ``sample = 1`` (the first row of the data), ``focus = [2, 1]``
(neuron 1 of layer 2) or ``focus = [1, 2, 1]`` (the weight into neuron 2 of layer 1 from
neuron 1 of layer 0).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from backprop_core.config import Config, steps_per_epoch
from backprop_core.config_checks import ValueChecker, did_you_mean
from backprop_core.errors import ConfigError, TraceFormatError
from backprop_core.trace import Trace

from .chapters.registry import DENSE_CHAPTERS, FULL, SCENES
from .layout import is_dense
from .text import languages
from .themes import THEMES

NOTATIONS = ("nielsen", "delta_rule")
VOICE_RATES = (80, 450)
"""``[video] voice_rate``: the words a minute the speech engine may speak (espeak-ng's range)."""

VIDEO_SCHEMA: dict[str, Any] = {
    "scenes": [FULL], "epoch": 1, "step": 1, "sample": None, "focus": None,
    "notation": "nielsen", "decimals": 4, "theme": "dark", "show_weights": True, "pacing": 1.0,
    "compare": True, "language": "en", "voice": None, "voice_rate": 175,
}
"""Every ``[video]`` key with its default (``sample``/``focus`` ``None``: chosen by the scenes;
``voice``: ``"speech"``, a folder of recordings, or ``None``, silent)."""


def resolve(cfg: Config) -> Config:
    """``cfg`` with its ``[video]`` table checked and every default filled in.

    Raises :class:`~backprop_core.errors.ConfigError` naming key, file and line.
    """
    checker = ValueChecker(cfg.source, cfg.text)
    video = validate_video(checker, cfg.video, cfg.layers, cfg.epochs,
                           steps_per_epoch(len(cfg.inputs), cfg.batch_size))
    return replace(cfg, video=video)


def video_of(trace: Trace, source: str = "<trace>") -> dict:
    """The resolved ``[video]`` table of ``trace``'s config (as written, or already resolved).

    Raises :class:`~backprop_core.errors.TraceFormatError` naming ``source`` when it is not valid.
    """
    cfg, raw = trace.config, trace.config.get("video", {})
    if not isinstance(raw, dict):
        raise TraceFormatError(f"{source} (config): [video]: expected a table, got {type(raw).__name__}")
    training = cfg["training"]
    try:
        return validate_video(ValueChecker(f"{source} (config)", ""), raw, tuple(trace.layers),
                              training["epochs"],
                              steps_per_epoch(len(cfg["data"]["inputs"]), training["batch_size"]))
    except ConfigError as err:
        raise TraceFormatError(str(err)) from None


def resolve_trace(trace: Trace, source: str = "<trace>") -> Trace:
    """``trace`` with its config's ``[video]`` table checked and filled in (:func:`video_of`)."""
    return replace(trace, config={**trace.config, "video": video_of(trace, source)})


def validate_video(v: ValueChecker, raw: dict, layers: tuple[int, ...], epochs: int,
                   steps_per_epoch: int) -> dict:
    """The resolved ``[video]`` table of ``raw``.

    ``v`` names key, file and line in its errors (``fail``, ``scalar``, ``choice``).
    """
    for key in raw:
        if key not in VIDEO_SCHEMA:
            v.fail("video", key, f"unknown key{did_you_mean(key, VIDEO_SCHEMA)}; "
                                 f"keys: {', '.join(VIDEO_SCHEMA)}")
    # a network drawn in dense mode (e.g. scikit-learn's 8 x 8 digits) has only the chapters of dense mode
    default = {"scenes": list(DENSE_CHAPTERS)} if is_dense(layers) else {}
    out = {**VIDEO_SCHEMA, **default, **raw}
    scenes = out["scenes"]
    if isinstance(scenes, str):
        scenes = [scenes]
    if not isinstance(scenes, list) or not scenes:
        v.fail("video", "scenes", f"expected a list of scene names, e.g. [\"forward\", \"backward\"]; "
                                  f"scenes: {', '.join(SCENES)}")
    out["scenes"] = [v.choice("video", "scenes", s, SCENES) for s in scenes]
    out["epoch"] = v.scalar("video", "epoch", out["epoch"], int, minimum=1)
    if out["epoch"] > epochs:
        v.fail("video", "epoch", f"epoch {out['epoch']} does not exist: [training] epochs = {epochs}")
    out["step"] = v.scalar("video", "step", out["step"], int, minimum=1)
    if out["step"] > steps_per_epoch:
        v.fail("video", "step", f"step {out['step']} does not exist: an epoch has {steps_per_epoch} "
                                "step(s) (updates) in this mode")
    if out["sample"] is not None:
        out["sample"] = v.scalar("video", "sample", out["sample"], int, minimum=1)
    out["focus"] = _focus(v, out["focus"], layers)
    out["notation"] = v.choice("video", "notation", out["notation"], NOTATIONS)
    out["decimals"] = v.scalar("video", "decimals", out["decimals"], int, minimum=1)
    if out["decimals"] > 8:
        v.fail("video", "decimals", f"at most 8 decimals fit on screen, got {out['decimals']}")
    out["theme"] = v.choice("video", "theme", out["theme"], THEMES)
    out["language"] = v.choice("video", "language", out["language"], languages())
    out["show_weights"] = v.scalar("video", "show_weights", out["show_weights"], bool)
    out["compare"] = v.scalar("video", "compare", out["compare"], bool)
    out["pacing"] = v.scalar("video", "pacing", out["pacing"], float, positive=True)
    if not 0.1 <= out["pacing"] <= 10:
        v.fail("video", "pacing", f"a pacing factor between 0.1 and 10 (2 = twice as slow), "
                                  f"got {out['pacing']:g}")
    if out["voice"] is not None and (not isinstance(out["voice"], str) or not out["voice"]):
        v.fail("video", "voice", f"expected \"speech\" or the folder of the recordings, got {out['voice']!r}")
    out["voice_rate"] = v.scalar("video", "voice_rate", out["voice_rate"], int, minimum=1)
    if not VOICE_RATES[0] <= out["voice_rate"] <= VOICE_RATES[1]:
        v.fail("video", "voice_rate", f"words a minute between {VOICE_RATES[0]} and {VOICE_RATES[1]}, "
                                      f"got {out['voice_rate']}")
    return out


def _focus(v, value, layers: tuple[int, ...]):
    """``None``, ``[l, j]`` (a neuron) or ``[l, j, k]`` (a weight), checked against ``layers``."""
    if value is None:
        return None
    if (not isinstance(value, list) or len(value) not in (2, 3)
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in value)):
        v.fail("video", "focus", f"expected [layer, neuron] or [layer, neuron, from_neuron] "
                                 f"(1-based neurons), got {value!r}")
    n_layers = len(layers) - 1
    layer, j = value[0], value[1]
    if not 1 <= layer <= n_layers:
        v.fail("video", "focus", f"layer {layer} does not exist: layers 1..{n_layers} have neurons "
                                 f"to explain (layers = {list(layers)})")
    if not 1 <= j <= layers[layer]:
        v.fail("video", "focus", f"neuron {j} does not exist in layer {layer}, which has "
                                 f"{layers[layer]} neuron(s)")
    if len(value) == 3 and not 1 <= value[2] <= layers[layer - 1]:
        v.fail("video", "focus", f"weight from neuron {value[2]} does not exist: layer {layer - 1} "
                                 f"has {layers[layer - 1]} neuron(s)")
    return list(value)
