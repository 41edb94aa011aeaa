"""Built-in presets: whole configs (``*.toml`` beside this file) and data sets.

A config preset is a TOML file in this folder; its first comment line is its
one-line description (``bpviz presets`` lists them). A data preset is a training set
that ``[data] preset = "name"`` selects.
"""

from __future__ import annotations

from importlib import resources

from .data import DATA_PRESETS, data_preset

PRESETS = ("mazur", "xor", "and", "digits", "circle", "mnist_like", "iris")
"""Config presets, the default first."""

__all__ = ["DATA_PRESETS", "PRESETS", "data_preset", "preset_description", "preset_text"]


def preset_text(name: str) -> str:
    """The TOML text of config preset ``name``."""
    return resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")


def preset_description(name: str) -> str:
    """The first comment line of preset ``name``, without the ``#``."""
    for line in preset_text(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""
