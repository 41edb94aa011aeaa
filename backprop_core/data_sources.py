"""Training sets from outside the config: a CSV file or one of scikit-learn's bundled datasets.

``[data] csv = "file.csv"`` (relative to the config file) and ``[data] dataset = "iris"`` both
become a :class:`Table` (named columns, one row per sample); :func:`pick` then takes the input
columns (``features``) and the targets from it: a ``class`` column of labels (one output per
class, one-hot targets) or numeric ``outputs`` columns. Every problem is a
:class:`~backprop_core.errors.ConfigError` of one line: a problem of the file names the file, its
line and the column; a problem of the config names the config's key and line.

The CSV is read with the standard library's :mod:`csv` (comma separated, a header line of column
names, UTF-8 with or without a byte-order mark). The datasets are scikit-learn's bundled ones, read
from its installation (no download); scikit-learn is an optional extra, ``bpviz[data]``, imported
only here and only when a config asks for a dataset (docs/architecture.md).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from .config_checks import ValueChecker, did_you_mean, kind_of, show
from .errors import ConfigError

DATASETS = ("iris", "wine", "breast_cancer", "digits")
"""scikit-learn's bundled datasets ``[data] dataset`` may name (``sklearn.datasets.load_<name>``)."""

INSTALL_HINT = "pip install 'bpviz[data]'"
"""What to run when scikit-learn is missing."""

TARGET = "target"
"""The column of a dataset that holds its classes (its default ``class``), as scikit-learn names it."""


class MissingScikitLearn(ImportError):
    """scikit-learn, the optional extra ``bpviz[data]``, is not installed."""


@dataclass(frozen=True, eq=False)
class Table:
    """Named columns of cells, one row per sample, and where each row was read.

    Parameters
    ----------
    name : str
        The file (as errors name it) or ``"scikit-learn's <dataset>"``.
    columns : tuple of str
        The column names, in order.
    rows : list of list
        The cells of each row: text read from a CSV, or numbers and class labels of a dataset.
    lines : tuple of int, optional
        The file line of each row (``None``: not read from a file).
    classes : tuple of str, optional
        The class order a dataset declares for its ``target`` column.
    """

    name: str
    columns: tuple[str, ...]
    rows: list[list]
    lines: tuple[int, ...] | None = None
    classes: tuple[str, ...] | None = None

    def fail(self, row: int | None, message: str):
        """Raise the error of data row ``row`` (0-based; ``None``: the file itself), at its line."""
        line = None if self.lines is None else (1 if row is None else self.lines[row])
        raise ConfigError(message, self.name, line)

    def column(self, name: str) -> list:
        """The cells of column ``name``, one per row."""
        j = self.columns.index(name)
        return [row[j] for row in self.rows]


