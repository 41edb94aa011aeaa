"""Chapter 8, ``full``: the whole story in one film, the chapters played back to back.

Neuron, forward pass, loss, backward pass, update and chain rule, then training when the run has
more than one epoch (a single epoch has no curve worth a chapter). Between two chapters the film
cuts: the settled last frame of one chapter is followed by the bare frame (status line only)
where the next chapter's title appears, exactly as that chapter's own video starts. So the film
is, frame for frame, the chapters' videos one after another, and ``bpviz render --jobs N``
renders them in parallel and joins them without re-encoding (:mod:`bpviz.production.jobs`).
"""

from __future__ import annotations

from manim import VGroup

from ..story import Story
from .base import ChapterScene

STORY = ("neuron", "forward", "loss", "backward", "update", "chain_rule")
"""The chapters of every film, in story order (``[video] scenes`` names)."""
TRAINING = ("training",)
"""Played last when ``[training] epochs > 1`` (training, then the comparison of modes)."""


def film_chapters(story: Story) -> tuple[str, ...]:
    """The chapters of the full film of ``story``: 1-6, and training after more than one epoch."""
    return (*STORY, *TRAINING) if story.trace.config["training"]["epochs"] > 1 else STORY


def film_parts(story: Story) -> tuple:
    """The parts of the full film of ``story``, chapter after chapter."""
    from . import chapter_scene

    return tuple(part for name in film_chapters(story) for part in chapter_scene(name).chapter_parts(story))


class Full(ChapterScene):
    """Chapter 8: the full explainer, every chapter in story order, with a cut between chapters."""

    @classmethod
    def chapter_parts(cls, story: Story) -> tuple:
        """Chapters 1-6, plus 7 (training) when the trace has more than one epoch."""
        return film_parts(story)

    def begin_part(self, part) -> None:
        """Cut to the bare frame before the first part of each chapter but the first."""
        from . import chapter_scene

        firsts = {chapter_scene(name).chapter_parts(self.story)[0] for name in film_chapters(self.story)}
        if self.beats and part in firsts:
            self.remove(*(m for m in self.mobjects if m is not self.status))
            self._title = VGroup()
