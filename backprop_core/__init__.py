"""bpviz's engine: dense networks in NumPy that record every number of their training.

>>> from backprop_core import run_preset
>>> trace = run_preset("mazur")
>>> trace.steps[0].after.weights[1][0, 0].round(8)   # Mazur's w5+
np.float64(0.35891648)
"""

from __future__ import annotations

from .config import Config, load
from .errors import BpvizError, ConfigError, TraceFormatError
from .trace import Trace
from .train import TrainingDiverged, train

__version__ = "0.1.0"

__all__ = [
    "BpvizError", "Config", "ConfigError", "Trace", "TraceFormatError", "TrainingDiverged",
    "load", "run", "run_preset", "train", "__version__",
]


def run(source: str | None = None) -> Trace:
    """Load the config at ``source`` (a TOML path or a preset name) and train it."""
    return train(load(source))


def run_preset(name: str = "mazur") -> Trace:
    """Train the built-in preset ``name``."""
    return run(name)
