"""[data] csv, dataset, features, class/classes/outputs, rows/limit and scale.

Every bad CSV is one line naming the file, its line and the column (or the config's key and
line), exit code 2 through the command line, and no trace written. The trace records the names,
the raw values, the scaling's parameters and the scaled inputs, which equal the formula.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_core import io, run, scaling
from backprop_core.config import load, parse
from backprop_core.errors import ConfigError, TraceFormatError
from backprop_core.presets import PRESETS
from backprop_core.train import train
from tests.cli.test_errors import assert_one_line_error, bpviz

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CSV = """\
student,hours,sleep,practice,result
ann,1,7,0,fail
bob,5,8,2,pass
cy,3,6,1,pass
dee,9,5,4,top
"""
"""Line 1 the header; lines 2-5 one student each (classes first seen: fail, pass, top)."""

CONFIG = """\
[network]
layers = [3, 4, 3]
activations = ["sigmoid", "softmax"]

[training]
loss = "cross_entropy"
epochs = 2

[data]
csv = "grades.csv"
features = ["hours", "sleep", "practice"]
class = "result"
"""
"""Line 10: csv, 11: features, 12: class."""


def write(tmp_path: Path, csv_text: str = CSV, config: str = CONFIG) -> Path:
    (tmp_path / "grades.csv").write_text(csv_text, encoding="utf-8")
    cfg = tmp_path / "grades.toml"
    cfg.write_text(config, encoding="utf-8")
    return cfg


def edit(replace: str, by: str, text: str = CONFIG) -> str:
    assert replace in text
    return text.replace(replace, by)


# (case id, CSV text, config text, fragments of the one error line; {cfg} and {csv} are the files)
BAD = [
    ("missing-feature", CSV, edit('"sleep", "practice"', '"slep", "practice"'),
     ["{cfg}:11:", "[data] features", "no column 'slep' in {csv}", "did you mean 'sleep'",
      "columns: student, hours"]),
    ("missing-class-column", CSV, edit('class = "result"', 'class = "results"'),
     ["{cfg}:12:", "[data] class", "no column 'results'", "did you mean 'result'"]),
    ("missing-output-column", CSV,
     edit('class = "result"', 'outputs = ["practise"]').replace("[3, 4, 3]", "[2, 4, 1]")
     .replace('"sleep", "practice"', '"sleep"').replace('"softmax"', '"sigmoid"'),
     ["{cfg}:12:", "[data] outputs", "no column 'practise'", "did you mean 'practice'"]),
    ("not-a-number", CSV.replace("bob,5,8,", "bob,5,eight,"), CONFIG,
     ["{csv}:3:", "column 3 ('sleep')", "'eight' is not a number"]),
    ("empty-value", CSV.replace("cy,3,6,", "cy,,6,"), CONFIG,
     ["{csv}:4:", "column 2 ('hours')", "an empty value is not a number"]),
    ("nan-value", CSV.replace("cy,3,6,", "cy,nan,6,"), CONFIG,
     ["{csv}:4:", "column 2 ('hours')", "NaN and infinity"]),
    ("ragged-row", CSV.replace("bob,5,8,2,pass", "bob,5,8,pass"), CONFIG,
     ["{csv}:3:", "this row has 4 values", "the header (line 1) names 5 columns"]),
    ("empty-file", "", CONFIG, ["{csv}:1:", "[data] csv", "the file is empty"]),
    ("blank-file", "\n\n", CONFIG, ["{csv}:1:", "the file is empty"]),
    ("header-only", CSV.splitlines()[0] + "\n", CONFIG, ["{csv}:1:", "no data rows under the header"]),
    ("header-twice", CSV.replace("student,hours", "hours,hours"), CONFIG,
     ["{csv}:1:", "column 2 is named 'hours' like column 1"]),
    ("one-class", CSV.replace("fail", "pass").replace("top", "pass"), CONFIG,
     ["{csv}:2:", "[data] class", "column 5 ('result') holds one class only ('pass')"]),
    ("more-classes-than-outputs", CSV, CONFIG.replace("[3, 4, 3]", "[3, 4, 2]"),
     ["{cfg}:12:", "[data] class", "3 classes (fail, pass, top)", "more outputs than the 2 output"]),
    ("more-output-columns-than-outputs", CSV,
     edit('class = "result"', 'outputs = ["practice", "sleep"]').replace('"sleep", "practice"]', ']')
     .replace("[3, 4, 3]", "[1, 4, 1]").replace('"softmax"', '"sigmoid"')
     .replace("cross_entropy", "half_sse"),
     ["{cfg}:12:", "[data] outputs", "2 output columns, more than the 1 output neuron"]),
    ("label-not-in-classes", CSV,
     edit('class = "result"', 'class = "result"\nclasses = ["fail", "pass", "tops"]'),
     ["{csv}:5:", "holds class 'top'", "did you mean 'tops'"]),
    ("too-many-features", CSV, edit('"practice"]', '"practice", "student"]'),
     ["{cfg}:11:", "4 input columns (hours, sleep, practice, student)", "3 input neuron"]),
    ("default-features-include-text", CSV, CONFIG.replace('features = ["hours", "sleep", "practice"]\n', "")
     .replace("[3, 4, 3]", "[4, 4, 3]"),
     ["{csv}:2:", "column 1 ('student')", "'ann' is not a number"]),
    ("no-such-file", CSV, edit('"grades.csv"', '"grade.csv"'),
     ["{cfg}:10:", "[data] csv", "grade.csv does not exist", "relative to the config file"]),
    ("class-and-outputs", CSV, edit('class = "result"', 'class = "result"\noutputs = ["sleep"]'),
     ["{cfg}:13:", "[data] outputs", "either class", "not both"]),
    ("no-targets", CSV, CONFIG.replace('class = "result"\n', ""),
     ["{cfg}:10:", "[data] csv", 'give class = "column"', "outputs = ["]),
    ("feature-is-target", CSV, edit('"practice"]', '"result"]'),
     ["{cfg}:11:", "column 'result' is an input and a target"]),
    ("csv-and-inline", CSV, CONFIG + "inputs = [[1, 2, 3]]\ntargets = [[1, 0, 0]]\n",
     ["{cfg}:13:", "[data] inputs", "not both csv and inputs"]),
    ("rows-out-of-range", CSV, CONFIG + "rows = [1, 5]\n",
     ["{cfg}:13:", "[data] rows", "row 5 does not exist: the data have 4 rows"]),
    ("rows-and-limit", CSV, CONFIG + "rows = [1, 2]\nlimit = 2\n", ["{cfg}:14:", "rows or limit"]),
    ("limit-too-large", CSV, CONFIG + "limit = 9\n", ["{cfg}:13:", "limit = 9, but the data have 4 rows"]),
    ("unknown-scale", CSV, CONFIG + 'scale = "z-score"\n',
     ["{cfg}:13:", "[data] scale", "'z-score'", "none, minmax, standard"]),
    ("unknown-dataset", CSV, CONFIG.replace('csv = "grades.csv"', 'dataset = "irs"'),
     ["{cfg}:10:", "[data] dataset", "did you mean 'iris'", "breast_cancer"]),
    ("dataset-feature-name", CSV, CONFIG.replace('csv = "grades.csv"', 'dataset = "iris"')
     .replace('["hours", "sleep", "practice"]', '["petal length", "petal width (cm)", "sepal width (cm)"]')
     .replace('class = "result"\n', ""),
     ["{cfg}:11:", "no column 'petal length' in scikit-learn's iris", "did you mean 'petal length (cm)'"]),
]


@pytest.mark.parametrize("csv_text,config,fragments", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_csv_or_data_table_is_one_line_exit_2_no_file(tmp_path, csv_text, config, fragments):
    cfg = write(tmp_path, csv_text, config)
    out = tmp_path / "out.json"
    result = bpviz("trace", str(cfg), "-o", str(out))
    assert_one_line_error(result, *(f.format(cfg=cfg, csv=tmp_path / "grades.csv") for f in fragments))
    assert not out.exists()


def test_without_scikit_learn_a_dataset_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn now raises ImportError
    cfg = tmp_path / "iris.toml"
    cfg.write_text(CONFIG.replace('csv = "grades.csv"', 'dataset = "iris"').replace("[3, 4, 3]", "[4, 4, 3]")
                   .replace('features = ["hours", "sleep", "practice"]\nclass = "result"\n', ""))
    out = tmp_path / "out.json"
    assert_one_line_error(bpviz("trace", str(cfg), "-o", str(out)), f"{cfg}:10:", "[data] dataset",
                          "scikit-learn is not installed", "pip install 'bpviz[data]'")
    assert not out.exists()


def test_the_good_csv_config_traces(tmp_path):
    cfg = write(tmp_path)
    result = bpviz("trace", str(cfg), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out.json").read_text())["config"]["data"]
    assert data["csv"] == "grades.csv" and data["features"] == ["hours", "sleep", "practice"]
    assert data["class"] == "result" and data["classes"] == ["fail", "pass", "top"]
    assert "scale" not in data and "raw_inputs" not in data and "rows" not in data


# --- parsing ---------------------------------------------------------------------------------

def test_class_column_gives_one_hot_targets_in_first_seen_order(tmp_path):
    cfg = load(str(write(tmp_path)))
    assert cfg.classes == ("fail", "pass", "top") and cfg.class_column == "result"
    assert cfg.targets.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert cfg.inputs.tolist() == [[1, 7, 0], [5, 8, 2], [3, 6, 1], [9, 5, 4]]
    assert cfg.features == ("hours", "sleep", "practice") and cfg.outputs is None
    assert not cfg.inputs.flags.writeable and not cfg.targets.flags.writeable


def test_classes_give_the_output_order(tmp_path):
    cfg = load(str(write(tmp_path, config=edit('class = "result"', 'class = "result"\n'
                                                'classes = ["top", "fail", "pass"]'))))
    assert cfg.classes == ("top", "fail", "pass")
    assert cfg.targets.tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0]]


def test_outputs_are_numeric_targets_and_features_default_to_the_other_columns(tmp_path):
    text = "a,b,score\n1,2,0.5\n3,4,0.25\n"
    config = ('[network]\nlayers = [2, 2, 1]\n[data]\ncsv = "grades.csv"\noutputs = ["score"]\n')
    cfg = load(str(write(tmp_path, text, config)))
    assert cfg.features == ("a", "b") and cfg.outputs == ("score",) and cfg.classes is None
    assert cfg.inputs.tolist() == [[1, 2], [3, 4]] and cfg.targets.tolist() == [[0.5], [0.25]]


def test_quotes_bom_blank_lines_and_spaces_are_read(tmp_path):
    text = '\ufeff"hours studied", sleep ,result\n\n"1.5", 7 ,"pass, barely"\n2,8,fail\n\n'
    config = CONFIG.replace("[3, 4, 3]", "[2, 4, 2]").replace(
        '["hours", "sleep", "practice"]', '["hours studied", "sleep"]')
    cfg = load(str(write(tmp_path, text, config)))
    assert cfg.inputs.tolist() == [[1.5, 7], [2, 8]] and cfg.classes == ("pass, barely", "fail")


def test_the_csv_path_is_relative_to_the_config_file(tmp_path, monkeypatch):
    cfg = write(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert len(load(str(Path("..") / cfg.name)).inputs) == 4


def test_inline_data_may_be_named_and_scaled():
    cfg = parse('[network]\nlayers = [2, 1]\n[data]\ninputs = [[0, 10], [4, 30]]\ntargets = [[0], [1]]\n'
                'features = ["age", "height"]\noutputs = ["grown"]\nscale = "minmax"\n')
    assert cfg.features == ("age", "height") and cfg.outputs == ("grown",)
    assert cfg.inputs.tolist() == [[0, 0], [1, 1]] and cfg.raw_inputs.tolist() == [[0, 10], [4, 30]]
    with pytest.raises(ConfigError, match=r"\[data\] features: 1 names for the 2 input"):
        parse('[network]\nlayers = [2, 1]\n[data]\ninputs = [[0, 1]]\ntargets = [[0]]\nfeatures = ["a"]\n')
    with pytest.raises(ConfigError, match=r"\[data\] class: names a column"):
        parse('[network]\nlayers = [2, 1]\n[data]\ninputs = [[0, 1]]\ntargets = [[0]]\nclass = "a"\n')


# --- scikit-learn's datasets -------------------------------------------------------------------

def dataset_config(name: str, layers: list[int], extra: str = "") -> str:
    out = '"softmax"' if layers[-1] > 1 else '"sigmoid"'
    return (f'[network]\nlayers = {layers}\nactivations = ["sigmoid", {out}]\n'
            f'[data]\ndataset = "{name}"\n{extra}')


@pytest.mark.parametrize("name,n,features,classes", [
    ("iris", 150, 4, ("setosa", "versicolor", "virginica")),
    ("wine", 178, 13, ("class_0", "class_1", "class_2")),
    ("breast_cancer", 569, 30, ("malignant", "benign")),
    ("digits", 1797, 64, tuple(str(d) for d in range(10))),
])
def test_datasets_load_with_their_names_and_classes(name, n, features, classes):
    cfg = parse(dataset_config(name, [features, 3, len(classes)]))
    assert cfg.inputs.shape == (n, features) and cfg.targets.shape == (n, len(classes))
    assert cfg.classes == classes and cfg.class_column == "target" and len(cfg.features) == features
    assert np.all(cfg.targets.sum(axis=1) == 1) and cfg.dataset == name


def test_dataset_features_by_name_and_the_digits_pixels():
    from sklearn.datasets import load_digits, load_iris

    cfg = parse(dataset_config("iris", [2, 3, 3], 'features = ["petal length (cm)", "petal width (cm)"]\n'))
    assert cfg.features == ("petal length (cm)", "petal width (cm)")
    assert cfg.inputs.tolist() == load_iris().data[:, [2, 3]].tolist()
    assert cfg.targets.argmax(axis=1).tolist() == load_iris().target.tolist()
    digits = parse(dataset_config("digits", [64, 3, 10]))
    assert digits.features[:2] == ("pixel_0_0", "pixel_0_1")
    assert digits.inputs.tolist() == load_digits().data.tolist()


def test_a_dataset_column_may_be_a_numeric_output():
    cfg = parse(dataset_config("iris", [3, 3, 1], 'outputs = ["petal width (cm)"]\n'))
    assert cfg.features == ("sepal length (cm)", "sepal width (cm)", "petal length (cm)")
    assert cfg.outputs == ("petal width (cm)",) and cfg.classes is None and cfg.targets.shape == (150, 1)


# --- rows, limit, scaling and the trace ------------------------------------------------------

def test_rows_pick_source_rows_counted_from_one(tmp_path):
    cfg = load(str(write(tmp_path, config=CONFIG + "rows = [4, 2]\n")))
    assert cfg.rows == (4, 2) and cfg.inputs.tolist() == [[9, 5, 4], [5, 8, 2]]


def test_limit_picks_a_seeded_subset_in_source_order():
    def rows(seed: int):
        return parse(dataset_config("iris", [4, 3, 3], "limit = 12\n")
                     + f"[training]\nshuffle_seed = {seed}\n").rows

    assert rows(0) == rows(0) and rows(0) != rows(1)
    assert len(rows(0)) == 12 and list(rows(0)) == sorted(rows(0)) and min(rows(0)) >= 1
    cfg = parse(dataset_config("iris", [4, 3, 3], "limit = 12\n"))
    full = parse(dataset_config("iris", [4, 3, 3]))
    assert cfg.inputs.tolist() == full.inputs[np.array(cfg.rows) - 1].tolist()


@pytest.mark.parametrize("scale,names", [("minmax", ("min", "max")), ("standard", ("mean", "std"))])
def test_the_traces_scaled_inputs_equal_the_formula(scale, names):
    cfg = parse(dataset_config("iris", [4, 3, 3], f'scale = "{scale}"\nlimit = 30\n')
                + '[training]\nloss = "cross_entropy"\nrecord = "epochs"\n')
    raw = np.asarray(cfg.raw_inputs)
    data = json.loads(io.dumps(train(cfg)))["config"]["data"]
    assert data["scale"] == scale and tuple(data["scaling"]) == names == scaling.PARAMETERS[scale]
    assert data["raw_inputs"] == raw.tolist()
    a, b = (np.array(data["scaling"][k]) for k in names)
    if scale == "minmax":
        assert a.tolist() == raw.min(axis=0).tolist() and b.tolist() == raw.max(axis=0).tolist()
        expected = (raw - a) / (b - a)
        assert np.all((expected >= 0) & (expected <= 1))
    else:
        assert np.allclose(a, raw.mean(axis=0), rtol=0, atol=1e-12)
        assert np.allclose(b, np.sqrt(((raw - raw.mean(axis=0)) ** 2).mean(axis=0)), rtol=0, atol=1e-12)
        expected = (raw - a) / b
        assert np.allclose(expected.mean(axis=0), 0, atol=1e-12)
    assert np.array_equal(np.array(data["inputs"]), expected)


def test_a_constant_feature_scales_to_zero():
    raw = np.array([[1.0, 5.0], [3.0, 5.0]])
    for scale in ("minmax", "standard"):
        scaled = scaling.apply(scale, scaling.fit(scale, raw), raw)
        assert scaled[:, 1].tolist() == [0.0, 0.0] and np.all(np.isfinite(scaled))


def test_a_scaled_trace_reads_back_and_a_tampered_one_is_refused(tmp_path):
    trace = run(str(write(tmp_path, config=CONFIG + 'scale = "standard"\nrows = [1, 2, 4]\n')))
    again = io.loads(io.dumps(trace))
    assert io.dumps(again) == io.dumps(trace)
    assert np.array_equal(io.config_of(again.config).inputs, np.array(trace.config["data"]["inputs"]))
    bad = json.loads(io.dumps(trace))
    bad["config"]["data"]["scaling"]["mean"][0] += 1.0
    with pytest.raises(TraceFormatError, match="not those of scale = 'standard' over raw_inputs"):
        io.from_dict(bad)


def test_preset_traces_write_no_new_data_keys():
    """A trace of inline data or a data preset keeps the old layout exactly (goldens unchanged)."""
    for name in ("mazur", "xor", "circle"):
        data = json.loads(io.dumps(run(name)))["config"]["data"]
        assert list(data) == ["inputs", "targets", "preset"]


# --- the presets and the example that use it --------------------------------------------------

def test_the_iris_preset_is_standardised_and_learns():
    assert "iris" in PRESETS
    cfg = load("iris")
    assert cfg.layers == (4, 5, 3) and cfg.activations[-1] == "softmax" and cfg.loss == "cross_entropy"
    assert cfg.scale == "standard" and cfg.mode in ("batch", "minibatch")
    assert cfg.classes == ("setosa", "versicolor", "virginica")
    assert cfg.features == ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
    assert np.allclose(cfg.inputs.mean(axis=0), 0, atol=1e-12)
    assert train(cfg).epochs[-1].accuracy >= 0.95


def test_the_csv_example_loads_and_learns():
    cfg = load(str(EXAMPLES / "exam_results.toml"))
    assert cfg.csv == "exam_results.csv" and cfg.classes == ("fail", "pass", "distinction")
    assert all(len(name) > 20 for name in cfg.features) and cfg.scale == "minmax"
    trace = train(cfg)
    assert trace.epochs[-1].accuracy > trace.epochs[0].accuracy