def read_csv(path: Path, shown: str) -> Table:
    """Read the CSV file at ``path`` (named ``shown`` in errors) into a :class:`Table`.

    Blank lines are skipped. Raises :class:`ConfigError` for a file that cannot be read, that is
    empty or has no data rows, a header naming a column twice, or a row whose number of values
    differs from the header's.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header, rows, lines = None, [], []
            for cells in reader:
                if not cells or all(not c.strip() for c in cells):
                    continue
                cells = [c.strip() for c in cells]
                if header is None:
                    header, header_line = cells, reader.line_num
                    continue
                if len(cells) != len(header):
                    raise ConfigError(f"[data] csv: this row has {len(cells)} values, but the header "
                                      f"(line {header_line}) names {len(header)} columns",
                                      shown, reader.line_num)
                rows.append(cells)
                lines.append(reader.line_num)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ConfigError(f"[data] csv: cannot read {shown}: {err}") from None
    if header is None:
        raise ConfigError("[data] csv: the file is empty; expected a header line of column names "
                          "and one row per sample", shown, 1)
    if not rows:
        raise ConfigError("[data] csv: no data rows under the header; give one row per sample",
                          shown, header_line)
    for j, name in enumerate(header):
        if not name:
            raise ConfigError(f"[data] csv: column {j + 1} of the header has no name", shown, header_line)
        if header.index(name) != j:
            raise ConfigError(f"[data] csv: column {j + 1} is named {name!r} like column "
                              f"{header.index(name) + 1}; names must differ", shown, header_line)
    return Table(shown, tuple(header), rows, tuple(lines))


def load_dataset(name: str) -> Table:
    """scikit-learn's bundled dataset ``name`` (one of :data:`DATASETS`) as a :class:`Table`.

    Its feature columns keep scikit-learn's names (``"petal length (cm)"``; the 8x8 digits'
    pixels are ``pixel_0_0`` .. ``pixel_7_7``, row by row), and the column ``target`` holds each
    sample's class name. Raises :class:`MissingScikitLearn` when scikit-learn is not installed.
    """
    try:
        from sklearn import datasets  # the optional extra bpviz[data]; only the data sources read it
    except ImportError:
        raise MissingScikitLearn(INSTALL_HINT) from None
    bunch = getattr(datasets, f"load_{name}")()
    classes = tuple(str(c) for c in bunch.target_names)
    features = [str(f) for f in bunch.feature_names]
    rows = [[*map(float, x), classes[int(t)]] for x, t in zip(bunch.data.tolist(), bunch.target)]
    return Table(f"scikit-learn's {name}", (*features, TARGET), rows, None, classes)


@dataclass(frozen=True, eq=False)
class Picked:
    """Inputs and targets taken from a :class:`Table`, with the names the film shows."""

    inputs: list[list[float]]
    targets: list[list[float]]
    features: tuple[str, ...]
    class_column: str | None
    classes: tuple[str, ...] | None
    outputs: tuple[str, ...] | None


def pick(checker: ValueChecker, table: Table, data: dict, layers: tuple[int, ...],
         source_key: str) -> Picked:
    """Take ``[data] features`` and ``class`` or ``outputs`` from ``table`` for a network of ``layers``.

    Parameters
    ----------
    checker : ValueChecker
        Names the config's file and line in errors of its keys.
    table : Table
        The CSV's or the dataset's columns.
    data : dict
        The ``[data]`` table, every key present (``None``: not given).
    layers : tuple of int
        The network's layer sizes: the inputs must fill layer 0, the targets layer L.
    source_key : str
        ``"csv"`` or ``"dataset"``, where an error about the table as a whole is placed.
    """
    class_column, outputs = data["class"], data["outputs"]
    if class_column is not None and outputs is not None:
        checker.fail("data", "outputs", "give either class (a column of labels) or outputs "
                                        "(numeric columns), not both")
    if class_column is None and outputs is None:
        if table.classes is None:
            checker.fail("data", source_key, 'which columns are the targets? give class = "column" '
                         '(labels, one output per class) or outputs = ["column", ...] (numbers)')
        class_column = TARGET
    if class_column is not None:
        class_column = _column_names(checker, table, "class", [class_column], single=True)[0]
        taken = [class_column]
    else:
        outputs = _column_names(checker, table, "outputs", outputs)
        taken = list(outputs)
    if data["features"] is None:
        features = tuple(c for c in table.columns if c not in taken and c != TARGET)
    else:
        features = _column_names(checker, table, "features", data["features"])
        both = [f for f in features if f in taken]
        if both:
            checker.fail("data", "features", f"column {both[0]!r} is an input and a target; "
                                             "an input cannot be its own target")
    if len(features) != layers[0]:
        checker.fail("data", "features" if data["features"] is not None else source_key,
                     f"{len(features)} input columns ({_listed(features)}), but [network] layers = "
                     f"{list(layers)} has {layers[0]} input neuron(s): one per input column")
    inputs = _numbers(table, features)
    if class_column is not None:
        classes, targets = _one_hot(checker, table, class_column, data["classes"], layers)
        return Picked(inputs, targets, features, class_column, classes, None)
    if data["classes"] is not None:
        checker.fail("data", "classes", "names the classes of a class column; with outputs the "
                                        "targets are numbers")
    if len(outputs) != layers[-1]:
        more = "more" if len(outputs) > layers[-1] else "fewer"
        checker.fail("data", "outputs", f"{len(outputs)} output columns, {more} than the "
                     f"{layers[-1]} output neuron(s) of [network] layers = {list(layers)}")
    return Picked(inputs, _numbers(table, outputs), features, None, None, outputs)


def _column_names(checker, table: Table, key: str, names, single: bool = False) -> tuple[str, ...]:
    """``names`` (the value of ``[data] key``) checked: a list of distinct columns of ``table``."""
    want = "a column name" if single else "a list of column names"
    if not single and (not isinstance(names, list) or not names):
        checker.fail("data", key, f"expected {want}, got {kind_of(names)} {show(names)}")
    for name in names:
        if not isinstance(name, str):
            checker.fail("data", key, f"expected {want}, got {kind_of(name)} {show(name)}")
        if name not in table.columns:
            checker.fail("data", key, f"no column {name!r} in {table.name}{did_you_mean(name, table.columns)}"
                                      f"; columns: {_listed(table.columns)}")
        if names.count(name) > 1:
            checker.fail("data", key, f"column {name!r} is named twice")
    return tuple(names)


def _listed(names, limit: int = 8) -> str:
    """``names`` joined by commas, the first ``limit`` and a count of the rest."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def _numbers(table: Table, names) -> list[list[float]]:
    """The values of columns ``names`` as finite floats, one row per sample."""
    idx = [table.columns.index(n) for n in names]
    out = []
    for i, row in enumerate(table.rows):
        values = []
        for j in idx:
            cell = row[j]
            if isinstance(cell, float):
                values.append(cell)
                continue
            try:
                value = float(cell)
            except ValueError:
                table.fail(i, f"[data] csv: column {j + 1} ({table.columns[j]!r}): "
                              f"{'an empty value' if cell == '' else show(cell)} is not a number")
            if not math.isfinite(value):
                table.fail(i, f"[data] csv: column {j + 1} ({table.columns[j]!r}): {cell!r}; NaN "
                              "and infinity are not allowed")
            values.append(value)
        out.append(values)
    return out


