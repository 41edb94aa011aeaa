"""The run config: read from TOML or a preset, validated, every default filled in.

Tables and keys (README, "Config reference"):

``[network]``  layers, activations, weights, biases, init, init_range, seed, use_biases
``[training]`` loss, learning_rate, mode, batch_size, epochs, update_biases, shuffle,
               shuffle_seed, record
``[data]``     inputs and targets inline, or preset
``[video]``    kept as written, for the film to check (``scenes.video_config``): the engine
               knows none of its keys and passes it through as raw data

Every problem raises :class:`~backprop_core.errors.ConfigError` with the key, the file
and, where the key is written in it, the line.
The checks of single values (kinds, ranges, choices, array shapes, lines) are in
:mod:`backprop_core.config_checks`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import activations as acts
from . import losses
from .config_checks import ValueChecker, did_you_mean, kind_of, show
from .errors import ConfigError
from .presets import DATA_PRESETS, PRESETS, data_preset, preset_text

DEFAULT_PRESET = "mazur"
MODES = ("online", "batch", "minibatch")
INITS = ("uniform", "xavier", "he")

SCHEMA: dict[str, dict[str, Any]] = {
    "network": {"layers": None, "activations": None, "weights": None, "biases": None,
                "init": "xavier", "init_range": 0.5, "seed": 0, "use_biases": True},
    "training": {"loss": "half_sse", "learning_rate": 0.5, "mode": "online", "batch_size": None,
                 "epochs": 1, "update_biases": True, "shuffle": False, "shuffle_seed": 0,
                 "record": "all"},
    "data": {"inputs": None, "targets": None, "preset": None},
}
"""Every table and key the engine reads, with its default (``None``: required or derived)."""
PASSED_THROUGH = ("video",)
"""Tables the engine keeps as written (``Config.video``) for the layers above to check."""
TABLES = (*SCHEMA, *PASSED_THROUGH)


@dataclass(frozen=True, eq=False)
class Config:
    """A validated config. Arrays are read-only; ``to_dict()`` gives the resolved config."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    weights: tuple[np.ndarray, ...] | None
    biases: tuple[np.ndarray, ...] | None
    init: str
    init_range: float
    seed: int
    use_biases: bool
    loss: str
    learning_rate: float
    mode: str
    batch_size: int
    epochs: int
    update_biases: bool
    shuffle: bool
    shuffle_seed: int
    record: str | int
    inputs: np.ndarray
    targets: np.ndarray
    data_preset: str | None = None
    video: dict = field(default_factory=dict)
    source: str = DEFAULT_PRESET
    text: str = field(default="", repr=False)
    """The TOML text the config was read from (``""`` when built from data): the film's checks of
    ``[video]`` name the line of a key with it."""

    def to_dict(self) -> dict:
        """The resolved config as plain JSON-able data (the trace's ``config``): every SCHEMA key."""
        def plain(v):
            return v.tolist() if isinstance(v, np.ndarray) else (
                [plain(x) for x in v] if isinstance(v, tuple) else v)

        tables = {t: {k: plain(getattr(self, "data_preset" if k == "preset" else k)) for k in keys}
                  for t, keys in SCHEMA.items()}
        return {"source": self.source, **tables, "video": dict(self.video)}


def steps_per_epoch(n_samples: int, batch_size: int) -> int:
    """Updates in one epoch of ``n_samples`` samples taken ``batch_size`` at a time."""
    return math.ceil(n_samples / batch_size)


def load(source: str | None = None) -> Config:
    """Read and validate a TOML file or a preset (``None``: the default); raises :class:`ConfigError`."""
    source = source or DEFAULT_PRESET
    path = Path(source)
    if source in PRESETS and not path.is_file():
        return parse(preset_text(source), source)
    if path.suffix.lower() == ".json":
        raise ConfigError(f"{source} is a JSON file; a config is a TOML file or a preset name "
                          "(bpviz check reads trace files)")
    if not (path.is_file() or path.suffix or path.name != source):
        raise ConfigError(f"unknown preset {source!r}{did_you_mean(source, PRESETS)} and no file "
                          f"of that name; presets: {', '.join(PRESETS)}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {source} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config file {source}: {err}") from None
    return parse(text, source)


