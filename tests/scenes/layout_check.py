"""Checks of a settled frame without rendering: every text inside the frame, no two texts overlap."""

from __future__ import annotations

from manim import MathTex, SingleStringMathTex, Text

from scenes.layout import boxes_overlap, frame_layout
from scenes.mobjects.value_label import ValueLabel

LEAVES = (ValueLabel, Text, MathTex, SingleStringMathTex)
OVERLAP_TOLERANCE = 0.02
"""Boxes may touch by this much (Manim units) before they count as overlapping."""


def text_leaves(scene) -> list:
    """Every label, text and equation on screen, each as one box (not its glyphs)."""
    found, seen = [], set()

    def walk(mob):
        if id(mob) in seen:
            return
        seen.add(id(mob))
        if isinstance(mob, LEAVES):
            if mob.has_points() or mob.submobjects:
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in scene.mobjects:
        walk(mob)
    return found


def box(mob) -> tuple[float, float, float, float]:
    """``(left, right, bottom, top)`` of ``mob``."""
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]


def describe(mob) -> str:
    """A short name of ``mob`` for a failure message."""
    text = getattr(mob, "text", None) or getattr(mob, "tex_string", None) or type(mob).__name__
    return f"{type(mob).__name__}({str(text)[:40]!r})"


def frame_problems(scene) -> list[str]:
    """What is wrong with the current frame of ``scene``: texts outside it, texts overlapping."""
    frame = frame_layout().frame
    leaves = text_leaves(scene)
    problems = []
    for mob in leaves:
        if not frame.contains(*box(mob), tol=0.01):
            problems.append(f"outside the frame: {describe(mob)} at {tuple(round(v, 2) for v in box(mob))}")
    for i, a in enumerate(leaves):
        for b in leaves[i + 1:]:
            if boxes_overlap(box(a), box(b), OVERLAP_TOLERANCE):
                problems.append(f"overlap: {describe(a)} and {describe(b)}")
    return problems
