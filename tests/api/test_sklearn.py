"""``bpviz.config_from_sklearn``: a fitted MLP's config gives scikit-learn's own outputs, to 1e-12.

The MLPs are fitted briefly (a few dozen iterations) on data sets scikit-learn ships (iris,
breast cancer, diabetes): nothing is downloaded. Not converging is expected and silenced.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import bpviz
from backprop_core.config import from_dict, load
from backprop_core.network import forward
from backprop_core.train import train
from bpviz.importing.configs import ModelImportError


def fitted(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def engine_outputs(config: dict, X) -> np.ndarray:
    net = config["network"]
    weights = [np.array(w) for w in net["weights"]]
    biases = [np.array(b) for b in net["biases"]]
    return forward(weights, biases, tuple(net["activations"]), np.asarray(X, dtype=np.float64)).a[-1]


def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.mark.parametrize("activation,engine", [("tanh", "tanh"), ("relu", "relu"),
                                               ("logistic", "sigmoid"), ("identity", "linear")])
def test_multiclass_classifier_round_trips(activation, engine):
    X, y = iris()
    mlp = fitted(MLPClassifier(hidden_layer_sizes=(5, 4), activation=activation, max_iter=60,
                               random_state=0), X, y)
    config = bpviz.config_from_sklearn(mlp)
    assert config["network"]["layers"] == [4, 5, 4, 3]
    assert config["network"]["activations"] == [engine, engine, "softmax"]
    assert config["training"]["loss"] == "cross_entropy"
    error = np.abs(engine_outputs(config, X) - mlp.predict_proba(X)).max()
    assert error <= 1e-12, error


def test_binary_classifier_has_one_logistic_output():
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    labels = np.where(y == 1, "benign", "malignant")
    mlp = fitted(MLPClassifier(hidden_layer_sizes=(6,), max_iter=40, random_state=1), X, labels)
    config = bpviz.config_from_sklearn(mlp, X[:20], labels[:20])
    assert config["network"]["layers"] == [30, 6, 1]
    assert config["network"]["activations"] == ["relu", "sigmoid"]
    error = np.abs(engine_outputs(config, X)[:, 0] - mlp.predict_proba(X)[:, 1]).max()
    assert error <= 1e-12, error
    # the target is the probability of classes_[1]
    want = (labels[:20] == mlp.classes_[1]).astype(float).reshape(-1, 1)
    np.testing.assert_array_equal(config["data"]["targets"], want)
    assert from_dict(config).loss == "cross_entropy"


def test_regressor_round_trips_and_its_loss_is_half_sse():
    X, y = load_diabetes(return_X_y=True)
    mlp = fitted(MLPRegressor(hidden_layer_sizes=(8, 3), activation="tanh", max_iter=50, random_state=0),
                 X, y / 100)
    config = bpviz.config_from_sklearn(mlp, X[:10], y[:10] / 100)
    assert config["network"]["activations"] == ["tanh", "tanh", "linear"]
    assert config["training"]["loss"] == "half_sse"
    error = np.abs(engine_outputs(config, X)[:, 0] - mlp.predict(X)).max()
    assert error <= 1e-12, error
    assert from_dict(config).targets.shape == (10, 1)


def test_the_data_table_traces_and_the_toml_reads_back_exactly(tmp_path):
    X, y = iris()
    mlp = fitted(MLPClassifier(hidden_layer_sizes=(5,), activation="tanh", max_iter=40, random_state=0), X, y)
    rows = [0, 60, 120]
    config = bpviz.config_from_sklearn(mlp, X[rows], y[rows])
    assert config["data"]["targets"] == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    assert config["training"]["learning_rate"] == mlp.learning_rate_init
    path = bpviz.write_config(config, tmp_path / "new" / "iris_mlp.toml")
    cfg = load(str(path))
    for ours, coef in zip(cfg.weights, mlp.coefs_):
        np.testing.assert_array_equal(ours, coef.T)
    for ours, intercept in zip(cfg.biases, mlp.intercepts_):
        np.testing.assert_array_equal(ours, intercept)
    trace = train(cfg)
    assert len(trace.steps) == 3  # online: one update per sample
    first = trace.steps[0]
    np.testing.assert_allclose(first.per_sample[0].a[-1], mlp.predict_proba(X[rows[:1]])[0],
                               rtol=0, atol=1e-12)


def test_bad_estimators_and_data_are_one_line_errors():
    X, y = iris()
    with pytest.raises(ModelImportError, match="not fitted"):
        bpviz.config_from_sklearn(MLPClassifier())
    with pytest.raises(ModelImportError, match="MLPClassifier or MLPRegressor, not list"):
        bpviz.config_from_sklearn([1, 2])
    mlp = fitted(MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0), X, y)
    with pytest.raises(ModelImportError, match="together"):
        bpviz.config_from_sklearn(mlp, X)
    with pytest.raises(ModelImportError, match="rows of 4 features"):
        bpviz.config_from_sklearn(mlp, X[:, :2], y)
    with pytest.raises(ModelImportError, match="not a class"):
        bpviz.config_from_sklearn(mlp, X[:2], [0, 7])
    poisson = fitted(MLPRegressor(loss="poisson", hidden_layer_sizes=(3,), max_iter=5, random_state=0),
                     X, y + 1.0)
    with pytest.raises(ModelImportError, match="'exp'.*'poisson'"):
        bpviz.config_from_sklearn(poisson)


def test_import_bpviz_stays_light():
    code = ("import sys, bpviz; heavy = {'numpy', 'sklearn', 'onnx', 'manim', 'scenes', 'backprop_core'}; "
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert "config_from_sklearn" in dir(bpviz)
