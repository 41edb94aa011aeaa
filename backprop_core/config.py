"""The run config: read from TOML or a preset, validated, every default filled in.

Tables and keys (README, "Config reference"):

``[network]``  layers, activations, weights, biases, init, init_range, seed, use_biases
``[training]`` loss, learning_rate, mode, batch_size, epochs, update_biases, shuffle,
               shuffle_seed, record
``[data]``     inputs and targets inline, a preset, a csv file or a dataset (with features,
               class, classes or outputs), then rows or limit, and scale
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
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from . import activations as acts
from . import data_sources, losses, scaling
from .config_checks import ValueChecker, did_you_mean, kind_of, show
from .errors import ConfigError
from .presets import DATA_PRESETS, PRESETS, data_preset, preset_text

DEFAULT_PRESET = "mazur"
MODES = ("online", "batch", "minibatch")
INITS = ("uniform", "xavier", "he")
MAX_INIT_RANGE = 1e6
"""The largest ``[network] init_range``: weights beyond it overflow every activation (1e308 overflows
NumPy's uniform draw itself)."""

SCHEMA: dict[str, dict[str, Any]] = {
    "network": {"layers": None, "activations": None, "weights": None, "biases": None,
                "init": "xavier", "init_range": 0.5, "seed": 0, "use_biases": True},
    "training": {"loss": "half_sse", "learning_rate": 0.5, "mode": "online", "batch_size": None,
                 "epochs": 1, "update_biases": True, "shuffle": False, "shuffle_seed": 0,
                 "record": "all"},
    "data": {"inputs": None, "targets": None, "preset": None, "csv": None, "dataset": None,
             "features": None, "class": None, "classes": None, "outputs": None, "rows": None,
             "limit": None, "scale": "none"},
}
"""Every table and key the engine reads, with its default (``None``: required or derived)."""
DATA_SOURCES = ("preset", "csv", "dataset")
"""The ``[data]`` keys that name where the samples come from (else ``inputs`` and ``targets``)."""
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
    csv: str | None = None
    """``[data] csv`` as written (relative to the config file)."""
    dataset: str | None = None
    features: tuple[str, ...] | None = None
    """The names of the inputs (``None``: unnamed, x1, x2, ...)."""
    class_column: str | None = None
    """The column of class labels the targets came from (``[data] class``)."""
    classes: tuple[str, ...] | None = None
    """The names of the output neurons when they are classes, in output order."""
    outputs: tuple[str, ...] | None = None
    """The names of the output neurons when the targets are numbers (``[data] outputs``)."""
    rows: tuple[int, ...] | None = None
    """The rows of the source kept (1-based), when ``rows`` or ``limit`` picked a subset."""
    scale: str = "none"
    scaling: dict[str, np.ndarray] | None = None
    """The scale's parameters (:mod:`backprop_core.scaling`), one value per input."""
    raw_inputs: np.ndarray | None = None
    """The inputs before scaling (``None`` when ``scale = "none"``: ``inputs`` are raw)."""
    video: dict = field(default_factory=dict)
    source: str = DEFAULT_PRESET
    text: str = field(default="", repr=False)
    """The TOML text the config was read from (``""`` when built from data): the film's checks of
    ``[video]`` name the line of a key with it."""

    @cached_property
    def labels(self) -> str | None:
        """What the targets are: ``"one-hot"``, ``"binary"`` or ``None``.

        ``"one-hot"``: classes, one 1 per row and the rest 0; ``"binary"``: every target 0 or 1,
        each output its own class; ``None``: numbers, no classes. Computed once per config.
        """
        targets = self.targets
        if not np.all((targets == 0) | (targets == 1)):
            return None
        return "one-hot" if targets.shape[1] > 1 and np.all(targets.sum(axis=1) == 1) else "binary"

    def to_dict(self) -> dict:
        """The resolved config as plain JSON-able data (the trace's ``config``): every SCHEMA key."""
        def plain(v):
            return v.tolist() if isinstance(v, np.ndarray) else (
                [plain(x) for x in v] if isinstance(v, tuple) else v)

        tables = {t: {k: plain(getattr(self, k)) for k in keys} for t, keys in SCHEMA.items()
                  if t != "data"}
        return {"source": self.source, **tables, "data": self._data_dict(plain), "video": dict(self.video)}

    def _data_dict(self, plain) -> dict:
        """``[data]`` resolved: inline inputs and targets, and what else was used (only then)."""
        data = {"inputs": plain(self.inputs), "targets": plain(self.targets), "preset": self.data_preset}
        for key, value in (("csv", self.csv), ("dataset", self.dataset), ("features", self.features),
                           ("class", self.class_column), ("classes", self.classes),
                           ("outputs", self.outputs), ("rows", self.rows)):
            if value is not None:
                data[key] = plain(value)
        if self.scale != "none":
            data["scale"] = self.scale
            data["scaling"] = {k: v.tolist() for k, v in self.scaling.items()}
            data["raw_inputs"] = self.raw_inputs.tolist()
        return data


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
        shuffle_seed = self.scalar("training", "shuffle_seed", tr["shuffle_seed"], int, minimum=0)
        samples = self._data(data, layers, loss, activations[-1], shuffle_seed)
        inputs = samples["inputs"]
        mode = self.choice("training", "mode", tr["mode"], MODES)
        use_biases = self.scalar("network", "use_biases", net["use_biases"], bool)
        if not use_biases and net["biases"] is not None:
            self.fail("network", "biases", "given, but use_biases = false ignores them; remove one")
        batch_size = self._batch_size(tr["batch_size"], mode, len(inputs))
        epochs = self.scalar("training", "epochs", tr["epochs"], int, minimum=1)
        init_range = self.scalar("network", "init_range", net["init_range"], float, positive=True)
        if init_range > MAX_INIT_RANGE:
            self.fail("network", "init_range", f"{init_range:g} is too large: the weights are drawn "
                      f"from U(-init_range, init_range); give at most {MAX_INIT_RANGE:g}")
        return Config(
            layers=layers, activations=activations,
            weights=self._params(net["weights"], "weights", layers),
            biases=self._params(net["biases"], "biases", layers),
            init=self.choice("network", "init", net["init"], INITS),
            init_range=init_range,
            seed=self.scalar("network", "seed", net["seed"], int, minimum=0),
            use_biases=use_biases, loss=loss,
            learning_rate=self.scalar("training", "learning_rate", tr["learning_rate"], float,
                                      positive=True),
            mode=mode, batch_size=batch_size, epochs=epochs,
            update_biases=self.scalar("training", "update_biases", tr["update_biases"], bool),
            shuffle=self.scalar("training", "shuffle", tr["shuffle"], bool),
            shuffle_seed=shuffle_seed, record=self._record(tr["record"]), **samples,
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

    def _data(self, data, layers, loss, out_act, shuffle_seed) -> dict:
        """The samples of ``[data]`` as :class:`Config` fields: read, picked, scaled and checked."""
        given = [k for k in DATA_SOURCES if data[k] is not None]
        if data["inputs"] is not None or data["targets"] is not None:
            given.append("inputs")
        if len(given) > 1:
            self.fail("data", given[1], f"give one source of samples (preset, csv, dataset, or inputs "
                                        f"and targets), not both {given[0]} and {given[1]}")
        source = given[0] if given else "inputs"
        if source in ("csv", "dataset"):
            picked = data_sources.pick(self, self._table(source, data[source]), data, layers, source)
            inputs, targets = (self._frozen(v) for v in (picked.inputs, picked.targets))
            names = {"features": picked.features, "class_column": picked.class_column,
                     "classes": picked.classes, "outputs": picked.outputs}
        else:
            inputs, targets = self._inline(data, layers)
            names = self._names(data, layers)
        rows = self._rows(data, len(inputs), shuffle_seed)
        if rows is not None:
            picked_rows = np.array(rows) - 1
            inputs, targets = self._frozen(inputs[picked_rows]), self._frozen(targets[picked_rows])
        scale = self.choice("data", "scale", data["scale"], scaling.SCALES)
        raw, params = None, None
        if scale != "none":
            raw, params = inputs, scaling.fit(scale, inputs)
            inputs = scaling.apply(scale, params, inputs)
        if loss == "cross_entropy":
            bad = np.flatnonzero(np.any((targets < 0) | (targets > 1), axis=1))
            if bad.size:
                self.fail("data", "targets", f"cross_entropy needs targets in [0, 1] (probabilities); "
                                             f"targets[{bad[0]}] is {targets[bad[0]].tolist()}")
            off = np.flatnonzero(~np.isclose(targets.sum(axis=1), 1.0))
            if out_act == "softmax" and off.size:
                self.fail("data", "targets", f"softmax with cross_entropy needs targets that sum to 1; "
                                             f"targets[{off[0]}] sums to {targets[off[0]].sum():g}")
        return {"inputs": inputs, "targets": targets, "data_preset": data["preset"], "csv": data["csv"],
                "dataset": data["dataset"], **names, "rows": rows, "scale": scale, "scaling": params,
                "raw_inputs": raw}

    @staticmethod
    def _frozen(values) -> np.ndarray:
        arr = np.array(values, dtype=float)
        arr.setflags(write=False)
        return arr

    def _inline(self, data, layers):
        """Inline ``inputs`` and ``targets``, or those of the data ``preset``, checked."""
        preset, raw_x, raw_y = data["preset"], data["inputs"], data["targets"]
        if preset is not None:
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
                self.fail("data", key, "missing; give inputs and targets, a preset, a csv file or a "
                          "dataset" if v is None
                          else "empty: the training set needs at least one sample" if v == []
                          else f"expected a list of samples, got {kind_of(v)} {show(v)}")
        if len(raw_x) != len(raw_y):
            self.fail("data", "targets", f"{len(raw_y)} targets for {len(raw_x)} inputs; "
                                         "give one target row per input row")
        inputs = self.array("data", "inputs", raw_x, (len(raw_x), layers[0]), "inputs",
                            f" (one per input neuron: layers = {list(layers)})")
        targets = self.array("data", "targets", raw_y, (len(raw_y), layers[-1]), "targets",
                             f" (one per output neuron: layers = {list(layers)})")
        return inputs, targets

    def _table(self, source: str, value) -> data_sources.Table:
        """The CSV file (relative to the config file) or the dataset ``[data] source`` names."""
        if source == "dataset":
            name = self.choice("data", "dataset", value, data_sources.DATASETS)
            try:
                return data_sources.load_dataset(name)
            except data_sources.MissingScikitLearn:
                self.fail("data", "dataset", f"{name!r} is one of scikit-learn's datasets, and "
                                             f"scikit-learn is not installed: {data_sources.INSTALL_HINT}")
        if not isinstance(value, str) or not value.strip():
            self.fail("data", "csv", f"expected a file name, got {kind_of(value)} {show(value)}")
        path = Path(self.source).parent / value
        if not path.is_file():
            self.fail("data", "csv", f"file {path} does not exist (the path is relative to the config file)")
        return data_sources.read_csv(path, str(path))

    def _names(self, data, layers) -> dict:
        """Names of inline inputs (``features``) and outputs (``classes`` or ``outputs``), if given."""
        if data["class"] is not None:
            self.fail("data", "class", "names a column of a csv file or a dataset; name inline "
                                       "outputs with classes = [...] or outputs = [...]")
        if data["classes"] is not None and data["outputs"] is not None:
            self.fail("data", "outputs", "give either classes or outputs, not both")
        names = {"features": None, "class_column": None, "classes": None, "outputs": None}
        for key, n, what in (("features", layers[0], "input"), ("classes", layers[-1], "output"),
                             ("outputs", layers[-1], "output")):
            value = data[key]
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                self.fail("data", key, f"expected a list of names, got {kind_of(value)} {show(value)}")
            if len(value) != n:
                self.fail("data", key, f"{len(value)} names for the {n} {what} neuron(s) of [network] "
                                       f"layers = {list(layers)}")
            if len(set(value)) != len(value):
                self.fail("data", key, "a name is given twice")
            names[key] = tuple(value)
        return names

    def _rows(self, data, n: int, shuffle_seed: int) -> tuple[int, ...] | None:
        """The rows (1-based) ``rows`` or ``limit`` keep; ``None``: every row."""
        rows, limit = data["rows"], data["limit"]
        if rows is not None and limit is not None:
            self.fail("data", "limit", "give either rows or limit, not both")
        if rows is not None:
            if not isinstance(rows, list) or not rows:
                self.fail("data", "rows", f"expected a list of row numbers (the first row is 1), "
                                          f"got {kind_of(rows)} {show(rows)}")
            for r in rows:
                if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= n:
                    self.fail("data", "rows", f"row {show(r)} does not exist: the data have {n} rows, "
                                              "numbered from 1")
            if len(set(rows)) != len(rows):
                self.fail("data", "rows", "a row is given twice")
            return tuple(rows)
        if limit is None:
            return None
        limit = self.scalar("data", "limit", limit, int, minimum=1)
        if limit > n:
            self.fail("data", "limit", f"limit = {limit}, but the data have {n} rows")
        chosen = np.sort(np.random.default_rng(shuffle_seed).permutation(n)[:limit]) + 1
        return tuple(int(r) for r in chosen)

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
