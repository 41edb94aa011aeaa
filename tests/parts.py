"""What the scene tests build by hand: a chapter-like ``part`` of a story and its equation blocks."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from manim import tempconfig

from scenes.layout import frame_layout
from scenes.loading import load_story
from scenes.mobjects.equation_panel import EquationBlock


def mazur_part(**video) -> SimpleNamespace:
    """What the chapters' builders read from a Part (story, theme, regions, tr), for mazur."""
    story = load_story("mazur", **video)
    return SimpleNamespace(story=story, theme=story.theme, regions=frame_layout(), tr=story.tr)


def equation_block(part, eq, heading_key: str, quantity: str, **heading_values) -> EquationBlock:
    """An EquationBlock of ``eq`` fitted to the panel: catalogue heading, the story's decimals and
    decimal separator."""
    story = part.story
    return EquationBlock(story.tr(heading_key, **heading_values), eq.latex(),
                         story.tex(eq.latex_numbers(decimals=story.video["decimals"])), quantity, part.theme,
                         part.regions.panel, value=eq.value)


@contextmanager
def private_latex(request, name: str):
    """Manim's TeX and text folders in pytest's cache under ``bpviz-manim/<name>``, for a module's
    hand-built scenes (a module-scoped autouse fixture yields from this)."""
    folder = request.config.cache.mkdir("bpviz-manim") / name
    with tempconfig({"tex_dir": str(folder / "Tex"), "text_dir": str(folder / "texts"),
                     "verbosity": "ERROR"}):
        yield
