"""A fitted scikit-learn ``MLPClassifier`` or ``MLPRegressor`` as a bpviz config.

scikit-learn computes ``a = f(a_prev @ coefs_[i] + intercepts_[i])`` with ``coefs_[i]`` of shape
``(n_{l-1}, n_l)``; the engine's ``W^l`` is its transpose. The estimator is read through its
fitted attributes only (``coefs_``, ``intercepts_``, ``activation``, ``out_activation_``,
``classes_``), so this module never imports scikit-learn, and never unpickles anything.
"""

from __future__ import annotations

import numpy as np

from bpviz.importing.configs import ModelImportError, network_config

HIDDEN = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "identity": "linear"}
"""scikit-learn's ``activation`` names and the engine's."""
OUTPUT = {"softmax": ("softmax", "cross_entropy"), "logistic": ("sigmoid", "cross_entropy"),
          "identity": ("linear", "half_sse")}
"""scikit-learn's ``out_activation_`` and the engine's output activation and matching loss.

scikit-learn fits classifiers on the log loss (the engine's ``cross_entropy``) and regressors on
``squared_error``, half the mean squared error (the engine's ``half_sse`` for one output; for K
outputs scikit-learn also divides by K, which scales the gradients only)."""
ESTIMATORS = ("MLPClassifier", "MLPRegressor")


def _targets(mlp, y) -> np.ndarray:
    """``y`` as the network's target rows: one-hot classes, one 0/1 column for two classes."""
    y = np.asarray(y)
    if type(mlp).__name__ == "MLPRegressor":
        return (y.reshape(-1, 1) if y.ndim == 1 else y).astype(np.float64)
    if y.ndim == 2:  # multilabel: already one 0/1 column per label
        return y.astype(np.float64)
    classes = list(mlp.classes_)
    unknown = sorted({v for v in y.tolist() if v not in classes}, key=str)
    if unknown:
        raise ModelImportError(f"y holds {unknown[0]!r}, not a class of the classifier "
                               f"({', '.join(map(str, classes))})")
    if len(classes) == 2:  # one logistic output: the probability of classes_[1]
        return (y == classes[1]).astype(np.float64).reshape(-1, 1)
    return (y.reshape(-1, 1) == np.asarray(classes).reshape(1, -1)).astype(np.float64)


def config_from_sklearn(mlp, X=None, y=None) -> dict:
    """The bpviz config of a fitted ``MLPClassifier`` or ``MLPRegressor``.

    Parameters
    ----------
    mlp : sklearn.neural_network.MLPClassifier or MLPRegressor
        A fitted estimator. Its ``activation`` (``logistic``, ``tanh``, ``relu``, ``identity``)
        becomes every hidden layer's (``sigmoid``, ``tanh``, ``relu``, ``linear``), its
        ``out_activation_`` the output layer's: ``softmax`` (several classes) or ``logistic``
        (two classes, which scikit-learn gives ONE output neuron: the probability of
        ``classes_[1]``; or several labels) with ``cross_entropy``, ``identity`` (regression)
        with ``half_sse``.
    X : array_like of shape (n_samples, n_features), optional
        Samples for the ``[data]`` table (``inputs``).
    y : array_like, optional
        Their labels (classifier: one-hot rows in ``classes_`` order, a single 0/1 column for two
        classes) or values (regressor). Give ``X`` and ``y`` together.

    Returns
    -------
    dict
        The config as TOML tables of plain values: ``network`` (``layers``, ``activations``,
        ``weights`` = ``coefs_`` transposed, ``biases`` = ``intercepts_``), ``training`` (the
        loss, ``learning_rate`` = ``learning_rate_init``, one epoch), ``data`` when ``X`` and ``y``
        are given, ``video`` for a network that draws in dense mode. It is what
        ``backprop_core.config.from_dict`` validates; ``bpviz.write_config(config, path)`` writes it
        as a TOML file for ``bpviz trace``/``render``. Without ``X`` and ``y`` it has no ``data``:
        add one (``config["data"] = {"preset": ...}`` or ``inputs``/``targets``) before tracing.

    Raises
    ------
    bpviz.importing.configs.ModelImportError
        Not an MLP, not fitted, an activation or loss the engine does not have (``poisson``),
        or ``X``/``y`` that do not fit the network.
    """
    kind = type(mlp).__name__
    if kind not in ESTIMATORS:
        raise ModelImportError(f"config_from_sklearn reads {' or '.join(ESTIMATORS)}, not {kind}")
    if not hasattr(mlp, "coefs_"):
        raise ModelImportError(f"this {kind} is not fitted yet: call fit() first")
    if mlp.activation not in HIDDEN:
        raise ModelImportError(f"activation {mlp.activation!r} has no counterpart in bpviz")
    if mlp.out_activation_ not in OUTPUT:
        raise ModelImportError(f"out_activation_ {mlp.out_activation_!r} (loss "
                               f"{getattr(mlp, 'loss', '?')!r}) has no counterpart in bpviz; it reads "
                               f"{', '.join(OUTPUT)} outputs")
    out_act, loss = OUTPUT[mlp.out_activation_]
    n_layers = len(mlp.coefs_)
    activations = [HIDDEN[mlp.activation]] * (n_layers - 1) + [out_act]
    data = None
    if (X is None) != (y is None):
        raise ModelImportError("give X and y together (the inputs and their targets)")
    if X is not None:
        inputs = np.asarray(X, dtype=np.float64)
        if inputs.ndim != 2 or inputs.shape[1] != mlp.coefs_[0].shape[0]:
            raise ModelImportError(f"X has shape {inputs.shape}; the network takes rows of "
                                   f"{mlp.coefs_[0].shape[0]} features")
        targets = _targets(mlp, y)
        if targets.shape != (len(inputs), mlp.coefs_[-1].shape[1]):
            raise ModelImportError(f"y gives targets of shape {targets.shape}; the network needs "
                                   f"({len(inputs)}, {mlp.coefs_[-1].shape[1]})")
        data = {"inputs": inputs.tolist(), "targets": targets.tolist()}
    return network_config(
        [np.asarray(c).T for c in mlp.coefs_], [np.asarray(b) for b in mlp.intercepts_],
        activations, loss, learning_rate=float(mlp.learning_rate_init), data=data)