def parse(text: str, source: str = "<config>") -> Config:
    """Validate TOML ``text``; ``source`` names it in errors (a TOML syntax error gets its line)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        msg, line = str(err), max(len(text.splitlines()), 1)  # "(at end of document)": last line
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if at:
            msg, line = f"{msg[:at.start()]} (column {at.group(2)})", int(at.group(1))
        raise ConfigError(f"not valid TOML: {msg}", source, line) from None
    return from_dict(raw, source, text)


def from_dict(raw: dict, source: str = "<config>", text: str = "") -> Config:
    """Validate a config given as nested dicts (as TOML gives it); ``text`` gives line numbers."""
    return _Validator(source, text).build(raw)


class _Validator(ValueChecker):
    """Checks one raw config against the rules of ``[network]``, ``[training]`` and ``[data]``."""

    def build(self, raw: dict) -> Config:
        for table, body in raw.items():
            if table not in TABLES:
                self._unknown_table(table, body)
            if not isinstance(body, dict):
                self.fail(table, None, f"expected a table, got {kind_of(body)} {show(body)}")
            for key in body if table in SCHEMA else ():
                if key not in SCHEMA[table]:
                    self.fail(table, key, f"unknown key{did_you_mean(key, SCHEMA[table])}; "
                                          f"keys: {', '.join(SCHEMA[table])}")
        net, tr, data = ({**SCHEMA[t], **raw.get(t, {})} for t in ("network", "training", "data"))
        layers = self._layers(net["layers"])
        activations = self._activations(net["activations"], layers)
        loss = self.choice("training", "loss", tr["loss"], losses.NAMES)
        if loss == "cross_entropy" and activations[-1] not in losses.CROSS_ENTROPY_OUTPUTS:
            self.fail("training", "loss", f"cross_entropy needs a softmax or sigmoid output layer, "
                                          f"but [network] activations ends with {activations[-1]!r}")
        inputs, targets, preset = self._data(data, layers, loss, activations[-1])
        mode = self.choice("training", "mode", tr["mode"], MODES)
        use_biases = self.scalar("network", "use_biases", net["use_biases"], bool)
        if not use_biases and net["biases"] is not None:
            self.fail("network", "biases", "given, but use_biases = false ignores them; remove one")
        batch_size = self._batch_size(tr["batch_size"], mode, len(inputs))
        epochs = self.scalar("training", "epochs", tr["epochs"], int, minimum=1)
        return Config(
            layers=layers, activations=activations,
            weights=self._params(net["weights"], "weights", layers),
            biases=self._params(net["biases"], "biases", layers),
            init=self.choice("network", "init", net["init"], INITS),
            init_range=self.scalar("network", "init_range", net["init_range"], float, positive=True),
            seed=self.scalar("network", "seed", net["seed"], int, minimum=0),
            use_biases=use_biases, loss=loss,
            learning_rate=self.scalar("training", "learning_rate", tr["learning_rate"], float,
                                      positive=True),
            mode=mode, batch_size=batch_size, epochs=epochs,
            update_biases=self.scalar("training", "update_biases", tr["update_biases"], bool),
            shuffle=self.scalar("training", "shuffle", tr["shuffle"], bool),
            shuffle_seed=self.scalar("training", "shuffle_seed", tr["shuffle_seed"], int, minimum=0),
            record=self._record(tr["record"]), inputs=inputs, targets=targets, data_preset=preset,
            video=dict(raw.get("video", {})), source=self.source, text=self.text,
        )

    def _unknown_table(self, table, body):
        line = self._line_of(table, None)
        if isinstance(body, dict):
            raise ConfigError(f"unknown table [{table}]{did_you_mean(table, TABLES)}; "
                              f"tables: {', '.join(f'[{t}]' for t in TABLES)}", self.source, line)
        owner = [t for t, keys in SCHEMA.items() if table in keys]
        where = f"it belongs under [{owner[0]}]" if owner else f"tables: {', '.join(TABLES)}"
        raise ConfigError(f"{table}: key written before any [table] header; {where}", self.source, line)

    def _layers(self, value) -> tuple[int, ...]:
        if not isinstance(value, list) or len(value) < 2:
            got = "missing" if value is None else f"got {kind_of(value)} {show(value)}"
            self.fail("network", "layers", f"{got}; give the neuron count of every layer, input "
                                           "first, at least 2 layers, e.g. layers = [2, 2, 1]")
        for i, n in enumerate(value):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                self.fail("network", "layers", f"layer {i} size must be an integer >= 1, got {n!r}")
        return tuple(value)

    def _activations(self, value, layers) -> tuple[str, ...]:
        n = len(layers) - 1
        value = ["sigmoid"] * n if value is None else value
        if not isinstance(value, list):
            self.fail("network", "activations", f"expected a list of {n} names, got {show(value)}")
        if len(value) != n:
            self.fail("network", "activations", f"{len(value)} given, expected {n}: one per layer "
                                                 f"after the input, for layers = {list(layers)}")
        for i, name in enumerate(value):
            self.choice("network", "activations", name, acts.NAMES, what=f"activations[{i}]: ")
            if name in acts.OUTPUT_ONLY and i != n - 1:
                self.fail("network", "activations", f"{name} is only allowed on the output layer "
                                                     f"(layer {n}), not on layer {i + 1}")
        return tuple(value)

    def _params(self, value, key, layers):
        if value is None:
            return None
        n = len(layers) - 1
        if not isinstance(value, list) or len(value) != n:
            got = f"{len(value)} entries" if isinstance(value, list) else f"{kind_of(value)} {show(value)}"
            self.fail("network", key, f"expected {n} entries (one per layer after the input, for "
                                      f"layers = {list(layers)}), got {got}")
        out = []
        for i, v in enumerate(value):
            shape = (layers[i + 1], layers[i]) if key == "weights" else (layers[i + 1],)
            sym = f"W^{i + 1}" if key == "weights" else f"b^{i + 1}"
            hint = f" ({key}[{i}] is {sym} of layer {i + 1}: shape {shape} for layers = {list(layers)})"
            out.append(self.array("network", key, v, shape, f"{key}[{i}]", hint))
        return tuple(out)

    def _data(self, data, layers, loss, out_act):
        preset, raw_x, raw_y = data["preset"], data["inputs"], data["targets"]
        if preset is not None:
            if raw_x is not None or raw_y is not None:
                self.fail("data", "preset", "give either preset or inputs and targets, not both")
            if not isinstance(preset, str) or preset not in DATA_PRESETS:
                self.fail("data", "preset", f"unknown data preset {show(preset)}"
                          f"{did_you_mean(preset, DATA_PRESETS)}; data presets: {', '.join(DATA_PRESETS)}")
            raw_x, raw_y = data_preset(preset)
            if (len(raw_x[0]), len(raw_y[0])) != (layers[0], layers[-1]):
                self.fail("data", "preset", f"{preset!r} has {len(raw_x[0])} inputs and {len(raw_y[0])} "
                          f"target(s) per sample, but [network] layers = {list(layers)} needs "
                          f"{layers[0]} and {layers[-1]}")
        for key, v in (("inputs", raw_x), ("targets", raw_y)):
            if not isinstance(v, list) or not v:
                self.fail("data", key, "missing; give inputs and targets, or a preset" if v is None
                          else "empty: the training set needs at least one sample" if v == []
                          else f"expected a list of samples, got {kind_of(v)} {show(v)}")
        if len(raw_x) != len(raw_y):
            self.fail("data", "targets", f"{len(raw_y)} targets for {len(raw_x)} inputs; "
                                         "give one target row per input row")
        inputs = self.array("data", "inputs", raw_x, (len(raw_x), layers[0]), "inputs",
                            f" (one per input neuron: layers = {list(layers)})")
        targets = self.array("data", "targets", raw_y, (len(raw_y), layers[-1]), "targets",
                             f" (one per output neuron: layers = {list(layers)})")
        if loss == "cross_entropy":
            bad = np.flatnonzero(np.any((targets < 0) | (targets > 1), axis=1))
            if bad.size:
                self.fail("data", "targets", f"cross_entropy needs targets in [0, 1] (probabilities); "
                                             f"targets[{bad[0]}] is {targets[bad[0]].tolist()}")
            off = np.flatnonzero(~np.isclose(targets.sum(axis=1), 1.0))
            if out_act == "softmax" and off.size:
                self.fail("data", "targets", f"softmax with cross_entropy needs targets that sum to 1; "
                                             f"targets[{off[0]}] sums to {targets[off[0]].sum():g}")
        return inputs, targets, preset

    def _batch_size(self, value, mode, n):
        if value is None and mode == "minibatch":
            self.fail("training", "batch_size", 'missing; mode = "minibatch" needs one', at="mode")
        if value is None:
            return 1 if mode == "online" else n
        size = self.scalar("training", "batch_size", value, int, minimum=1)
        if size != {"online": 1, "batch": n}.get(mode, size):
            why = f"uses all {n} samples" if mode == "batch" else "updates after each sample"
            self.fail("training", "batch_size", f'mode = "{mode}" {why}; batch_size {size} needs '
                                                'mode = "minibatch"')
        return size

    def _record(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return self.scalar("training", "record", value, int, minimum=1)
        if value in ("all", "epochs"):
            return value
        self.fail("training", "record", f"expected \"all\", \"epochs\" or an integer N >= 1 "
                                        f"(every N-th step), got {kind_of(value)} {show(value)}")
