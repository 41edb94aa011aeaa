"""Chapter 8, ``full``: the whole story in one film, chapter parts played back to back.

Neuron, forward pass, loss, backward pass, update and chain rule, then training when the run has
more than one epoch (a single epoch has no curve worth a chapter). Each part starts by clearing
the previous part's objects, so the film needs nothing between them.
"""

from __future__ import annotations

from importlib import import_module

from ..bridge import Story
from .base import ChapterScene

STORY = (
    "c1_neuron:NeuronPart",
    "c2_forward:ForwardPart",
    "c3_loss:LossPart",
    "c4_backward:BackwardPart",
    "c5_update:UpdatePart",
    "c6_chain_rule:ChainRulePart",
)
"""The parts of every film, in story order (``module:Part`` within :mod:`scenes.chapters`)."""
TRAINING = ("c7_training:TrainingPart", "c7_boundary:BoundaryPart", "c7_codes:CodesPart",
            "c7_compare:ComparePart")
"""Played last when ``[training] epochs > 1`` (the comparison only when there is a rival run)."""


def part_class(where: str):
    """The Part class named ``module:Class`` in :mod:`scenes.chapters` (imported on demand)."""
    module, name = where.split(":")
    return getattr(import_module(f"{__package__}.{module}"), name)


def film_parts(story: Story) -> tuple:
    """The parts of the full film of ``story``: 1-6, and training after more than one epoch."""
    names = [*STORY, *TRAINING] if story.trace.config["training"]["epochs"] > 1 else list(STORY)
    return tuple(part_class(name) for name in names)


class Full(ChapterScene):
    """Chapter 8: the full explainer, every chapter in story order."""

    @classmethod
    def chapter_parts(cls, story: Story) -> tuple:
        """Chapters 1-6, plus 7 (training) when the trace has more than one epoch."""
        return film_parts(story)
