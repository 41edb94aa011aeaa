"""The chapter registry: every chapter of the film, in story order, in one table.

Each row of :data:`CHAPTERS` names a chapter (its ``[video] scenes`` and ``--scene`` name), the
parts it plays, the parts it plays in dense mode (a network whose input is drawn as an image), when
the full film plays it and what of the trace it reads. Every list of chapters is derived from
this table: the ``--scene`` choices and help (:data:`SCENES`), the full film
(:func:`film_chapters`), the chapters whose fingerprint hashes only the explained step
(:data:`STEP_CHAPTERS`), the chapters a dense network has (:data:`DENSE_CHAPTERS`), the symbols
a chapter of the film finds glossed already (:func:`glossed_before`) and the Manim scene of each
(:func:`chapter_scene`). Adding a chapter is one module of parts, one row here and
its keys in the catalogues (``scenes/locales/*.toml``).

This module imports no Manim: the command line lists the chapters for ``--help`` and checks
configs without loading it. The parts are imported when a scene asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

STEP = "step"
"""What a chapter reads: the explained step before its update (never the learning rate)."""
TRACE = "trace"
"""What a chapter reads: the whole trace (the update, the epochs, the learning rate)."""


@dataclass(frozen=True)
class Chapter:
    """One row of the registry.

    Parameters
    ----------
    name : str
        The chapter's name in ``[video] scenes`` and ``--scene``; its parts' ``Part.name`` and
        the table of its words in the catalogues.
    parts : tuple of str
        The parts it plays, in order, as ``"module:Class"`` under ``scenes.chapters``.
    dense_parts : tuple of str
        The parts it plays for a network in dense mode (:func:`scenes.layout.is_dense`); empty
        when the chapter has no dense mode.
    in_film : bool
        Whether the full film plays it.
    min_epochs : int
        The full film plays it only for a run of at least this many epochs.
    reads : str
        :data:`STEP` (only the explained step before its update) or :data:`TRACE`.
    glosses : tuple of str
        The symbols it glosses where it first shows them (the kinds of
        :data:`scenes.chapters.glosses.PATTERNS`), in its dense parts too. In the full film a
        chapter does not gloss again what a chapter before it glosses (:func:`glossed_before`).
    focus_only : bool
        Whether it shows only the focus neuron's layer, whose activation alone then decides if
        it shows σ and σ′.
    """

    name: str
    parts: tuple[str, ...]
    dense_parts: tuple[str, ...] = ()
    in_film: bool = True
    min_epochs: int = 1
    reads: str = TRACE
    glosses: tuple[str, ...] = ()
    focus_only: bool = False


CHAPTERS = (
    Chapter("neuron", ("c1_neuron:NeuronPart",), reads=STEP,
            glosses=("weight", "activation", "preactivation", "sum", "sigma", "sigma_prime"),
            focus_only=True),
    Chapter("forward", ("c2_forward:ForwardPart",), ("dense:DenseForwardPart",), reads=STEP,
            glosses=("weight", "activation", "preactivation", "sum", "sigma")),
    Chapter("loss", ("c3_loss:LossPart",), reads=STEP),
    Chapter("backward", ("c4_backward:BackwardPart",), ("dense:DenseBackwardPart",), reads=STEP,
            glosses=("delta", "sum", "weight", "sigma_prime", "partial")),
    Chapter("update", ("c5_update:UpdatePart",), glosses=("partial", "weight", "eta")),
    Chapter("chain_rule", ("c6_chain_rule:ChainRulePart",), reads=STEP),
    Chapter("training", ("training.curve:TrainingPart", "training.boundary:BoundaryPart",
                         "training.codes:CodesPart", "training.confusion:ConfusionPart",
                         "training.compare:ComparePart"),
            min_epochs=2),  # one epoch has no curve worth a chapter
)
"""Every chapter, in story order."""

FULL = "full"
"""The full film: the chapters marked ``in_film``, back to back, with a cut between two."""
SCENES = (*(chapter.name for chapter in CHAPTERS), FULL)
"""What ``[video] scenes`` and ``--scene`` choose from: every chapter, then the full film."""
STEP_CHAPTERS = frozenset(chapter.name for chapter in CHAPTERS if chapter.reads == STEP)
"""Chapters that show only the explained step before its update."""
DENSE_CHAPTERS = tuple(chapter.name for chapter in CHAPTERS if chapter.dense_parts)
"""The chapters a network in dense mode has."""

_BY_NAME = {chapter.name: chapter for chapter in CHAPTERS}


def chapter(name: str) -> Chapter:
    """The row of chapter ``name`` (``KeyError`` for an unknown name, and for ``full``)."""
    return _BY_NAME[name]


def film_chapters(story) -> tuple[str, ...]:
    """The chapters of the full film of ``story``, in story order.

    Parameters
    ----------
    story : Story
        Its run's ``[training] epochs`` decide the chapters with a ``min_epochs``.

    Returns
    -------
    tuple of str
        The names of the rows ``in_film`` whose ``min_epochs`` the run reaches.
    """
    epochs = story.trace.config["training"]["epochs"]
    return tuple(c.name for c in CHAPTERS if c.in_film and epochs >= c.min_epochs)


SIGMOID_KINDS = frozenset({"sigma", "sigma_prime"})
"""Symbols a chapter shows only for a layer whose activation is the sigmoid."""


def glossed_before(name: str, story) -> tuple[str, ...]:
    """The symbols the full film of ``story`` has glossed when chapter ``name`` begins, sorted.

    The :attr:`Chapter.glosses` of the film's chapters before ``name`` (:func:`film_chapters`),
    without σ and σ′ for a chapter that shows no sigmoid layer. Derived from the table alone, so
    a chapter rendered as a job of its own knows it (and its fingerprint holds it); a chapter not
    in the film finds nothing glossed.

    Parameters
    ----------
    name : str
        A chapter.
    story : Story
        Its run decides the film's chapters, its activations and focus neuron the sigmoid ones.

    Returns
    -------
    tuple of str
        Kinds of :data:`scenes.chapters.glosses.PATTERNS`.
    """
    film = film_chapters(story)
    if name not in film:
        return ()
    activations = story.trace.activations
    glossed: set[str] = set()
    for before in film[:film.index(name)]:
        row = chapter(before)
        shown = [activations[story.focus_neuron[0] - 1]] if row.focus_only else activations
        glossed.update(k for k in row.glosses if "sigmoid" in shown or k not in SIGMOID_KINDS)
    return tuple(sorted(glossed))


def chapter_parts(name: str, story) -> tuple[type, ...]:
    """The part classes that scene ``name`` plays for ``story``.

    Parameters
    ----------
    name : str
        A chapter, or :data:`FULL` (the parts of :func:`film_chapters`, chapter after chapter).
    story : Story
        Chooses the dense-mode parts when its network draws in dense mode.

    Returns
    -------
    tuple of type
        :class:`~scenes.chapters.base.Part` subclasses, in the order they play.

    Raises
    ------
    ValueError
        When the network draws in dense mode and chapter ``name`` has no dense mode.
    """
    if name == FULL:
        return tuple(part for each in film_chapters(story) for part in chapter_parts(each, story))
    from ..layout import is_dense

    row = chapter(name)
    if not is_dense(story.layers):
        return tuple(map(_load, row.parts))
    if not row.dense_parts:
        raise ValueError(f"chapter {name!r} has no dense mode; dense networks have the chapters "
                         f"{', '.join(DENSE_CHAPTERS)}")
    return tuple(map(_load, row.dense_parts))


@cache
def chapter_scene(name: str) -> type:
    """The Manim scene class of ``name`` (a chapter or :data:`FULL`), made once.

    A :class:`~scenes.chapters.base.ChapterScene` that plays :func:`chapter_parts` of its story,
    named after the chapter (``chain_rule``: ``ChainRule``), as Manim names its files.
    """
    if name != FULL:
        chapter(name)  # an unknown name fails here, with the KeyError of the table
    from .base import ChapterScene

    def parts_of(cls, story) -> tuple[type, ...]:
        return chapter_parts(name, story)

    title = "".join(word.capitalize() for word in name.split("_"))
    doc = f"The ``{name}`` film: the parts :func:`~scenes.chapters.registry.chapter_parts` names."
    film_glosses = staticmethod(glossed_before) if name == FULL else None
    return type(title, (ChapterScene,), {"__doc__": doc, "__module__": __name__, "chapter": name,
                                         "chapter_parts": classmethod(parts_of),
                                         "film_glosses": film_glosses})


def _load(where: str) -> type:
    """The class at ``"module:Class"`` under ``scenes.chapters``, its module imported on demand."""
    module, cls = where.split(":")
    return getattr(import_module(f"{__package__}.{module}"), cls)
