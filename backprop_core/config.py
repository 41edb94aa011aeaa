"""The run config: read from TOML or a preset, validated, every default filled in.

Tables and keys (README, "Config reference"):

``[network]``  layers, activations, weights, biases, init, init_range, seed, use_biases
``[training]`` loss, learning_rate, mode, batch_size, epochs, update_biases, shuffle,
               shuffle_seed, record
``[data]``     inputs and targets inline, or preset
``[video]``    reserved for the scenes; passed through unchanged

Every problem raises :class:`~backprop_core.errors.ConfigError` with the key, the file
and, where the key is written in it, the line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import activations as acts
from . import losses
from .errors import ConfigError
from .presets import DATA_PRESETS, PRESETS, data_preset, preset_text

DEFAULT_PRESET = "mazur"
MODES = ("online", "batch", "minibatch")
INITS = ("uniform", "xavier", "he")

SCHEMA: dict[str, dict[str, Any]] = {
    "network": {
        "layers": None, "activations": None, "weights": None, "biases": None,
        "init": "xavier", "init_range": 0.5, "seed": 0, "use_biases": True,
    },
    "training": {
        "loss": "half_sse", "learning_rate": 0.5, "mode": "online", "batch_size": None,
        "epochs": 1, "update_biases": True, "shuffle": False, "shuffle_seed": 0, "record": "all",
    },
    "data": {"inputs": None, "targets": None, "preset": None},
    "video": {},
}
"""Every table and key with its default (``None``: required or derived)."""


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

    def to_dict(self) -> dict:
        """The resolved config as plain JSON-able data (the trace's ``config``)."""
        def lists(arrs):
            return None if arrs is None else [a.tolist() for a in arrs]

        return {
            "source": self.source,
            "network": {
                "layers": list(self.layers), "activations": list(self.activations),
                "weights": lists(self.weights), "biases": lists(self.biases),
                "init": self.init, "init_range": self.init_range, "seed": self.seed,
                "use_biases": self.use_biases,
            },
            "training": {
                "loss": self.loss, "learning_rate": self.learning_rate, "mode": self.mode,
                "batch_size": self.batch_size, "epochs": self.epochs,
                "update_biases": self.update_biases, "shuffle": self.shuffle,
                "shuffle_seed": self.shuffle_seed, "record": self.record,
            },
            "data": {
                "preset": self.data_preset, "inputs": self.inputs.tolist(),
                "targets": self.targets.tolist(),
            },
            "video": dict(self.video),
        }


def load(source: str | None = None) -> Config:
    """Config from a TOML path or a preset name; ``None`` is the default preset."""
    source = source or DEFAULT_PRESET
    path = Path(source)
    if source.endswith(".toml") or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"config file {source} does not exist") from None
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"cannot read config file {source}: {err}") from None
        return parse(text, source)
    if source not in PRESETS:
        raise ConfigError(f"unknown preset {source!r}{_did_you_mean(source, PRESETS)}; "
                          f"presets: {', '.join(PRESETS)}")
    return parse(preset_text(source), source)


