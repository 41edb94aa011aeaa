"""bpviz: real backpropagation numbers, traced step by step, animated for explainer videos.

The top floor of the house (see ``docs/architecture.md``): the command line (:mod:`bpviz.cli`),
the production line that renders a :class:`~scenes.story.Story` into files
(:mod:`bpviz.production`), the outputs it writes (:mod:`bpviz.outputs`), the renderer's parts
that swap in for Manim's own (:mod:`bpviz.renderer`) and the caches kept between runs
(:mod:`bpviz.cache`). It imports the film (:mod:`scenes`) and the engine (:mod:`backprop_core`);
neither imports it. The Python API will live here.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