def _one_hot(checker, table: Table, column: str, given, layers) -> tuple[tuple[str, ...], list]:
    """Class names (as ``classes`` gives, the dataset declares or first seen) and one-hot targets."""
    labels = [str(c) for c in table.column(column)]
    j = table.columns.index(column)
    for i, label in enumerate(labels):
        if not label:
            table.fail(i, f"[data] csv: column {j + 1} ({column!r}): an empty class label")
    if given is not None:
        if not isinstance(given, list) or not all(isinstance(c, str) for c in given):
            checker.fail("data", "classes", f"expected a list of class names, got {show(given)}")
        if len(set(given)) != len(given):
            checker.fail("data", "classes", "a class is named twice")
        classes = tuple(given)
        for i, label in enumerate(labels):
            if label not in classes:
                table.fail(i, f"[data] classes: column {j + 1} ({column!r}) holds class {label!r}, "
                              f"which [data] classes does not list{did_you_mean(label, classes)}")
    else:
        classes = table.classes if table.classes is not None else tuple(dict.fromkeys(labels))
    if len(set(labels)) < 2:
        table.fail(0, f"[data] class: column {j + 1} ({column!r}) holds one class only "
                      f"({labels[0]!r}); a classifier needs at least two")
    if len(classes) != layers[-1]:
        more = "more" if len(classes) > layers[-1] else "fewer"
        checker.fail("data", "classes" if given is not None else "class",
                     f"{len(classes)} classes ({_listed(classes)}): {more} outputs than the "
                     f"{layers[-1]} output neuron(s) of [network] layers = {list(layers)}; "
                     "the network needs one output per class")
    index = {c: k for k, c in enumerate(classes)}
    targets = [[float(index[label] == k) for k in range(len(classes))] for label in labels]
    return classes, targets
