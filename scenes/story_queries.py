"""What the chapters ask of a :class:`~scenes.bridge.Story` beyond its fields.

The chain rule's paths from a weight to the loss (:func:`chain_paths`, :class:`ChainPath`) and
where they start (:func:`chain_starts_at_delta`), the updates an epoch makes
(:func:`updates_per_epoch`) and the explained sample's loss at its next recorded step
(:func:`later_sample_loss`). Every value is read from the trace and the equations.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

from backprop_core.config import steps_per_epoch
from backprop_core.equations import to_latex
from backprop_core.losses import CROSS_ENTROPY_OUTPUTS

if TYPE_CHECKING:
    from .bridge import Story


@dataclass(frozen=True)
class ChainPath:
    """One path of the chain rule from weight ``w^l_jk`` to the loss, and its factors.

    ``neurons`` are ``(layer, index)`` from ``(l, j)`` to the output neuron; ``symbolic`` and
    ``numbers`` are the LaTeX of the path's product of local derivatives (the term of the
    ``chain`` equation, with the story's decimal separator), without a value: only the whole sum
    has a trace field. ``softmax_output`` is the output ``i`` whose activation the path reaches
    through the softmax Jacobian (softmax without cross-entropy), else ``None``.
    """

    neurons: tuple[tuple[int, int], ...]
    symbolic: str
    numbers: str
    softmax_output: int | None = None


def chain_paths(story: Story, layer: int, j: int, k: int) -> list[ChainPath]:
    """The terms of ``weight_eqs(layer, j, k)["chain"]``, one per path, in the equation's order."""
    eq = story.weight_eqs(layer, j, k)["chain"]
    later = list(range(story.n_layers, layer, -1))
    combos = list(product(*[range(story.layers[q]) for q in later]))
    symbolic = eq.expanded.args if eq.expanded.is_Add else (eq.expanded,)
    numbers = eq.substituted.args if eq.substituted.is_Add else (eq.substituted,)
    jacobian = len(symbolic) > len(combos)  # the equation's outer loop over the softmax outputs
    paths = []
    for pos, (sym, nums) in enumerate(zip(symbolic, numbers)):
        choice = dict(zip(later, combos[pos % len(combos)]))
        neurons = ((layer, j), *((q, choice[q]) for q in range(layer + 1, story.n_layers + 1)))
        numbers_tex = story.tex(to_latex(nums, story.video["decimals"]))
        paths.append(ChainPath(neurons, to_latex(sym), numbers_tex, pos // len(combos) if jacobian else None))
    return paths


def updates_per_epoch(story: Story) -> int:
    """How many updates one epoch of the story's run makes."""
    cfg = story.trace.config
    return steps_per_epoch(len(cfg["data"]["inputs"]), cfg["training"]["batch_size"])


def later_sample_loss(story: Story) -> tuple[float, int, int] | None:
    """``(loss, updates, epoch)``: the explained sample's loss at the next recorded step using it.

    ``updates`` counts the updates (this one included) made before that loss, ``epoch`` is that
    step's epoch; ``None`` when no later step records the sample.
    """
    sample = story.record.sample
    for step in story.trace.steps:
        if step.index > story.step.index and sample in step.samples:
            return step.record(sample).loss, step.index - story.step.index, step.epoch
    return None


def chain_starts_at_delta(story: Story) -> bool:
    """Whether each chain-rule path starts at ``dC/dz^L = a^L - y`` rather than ``dC/da^L f'(z^L)``.

    True for cross-entropy on a sigmoid or softmax output (the equations' simplification).
    """
    return story.trace.loss_name == "cross_entropy" and story.trace.activations[-1] in CROSS_ENTROPY_OUTPUTS
