"""An imported network as a bpviz config: plain data, checked by the engine, written as TOML.

A config here is the nested ``dict`` that TOML gives (tables of keys), the form that
:func:`backprop_core.config.from_dict` validates and ``bpviz trace`` reads from a file:

``network``   ``layers``, ``activations``, ``weights`` (``W^l`` of shape ``(n_l, n_{l-1})``,
              one list of rows per layer), ``biases``
``training``  ``loss``, ``learning_rate``, ``epochs``
``data``      the training set (``inputs`` and ``targets``, or a ``preset``), when known
``video``     ``scenes``, for a network that draws in dense mode

:func:`config_to_toml` writes it with one weight row per line; :func:`write_config` writes that
text atomically, creating missing folders.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from pathlib import Path

import numpy as np

from backprop_core.config import from_dict
from backprop_core.config_checks import did_you_mean
from backprop_core.data_sources import DATASETS
from backprop_core.errors import BpvizError
from backprop_core.io import write_atomically
from backprop_core.presets import DATA_PRESETS


class ModelImportError(BpvizError):
    """A model that bpviz cannot read as a dense network, explained in one line."""


def network_config(weights, biases, activations, loss: str, learning_rate: float = 0.5,
                   data: dict | None = None, dense_scenes: bool = True) -> dict:
    """The config of a dense network with the given parameters.

    Parameters
    ----------
    weights : sequence of array_like
        ``W^1 .. W^L``, each of shape ``(n_l, n_{l-1})`` (the engine's convention).
    biases : sequence of array_like
        ``b^1 .. b^L``, each of shape ``(n_l,)``.
    activations : sequence of str
        The engine's names (``sigmoid``, ``tanh``, ``relu``, ``linear``, ``softmax``), one per layer.
    loss : str
        ``half_sse``, ``mse`` or ``cross_entropy``.
    learning_rate : float
        The step size of the training the config describes (one epoch from the trained weights).
    data : dict, optional
        The ``[data]`` table; without it the config has none and must get one before tracing.
    dense_scenes : bool
        For a network that draws in dense mode (e.g. 784 inputs), set ``[video] scenes`` to the
        chapters dense mode has (this imports the film's layout, and so Manim).

    Returns
    -------
    dict
        The config as nested tables of plain Python values (floats exactly as in the model).
    """
    weights = [np.asarray(w, dtype=np.float64) for w in weights]
    biases = [np.asarray(b, dtype=np.float64) for b in biases]
    layers = [int(weights[0].shape[1])] + [int(w.shape[0]) for w in weights]
    for what, arrays in (("weight", weights), ("bias", biases)):
        for i, arr in enumerate(arrays, start=1):
            if not np.all(np.isfinite(arr)):
                raise ModelImportError(f"the {what}s of layer {i} hold NaN or infinity")
    config = {
        "network": {"layers": layers, "activations": list(activations),
                    "weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases]},
        "training": {"loss": loss, "learning_rate": float(learning_rate), "epochs": 1},
    }
    if data is not None:
        config["data"] = data
    if dense_scenes:
        from scenes.chapters.registry import DENSE_CHAPTERS
        from scenes.layout import is_dense

        if is_dense(tuple(layers)):
            config["video"] = {"scenes": list(DENSE_CHAPTERS)}
    return config


def check_config(config: dict, source: str) -> None:
    """Validate ``config`` as ``bpviz trace`` would; a config without data gets a stand-in sample.

    Raises :class:`~backprop_core.errors.ConfigError` (one line, naming ``source``) when the
    engine refuses it.
    """
    if "data" not in config:
        layers = config["network"]["layers"]
        target = [1.0] + [0.0] * (layers[-1] - 1)  # fits every loss and output activation
        config = {**config, "data": {"inputs": [[0.0] * layers[0]], "targets": [target]}}
    from_dict(config, source)


def data_table(value: str, output: str | os.PathLike) -> dict:
    """The ``[data]`` table that ``--data VALUE`` names, for a config to be written to ``output``.

    Parameters
    ----------
    value : str
        A TOML file (its ``[data]`` table is copied; a relative ``csv`` path in it is rewritten
        to stay right from ``output``'s folder), else a data preset name (``xor``, ``mnist_like`` ...)
        or a scikit-learn dataset (``iris``, ``wine``, ``breast_cancer``, ``digits``: ``dataset = ...``).
    output : str or os.PathLike
        Where the config will be written.

    Returns
    -------
    dict
        The table, e.g. ``{"preset": "xor"}`` or ``{"dataset": "iris"}``.
    """
    path = Path(value)
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            raise ModelImportError(f"--data {value}: cannot read it ({err})") from None
        except tomllib.TOMLDecodeError as err:
            raise ModelImportError(f"--data {value}: not valid TOML ({err})") from None
        table = raw.get("data")
        if not isinstance(table, dict) or not table:
            raise ModelImportError(f"--data {value}: it has no [data] table to copy")
        table = dict(table)
        csv = table.get("csv")
        if isinstance(csv, str) and not Path(csv).is_absolute():
            table["csv"] = os.path.relpath(path.parent.resolve() / csv,
                                           Path(output).parent.resolve()).replace(os.sep, "/")
        return table
    if value in DATA_PRESETS:
        return {"preset": value}
    if value in DATASETS:  # scikit-learn's bundled data set (the extra bpviz[data])
        return {"dataset": value}
    names = (*DATA_PRESETS, *DATASETS)
    raise ModelImportError(f"--data: {value!r} is neither a file, a data preset nor a dataset"
                           f"{did_you_mean(value, names)}; data presets: {', '.join(DATA_PRESETS)}; "
                           f"datasets: {', '.join(DATASETS)}")


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            raise ModelImportError(f"{value!r} cannot be written to a config (NaN or infinity)")
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's basic string ones
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v, '')}" for k, v in value.items()) + " }"
    raise ModelImportError(f"cannot write {type(value).__name__} {value!r} to a config")


def _value(value, indent: str) -> str:
    """TOML text of ``value``: a list of lists puts each element on a line of its own."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return _scalar(value)
    if value and all(isinstance(v, (list, tuple, np.ndarray)) for v in value):
        inner = indent + "  "
        return "[\n" + "".join(f"{inner}{_value(v, inner)},\n" for v in value) + f"{indent}]"
    return "[" + ", ".join(_value(v, indent) for v in value) + "]"


def config_to_toml(config: dict, header: str = "") -> str:
    """The TOML text of ``config``: its tables in order, one weight row per line.

    Parameters
    ----------
    config : dict
        Tables of keys, as :func:`network_config` gives (any TOML-able values).
    header : str
        Comment lines put first (each gets a ``#``).

    Returns
    -------
    str
        Text that :func:`backprop_core.config.parse` reads back into the same values.
    """
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    for table, body in config.items():
        out.append(f"\n[{_key(table)}]")
        for key, value in body.items():
            if table == "network" and key == "weights":
                out.append("# weights[l - 1] is W^l: row j holds the weights into neuron j of layer l")
            out.append(f"{_key(key)} = {_value(value, '')}")
    if "data" not in config:
        layers = config.get("network", {}).get("layers", [])
        n_in, n_out = (layers[0], layers[-1]) if layers else ("n_0", "n_L")
        out += ["\n# [data]  (none yet: give one before `bpviz trace`)",
                f"# inputs = [[...]]    # one row of {n_in} numbers per sample",
                f"# targets = [[...]]   # one row of {n_out} numbers per sample",
                '# or: preset = "xor" (`bpviz presets`), or `bpviz import MODEL --data ...`']
    return "\n".join(out).lstrip("\n") + "\n"


def write_config(config: dict, path: str | os.PathLike, header: str = "") -> Path:
    """Write ``config`` as TOML to ``path`` atomically, creating missing parent folders.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    text = config_to_toml(config, header)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(path, text.encode("utf-8"))
