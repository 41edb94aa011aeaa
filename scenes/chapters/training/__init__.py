"""Chapter 7, ``training``: the run epoch by epoch, in four parts.

:mod:`.curve` (the loss curve while the weights evolve), :mod:`.boundary` (the decision map of a
network with two inputs), :mod:`.codes` (the code every sample gets before and after training)
and :mod:`.compare` (online against batch); what they share is in :mod:`.common`. No part
imports another, and none imports this chapter.
"""

from __future__ import annotations

from ..base import ChapterScene
from .boundary import BoundaryPart
from .codes import CodesPart
from .compare import ComparePart
from .curve import TrainingPart


class Training(ChapterScene):
    """Chapter 7: training, epoch after epoch; then the other mode beside it (:mod:`.compare`)."""

    parts = (TrainingPart, BoundaryPart, CodesPart, ComparePart)
