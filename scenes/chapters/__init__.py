"""The film's chapters: their parts, one module each, and the registry that lists them in order.

:mod:`scenes.chapters.registry` is the table of every chapter (its parts, its dense-mode parts,
whether the full film plays it, what of the trace it reads) and makes the Manim scene of each.
Chapters are imported on demand, so that a command that renders one chapter does not build the
others, and so that listing them loads no Manim.
"""

from __future__ import annotations

from .registry import chapter_scene as chapter_scene  # for bpviz.production.session (not mine to edit)
