"""bpviz: real backpropagation numbers, traced step by step, animated for explainer videos.

The top floor of the house (see ``docs/architecture.md``): the command line (:mod:`bpviz.cli`),
the production line that renders a :class:`~scenes.story.Story` into files
(:mod:`bpviz.production`), the outputs it writes (:mod:`bpviz.outputs`), the renderer's parts
that swap in for Manim's own (:mod:`bpviz.renderer`), the caches kept between runs
(:mod:`bpviz.cache`) and trained networks read in (:mod:`bpviz.importing`). It imports the film
(:mod:`scenes`) and the engine (:mod:`backprop_core`); neither imports it.

The Python API, imported on first use so that ``import bpviz`` stays light. The commands of
``bpviz`` call the same functions (:mod:`bpviz.api`), with the same checks; bad input raises
``bpviz.ConfigError`` carrying the one line the command line prints after ``error:``.

``config(source=None, **overrides)``
    a checked config from a preset, a TOML file, TOML text or a dict, with overrides by dotted
    key: ``bpviz.config("xor", **{"training.learning_rate": 0.3})``
``trace(config)``
    train it: the :class:`~backprop_core.trace.Trace` (every activation, delta, gradient, update)
``render(config, scene=None, quality="low", ...)``, ``frames(...)``, ``script(...)``, ``slides(...)``
    the videos, stills, narration script and deck of ``bpviz render``, ``frames``, ``script``,
    ``slides``: the paths written (the script's text)
``explore(config, output="explore.html", lang=None, theme=None)``
    the explorer page of ``bpviz explore``: one self-contained HTML file
``load_ipython_extension(ipython)``
    ``%load_ext bpviz`` registers the ``%%bpviz`` cell magic (:mod:`bpviz.notebook`)
``config_from_sklearn(mlp, X=None, y=None)``
    a fitted ``MLPClassifier``/``MLPRegressor`` as a config dict
    (:func:`bpviz.importing.sklearn_model.config_from_sklearn`)
``config_to_toml(config)``
    a config dict as TOML text (:func:`bpviz.importing.configs.config_to_toml`)
``write_config(config, path)``
    a config dict written as a TOML file, atomically (:func:`bpviz.importing.configs.write_config`)
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_API = {
    **dict.fromkeys(("ConfigError", "config", "trace", "render", "frames", "script", "slides",
                      "explore"), "bpviz.api"),
    "load_ipython_extension": "bpviz.notebook",
    "config_from_sklearn": "bpviz.importing.sklearn_model",
    "config_to_toml": "bpviz.importing.configs",
    "write_config": "bpviz.importing.configs",
}
"""Each function of the API and the module that defines it."""

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    """The API's functions, imported when first asked for (PEP 562)."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'bpviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
