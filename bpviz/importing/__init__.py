"""Trained networks in: ONNX files and scikit-learn MLPs as bpviz configs.

A trained dense network becomes a config whose ``[network]`` table gives its ``layers``,
``activations``, ``weights`` and ``biases`` in the engine's conventions (``weights[l - 1]`` is
``W^l`` of shape ``(n_l, n_{l-1})``, see ``docs/trace-format.md``):

- :mod:`bpviz.importing.onnx_model` reads an ONNX file (``bpviz import``);
- :mod:`bpviz.importing.sklearn_model` reads a fitted ``MLPClassifier``/``MLPRegressor``
  (``bpviz.config_from_sklearn``);
- :mod:`bpviz.importing.configs` builds the config as plain data and writes it as TOML.

ONNX is data (protobuf), never code: nothing here loads a pickle (``torch.load`` of a whole
model, joblib). The engine (:mod:`backprop_core`) knows none of these formats.
"""