def parse(text: str, source: str = "<config>") -> Config:
    """Validate TOML ``text``; ``source`` names it in errors."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        raise ConfigError(f"not valid TOML: {err}", source,
                          int(match.group(1)) if match else None) from None
    return from_dict(raw, source, text)


def from_dict(raw: dict, source: str = "<config>", text: str = "") -> Config:
    """Validate a config given as nested dicts (as TOML gives it)."""
    return _Validator(source, text).build(raw)


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Validator:
    """Checks one raw config; every error names its table, key, file and line."""

    def __init__(self, source: str, text: str):
        self.source = source
        self.lines = text.splitlines()

    def fail(self, table: str, key: str | None, message: str):
        where = f"[{table}] {key}" if key else f"[{table}]"
        raise ConfigError(f"{where}: {message}", self.source, self._line_of(table, key))

    def _line_of(self, table: str, key: str | None) -> int | None:
        """The line where ``key`` of ``[table]`` is written (a best effort scan)."""
        current = None
        for n, line in enumerate(self.lines, start=1):
            head = re.match(r"\s*\[([A-Za-z_]+)\]", line)
            if head:
                current = head.group(1)
                if key is None and current == table:
                    return n
            elif current == table and key and re.match(rf"\s*{re.escape(key)}\s*=", line):
                return n
        return None

    # -- values --------------------------------------------------------------------------
    def number(self, table, key, value, *, positive=False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(table, key, f"expected a number, got {_kind(value)} {value!r}")
        if not np.isfinite(value):
            self.fail(table, key, f"must be finite, got {value!r}")
        if positive and value <= 0:
            self.fail(table, key, f"must be > 0, got {value!r}")
        return float(value)

    def integer(self, table, key, value, *, minimum=None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(table, key, f"expected an integer, got {_kind(value)} {value!r}")
        if minimum is not None and value < minimum:
            self.fail(table, key, f"must be >= {minimum}, got {value}")
        return value

    def boolean(self, table, key, value) -> bool:
        if not isinstance(value, bool):
            self.fail(table, key, f"expected true or false, got {_kind(value)} {value!r}")
        return value

    def choice(self, table, key, value, choices) -> str:
        if not isinstance(value, str):
            self.fail(table, key, f"expected one of {', '.join(choices)}, got {_kind(value)} {value!r}")
        if value not in choices:
            self.fail(table, key, f"unknown value {value!r}{_did_you_mean(value, choices)}; "
                                  f"choose one of {', '.join(choices)}")
        return value

    def array(self, table, key, value, shape, what="") -> np.ndarray:
        """A numeric array of exactly ``shape`` (``what`` names the element in errors)."""
        name = f"{key}{what}"
        depth = len(shape)

        def walk(v, level, path):
            if level == depth:
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    self.fail(table, name, f"expected numbers, got {_kind(v)} {v!r}{path}")
                if not np.isfinite(v):
                    self.fail(table, name, f"NaN or infinity {v!r}{path}")
                return
            if not isinstance(v, list):
                self.fail(table, name, f"expected a {'list' if depth == 1 else f'{depth}-D array'}, "
                                       f"got {_kind(v)} {v!r}{path}")
            if shape[level] is not None and len(v) != shape[level]:
                at = f" at row {path}" if path else ""
                self.fail(table, name, f"{len(v)} values{at}, expected {shape[level]}{self._ctx}")
            for i, item in enumerate(v):
                walk(item, level + 1, f"{path}[{i}]" if level else f" [{i}]" if depth > 1 else f" at [{i}]")

        self._ctx = f" ({what.strip()} of shape {tuple(shape)})" if what else ""
        walk(value, 0, "")
        return np.array(value, dtype=float)

    # -- tables --------------------------------------------------------------------------
    def build(self, raw: dict) -> Config:
        for table, body in raw.items():
            if table not in SCHEMA:
                raise ConfigError(f"unknown table [{table}]{_did_you_mean(table, SCHEMA)}; "
                                  f"tables: {', '.join(f'[{t}]' for t in SCHEMA)}",
                                  self.source, self._line_of(table, None))
            if not isinstance(body, dict):
                self.fail(table, None, f"expected a table, got {_kind(body)}")
            if table != "video":
                for key in body:
                    if key not in SCHEMA[table]:
                        self.fail(table, key, f"unknown key{_did_you_mean(key, SCHEMA[table])}; "
                                              f"keys: {', '.join(SCHEMA[table])}")
        net = {**SCHEMA["network"], **raw.get("network", {})}
        tr = {**SCHEMA["training"], **raw.get("training", {})}
        data = {**SCHEMA["data"], **raw.get("data", {})}
        layers = self._layers(net["layers"])
        activations = self._activations(net["activations"], layers)
        loss = self.choice("training", "loss", tr["loss"], losses.NAMES)
        self._check_loss(loss, activations[-1])
        inputs, targets, preset = self._data(data, layers, loss, activations[-1])
        mode = self.choice("training", "mode", tr["mode"], MODES)
        batch_size = self._batch_size(tr["batch_size"], mode, len(inputs))
        use_biases = self.boolean("network", "use_biases", net["use_biases"])
        return Config(
            layers=layers, activations=activations,
            weights=self._params(net["weights"], "weights", [(b, a) for a, b in zip(layers, layers[1:])]),
            biases=self._params(net["biases"], "biases", [(n,) for n in layers[1:]]),
            init=self.choice("network", "init", net["init"], INITS),
            init_range=self.number("network", "init_range", net["init_range"], positive=True),
            seed=self.integer("network", "seed", net["seed"], minimum=0),
            use_biases=use_biases, loss=loss,
            learning_rate=self.number("training", "learning_rate", tr["learning_rate"], positive=True),
            mode=mode, batch_size=batch_size,
            epochs=self.integer("training", "epochs", tr["epochs"], minimum=1),
            update_biases=self.boolean("training", "update_biases", tr["update_biases"]),
            shuffle=self.boolean("training", "shuffle", tr["shuffle"]),
            shuffle_seed=self.integer("training", "shuffle_seed", tr["shuffle_seed"], minimum=0),
            record=self._record(tr["record"]), inputs=inputs, targets=targets, data_preset=preset,
            video=dict(raw.get("video", {})), source=self.source,
        )

    def _layers(self, value) -> tuple[int, ...]:
        if value is None:
            self.fail("network", "layers", "missing; give the neuron count of every layer, "
                                           "input first, e.g. layers = [2, 2, 1]")
        if not isinstance(value, list) or len(value) < 2:
            self.fail("network", "layers", f"expected a list of at least 2 layer sizes, got {value!r}")
        for i, n in enumerate(value):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                self.fail("network", "layers", f"layer {i} size must be an integer >= 1, got {n!r}")
        return tuple(value)

    def _activations(self, value, layers) -> tuple[str, ...]:
        n = len(layers) - 1
        if value is None:
            value = ["sigmoid"] * n
        if isinstance(value, str) or not isinstance(value, list):
            self.fail("network", "activations", f"expected a list of {n} names, got {value!r}")
        if len(value) != n:
            self.fail("network", "activations",
                      f"{len(value)} given, expected {n} (one per layer after the input)")
        for i, name in enumerate(value):
            self.choice("network", "activations", name, acts.NAMES)
            if name in acts.OUTPUT_ONLY and i != n - 1:
                self.fail("network", "activations",
                          f"{name} is only allowed on the output layer, not on layer {i + 1}")
        return tuple(value)

    def _check_loss(self, loss, out_act):
        if loss == "cross_entropy" and out_act not in losses.CROSS_ENTROPY_OUTPUTS:
            self.fail("training", "loss", f"cross_entropy needs a softmax or sigmoid output layer, "
                                          f"the output layer is {out_act}")

    def _params(self, value, key, shapes):
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != len(shapes):
            count = len(value) if isinstance(value, list) else _kind(value)
            self.fail("network", key, f"expected {len(shapes)} entries (one per layer after the "
                                      f"input), got {count}")
        out = []
        for i, (v, shape) in enumerate(zip(value, shapes)):
            name = "W" if key == "weights" else "b"
            out.append(self.array("network", key, v, shape, what=f"[{i}] ({name}^{i + 1})"))
        return tuple(out)

    def _data(self, data, layers, loss, out_act):
        preset = data["preset"]
        if preset is not None:
            if data["inputs"] is not None or data["targets"] is not None:
                self.fail("data", "preset", "give either preset or inputs and targets, not both")
            if not isinstance(preset, str) or preset not in DATA_PRESETS:
                self.fail("data", "preset", f"unknown data preset {preset!r}"
                          f"{_did_you_mean(str(preset), DATA_PRESETS)}; "
                          f"data presets: {', '.join(DATA_PRESETS)}")
            raw_x, raw_y = data_preset(preset)
        else:
            raw_x, raw_y = data["inputs"], data["targets"]
            for key, v in (("inputs", raw_x), ("targets", raw_y)):
                if v is None:
                    self.fail("data", key, "missing; give inputs and targets, or a preset")
                if not isinstance(v, list) or not v:
                    self.fail("data", key, "empty: the training set needs at least one sample")
            if len(raw_x) != len(raw_y):
                self.fail("data", "targets", f"{len(raw_y)} targets for {len(raw_x)} inputs")
        inputs = self.array("data", "inputs", raw_x, (len(raw_x), layers[0]))
        targets = self.array("data", "targets", raw_y, (len(raw_y), layers[-1]))
        if loss == "cross_entropy":
            if np.any((targets < 0) | (targets > 1)):
                row = int(np.argwhere((targets < 0) | (targets > 1))[0][0])
                self.fail("data", "targets", f"cross_entropy needs targets in [0, 1]; row {row} is "
                                             f"{targets[row].tolist()}")
            if out_act == "softmax" and not np.allclose(targets.sum(axis=1), 1.0):
                row = int(np.argwhere(~np.isclose(targets.sum(axis=1), 1.0))[0][0])
                self.fail("data", "targets", f"softmax with cross_entropy needs targets that sum to 1; "
                                             f"row {row} sums to {targets[row].sum():g}")
        return inputs, targets, preset

    def _batch_size(self, value, mode, n):
        if value is None:
            if mode == "minibatch":
                self.fail("training", "batch_size", "missing; mode = \"minibatch\" needs a batch_size")
            return {"online": 1, "batch": n}.get(mode, 1)
        size = self.integer("training", "batch_size", value, minimum=1)
        if mode == "batch" and size != n:
            self.fail("training", "batch_size", f"mode = \"batch\" uses all {n} samples; "
                                                f"batch_size {size} needs mode = \"minibatch\"")
        if mode == "online" and size != 1:
            self.fail("training", "batch_size", f"mode = \"online\" updates after each sample; "
                                                f"batch_size {size} needs mode = \"minibatch\"")
        return size

    def _record(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return self.integer("training", "record", value, minimum=1)
        if value in ("all", "epochs"):
            return value
        self.fail("training", "record", f"expected \"all\", \"epochs\" or an integer N >= 1 "
                                        f"(every N-th step), got {value!r}")


def _kind(value) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "table"}.get(type(value), type(value).__name__)
