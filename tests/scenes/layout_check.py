"""Checks of a settled frame without rendering: every text inside the frame, no two texts overlap,
equations large enough to read.

Only geometry is read (no pixels), so the checks work on a scene rendered with
``skip_animations=True`` or ``dry_run``.
"""

from __future__ import annotations

from functools import cache

from manim import DecimalNumber, MarkupText, MathTex, Paragraph, SingleStringMathTex, Text

from scenes.layout import boxes_overlap, frame_layout
from scenes.mobjects.value_label import ValueLabel

LEAVES = (ValueLabel, Text, MarkupText, Paragraph, DecimalNumber, MathTex, SingleStringMathTex)
"""Mobjects checked as one box each (their glyphs are not compared with each other)."""
OVERLAP_TOLERANCE = 0.02
"""Boxes may touch by this much (Manim units) before they count as overlapping."""
MIN_DIGIT_HEIGHT = 0.18
"""Smallest legible height of a digit of an equation, in Manim units (about 11 px at 480p)."""


def visible(mob) -> bool:
    """Whether any part of ``mob`` is drawn with a non-zero opacity."""
    for part in mob.family_members_with_points():
        fill = part.get_fill_opacities() if hasattr(part, "get_fill_opacities") else [1.0]
        stroke = part.get_stroke_opacities() if hasattr(part, "get_stroke_opacities") else [1.0]
        if any(o > 0 for o in fill) or any(o > 0 and part.get_stroke_width() > 0 for o in stroke):
            return True
    return False


def scene_leaves(scene, kinds=LEAVES) -> list:
    """Every visible mobject of one of ``kinds`` on screen (not descending into a found one)."""
    found, seen = [], set()

    def walk(mob):
        if id(mob) in seen:
            return
        seen.add(id(mob))
        if isinstance(mob, kinds):
            if (mob.has_points() or mob.submobjects) and visible(mob):
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        walk(mob)
    return found


def text_leaves(scene) -> list:
    """Every label, text and equation on screen, each as one box (not its glyphs)."""
    return scene_leaves(scene)


def box(mob) -> tuple[float, float, float, float]:
    """``(left, right, bottom, top)`` of ``mob``."""
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]


def describe(mob) -> str:
    """A short name of ``mob`` for a failure message."""
    text = getattr(mob, "text", None) or getattr(mob, "tex_string", None) or type(mob).__name__
    return f"{type(mob).__name__}({str(text)[:40]!r})"


def scene_frame(scene):
    """The frame of a chapter scene (taller at 4:3), else the 16:9 one."""
    regions = getattr(scene, "regions", None)
    return regions.frame if regions is not None else frame_layout().frame


def drawn_outside(scene, texts=()) -> list[str]:
    """Shapes (neurons, edges, rings, plots ...) reaching out of the frame, one line per scene mobject.

    Parts of ``texts`` (checked as whole texts) are left out.
    """
    frame, problems = scene_frame(scene), []
    skip = {id(part) for text in texts for part in text.get_family()}
    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        out = [part for part in mob.family_members_with_points()
               if id(part) not in skip and visible(part) and not frame.contains(*box(part), tol=0.05)]
        if out:
            problems.append(f"outside the frame: {len(out)} shape(s) of {describe(mob)}, e.g. "
                            f"{describe(out[0])} at {tuple(round(v, 2) for v in box(out[0]))}")
    return problems


def frame_problems(scene) -> list[str]:
    """What is wrong with the current frame of ``scene``: texts or shapes outside it, texts overlapping."""
    frame = scene_frame(scene)
    leaves = text_leaves(scene)
    problems = []
    for mob in leaves:
        if not frame.contains(*box(mob), tol=0.01):
            problems.append(f"outside the frame: {describe(mob)} at {tuple(round(v, 2) for v in box(mob))}")
    problems += drawn_outside(scene, leaves)
    for i, a in enumerate(leaves):
        for b in leaves[i + 1:]:
            if boxes_overlap(box(a), box(b), OVERLAP_TOLERANCE):
                problems.append(f"overlap: {describe(a)} and {describe(b)}")
    return problems


@cache
def digit_height_per_point() -> float:
    """Height of a digit of a MathTex per point of font size (LaTeX's Computer Modern)."""
    reference = MathTex("0123456789", font_size=48)
    return max(glyph.height for glyph in reference[0]) / 48


def digit_height(tex: MathTex) -> float:
    """Height of a full-size digit of ``tex`` as it is now scaled on screen."""
    return tex.font_size * digit_height_per_point()


def illegible_equations(scene, min_height: float = MIN_DIGIT_HEIGHT) -> list[str]:
    """Equations in the panel whose digits are shorter than ``min_height`` units."""
    panel = frame_layout().panel
    problems = []
    for tex in scene_leaves(scene, (MathTex,)):
        x, y = tex.get_center()[:2]
        if not (panel.left <= x <= panel.right and panel.bottom <= y <= panel.top):
            continue
        height = digit_height(tex)
        if height < min_height:
            problems.append(f"too small: {describe(tex)} digits {height:.3f} units high "
                            f"({height / 8 * 480:.1f} px at 480p; at least {min_height})")
    return problems
