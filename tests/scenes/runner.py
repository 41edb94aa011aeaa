"""Run one chapter of one preset once and report what every beat showed (picklable, for a process pool).

A :class:`Job` is ``(variant, chapter, mode)``. Mode ``stills`` plays the chapter with
``skip_animations=True`` (as ``bpviz frames`` does) and checks the settled frame of every beat:
layout, equation size, numbers against the trace. Mode ``dry_run`` plays it with Manim's
``dry_run`` (every animation interpolated, no file written) and checks the same, so the video's
settled frames are covered too.

LaTeX and Pango output is cached in ``<media_dir>/worker<i>`` (a folder per process, so two
processes never write the same file), which the test session keeps between runs; the shared
LaTeX claims and parsed shapes of bpviz's caches in ``<media_dir>/tex`` and ``<media_dir>/svg``.
"""

from __future__ import annotations

import fcntl
import itertools
import resource
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from backprop_core.presets import PRESETS
from scenes.chapters.registry import DENSE_CHAPTERS, FULL, SCENES

CONFIGS = Path(__file__).parent / "configs"
EXAMPLES = Path(__file__).parents[2] / "examples"
VARIANTS = {**{name: (name, {}) for name in PRESETS},
            "mazur-delta_rule": ("mazur", {"notation": "delta_rule"}),
            "mazur-es": ("mazur", {"language": "es"}),
            "digits-delta_rule": ("digits", {"notation": "delta_rule"}),
            "12-16-6": (str(CONFIGS / "wide_12_16_6.toml"), {}),
            "6-8-8-3-es": (str(CONFIGS / "deep_6_8_8_3.toml"), {"language": "es"}),
            "exam_results": (str(EXAMPLES / "exam_results.toml"), {}),
            "relu-6-8-8-3": (str(CONFIGS / "relu_6_8_8_3.toml"), {}),
            "iris_petals": (str(EXAMPLES / "iris_petals.toml"), {}),
            "wine": (str(CONFIGS / "wine_13_8_3.toml"), {}),
            "wine-es": (str(CONFIGS / "wine_13_8_3.toml"), {"language": "es"}),
            "breast_cancer": (str(CONFIGS / "breast_cancer_30_6_2.toml"), {}),
            "sklearn-digits": (str(CONFIGS / "sklearn_digits_64_16_10.toml"), {})}
"""Stories the scenes are checked with: every preset, mazur in the delta-rule notation and mazur in
Spanish (longer words, decimal comma; its stills only: the film is the English one's), digits
in the delta-rule notation (a compact diagram with wider symbols) for :data:`ONLY`'s chapters,
and two shapes of tall columns beside digits' 10-10-5-4: 12-16-6 (a hidden layer in focus mode)
and 6-8-8-3 in Spanish (every value of two columns of 8, decimal commas); the CSV example (long
input labels: the diagram makes room for them) in the chapters that show its inputs; an untuned
6-8-8-3 ReLU network (a dead first hidden neuron: the default focus picks one that learns) in
the chain rule; iris on two features (the decision map of three classes) in training; scikit-learn's
wine (13 inputs, in English and Spanish) and breast cancer (30) whose names stand on the neurons'
rows and whose scaling beat shows a legible part of a long vector, and its 8x8 digits (64 inputs, a
square: dense mode, each sample its image)."""
ONLY = {"digits-delta_rule": ("backward", "update"), "exam_results": ("forward", "loss"),
        "relu-6-8-8-3": ("chain_rule",), "iris_petals": ("training",),
        "wine": ("forward", "loss", "backward", "training"), "wine-es": ("forward", "loss"),
        "breast_cancer": ("forward", "loss")}
"""Variants checked on some chapters only: those their difference concerns."""
FILMS = {"mazur": None, "mnist_like": None, "digits": ("training",)}
"""The stories also played as films (``dry_run``: every animation interpolated), with their
chapters (``None``: all): every chapter of the default film, every chapter of dense mode, and a
long training with its moving decision map. A film plays the very beats of its stills (checked
for each variant), so the layout and numbers of every variant are checked on its stills; a run
as a film costs about as much again, and the suite has to stay under 10 minutes."""
FULL_VARIANTS = {"stills": ("mazur",)}
"""``full`` plays every chapter in one scene (it costs their sum): once, as stills of the default
preset; each chapter alone is checked with every variant."""
_worker = {"dir": None}


@dataclass(frozen=True)
class Job:
    """One chapter run."""

    variant: str
    chapter: str
    mode: str

    def __str__(self) -> str:
        return f"{self.chapter}[{self.variant}, {self.mode}]"


@dataclass
class BeatReport:
    """What the checks found on the settled frame of one beat."""

    index: int
    chapter: str
    key: str
    caption: str
    layout: list[str]
    legibility: list[str]
    numbers: list[str]
    checked_numbers: int
    heat_maps: list[int] = field(default_factory=list)
    """Mobjects in each decision map (``HeatMap``) on the frame, family included."""
    mobjects: int = 0
    """Mobjects on the frame, families included."""
    say: str = ""
    times: tuple = ()
    edge_deltas: dict = field(default_factory=dict)
    """Delta labels standing on edges (each edge's share of the blame): ``{(l, m, j): (value, text)}``."""
    equations: list = field(default_factory=list)
    """The numbers form (LaTeX) of every equation block on the frame."""
    shown_equations: list = field(default_factory=list)
    """The numbers form of every equation block as written on screen (terms left out as ``\\cdots``)."""
    glosses: list = field(default_factory=list)
    """The symbols in words under the equations on the frame (:mod:`scenes.chapters.glosses`)."""
    glossed: frozenset = frozenset()
    """The symbols the scene has glossed by the end of the beat."""
    """``(start, hold, end)`` in seconds, filled in once the chapter has played."""

    def __str__(self) -> str:
        return f"beat {self.index:02d} {self.chapter}.{self.key}"


@dataclass
class RunReport:
    """The outcome of a :class:`Job`: its beats, or the error that stopped it."""

    job: Job
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """CPU time of the run (user + system of its process and of the LaTeX and Pango processes it
    waited for): on a shared machine it moves less than ``seconds``."""
    beats: list[BeatReport] = field(default_factory=list)
    error: str | None = None
    typeset_first: int = 0
    """Equations typeset in one batch before the run (:func:`typeset_first`)."""


def finished(report: RunReport) -> RunReport:
    """``report``, after failing the calling test with the run's traceback if it did not finish."""
    import pytest

    if report.error:
        pytest.fail(f"{report.job} raised:\n{report.error}", pytrace=False)
    return report


def cases(mode: str) -> list[tuple[str, str]]:
    """``(variant, chapter)`` pairs checked in ``mode``: every chapter of every variant as stills, the
    :data:`FILMS` as films, ``full`` once."""
    variants = {v: None for v in VARIANTS} if mode == "stills" else FILMS
    chapters = [c for c in SCENES if c != FULL]
    return [(v, c) for v, only in variants.items() for c in chapters
            if c in _chapters_of(v) and (only is None or c in only)] \
        + [(v, FULL) for v in FULL_VARIANTS.get(mode, ())]


@cache
def _chapters_of(variant: str) -> tuple[str, ...]:
    """The chapters ``variant`` has: all, but only ``DENSE_CHAPTERS`` for a network in dense mode
    (and only those of :data:`ONLY` for a variant listed there)."""
    from backprop_core.config import load
    from scenes.layout import is_dense

    chapters = DENSE_CHAPTERS if is_dense(load(VARIANTS[variant][0]).layers) else tuple(SCENES)
    return tuple(c for c in chapters if c in ONLY.get(variant, chapters))


@cache
def story(variant: str):
    """The Story of ``variant`` (trained once per process)."""
    from scenes.loading import load_story

    preset, video = VARIANTS[variant]
    return load_story(preset, **video)


def claim_folder(media_dir: str) -> Path:
    """The first ``<media_dir>/worker<i>`` no other process uses, locked for this process's life.

    Manim writes a LaTeX or Pango file when it is missing; two processes writing the same one
    (workers of one session, or two sessions) could read each other's half-written file.
    """
    if _worker["dir"] is None:
        for index in itertools.count():
            folder = Path(media_dir) / f"worker{index}"
            folder.mkdir(parents=True, exist_ok=True)
            lock = open(folder / ".lock", "w")  # noqa: SIM115 - held until the process ends
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                continue
            _worker.update(dir=folder, lock=lock)
            break
    return _worker["dir"]


def manim_config(job: Job, run_dir: Path, cache_dir: Path) -> dict:
    """Manim options of ``job``: those of :mod:`bpviz.production.render` at low quality, LaTeX cached."""
    from bpviz.production.session import manim_config as session_config

    # dry_run interpolates every animation without writing frames; 5 frames a second still runs
    # each animation through several interpolation steps, at a third of the cost of 15.
    extra = ({"dry_run": True, "frame_rate": 5} if job.mode == "dry_run"
             else {"format": None, "write_to_movie": False})
    return {**session_config("low", run_dir, **extra), "tex_dir": str(cache_dir / "Tex"),
            "text_dir": str(cache_dir / "texts")}


def _cpu_seconds() -> float:
    """User + system seconds of this process and of the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def typeset_first(job: Job, the_story, media_dir: str) -> int:
    """Typeset the new equations of ``job``'s chapter in one batch, before it is played.

    The production line's look-ahead (:func:`bpviz.production.prefetch.typeset_ahead`) in this
    process, on the session's cache (``media_dir``): the chapter is laid out once with stand-ins
    for the equations the cache lacks, then those are typeset in one ``latex`` and one
    ``dvisvgm`` run; a chapter laid out before (its other mode) is not laid out again. In a fresh
    clone every equation is new, and one run each was most of a chapter run's time. Returns how
    many were typeset.
    """
    from bpviz.production.prefetch import LayOut, typeset_ahead

    return len(typeset_ahead(LayOut(job.chapter, {"quality": "low", "aspect": "16:9"}, lambda: the_story),
                             Path(media_dir)))


def run_job(job: Job, media_dir: str) -> RunReport:
    """Play ``job``'s chapter and check every beat; exceptions are reported, not raised."""
    from manim import tempconfig

    from bpviz.production.session import chapter
    from bpviz.renderer.manim_patches import PATCHES, ManimPatches
    from scenes.mobjects.equation_panel import EquationBlock
    from scenes.mobjects.heat_map import HeatMap
    from scenes.mobjects.value_label import ValueLabel

    from .layout_check import frame_problems, illegible_equations, scene_leaves
    from .numbers_check import TraceNumbers, number_problems

    folder = claim_folder(media_dir)
    report, start, cpu = RunReport(job), time.perf_counter(), _cpu_seconds()
    try:
        the_story = story(job.variant)
        numbers = TraceNumbers(the_story)
        report.typeset_first = typeset_first(job, the_story, media_dir)

        def check(scene, beat) -> None:
            found, checked = number_problems(scene, numbers)
            heat = [len(m.get_family()) for m in scene_leaves(scene, (HeatMap,))]
            report.beats.append(BeatReport(len(report.beats) + 1, beat.chapter, beat.key, beat.caption,
                                           frame_problems(scene), illegible_equations(scene), found,
                                           checked, heat, len(scene.get_mobject_family_members())))
            report.beats[-1].edge_deltas = {
                label.key: (label.value, label.text) for label in scene_leaves(scene, (ValueLabel,))
                if label.quantity == "delta" and isinstance(label.key, tuple) and len(label.key) == 3}
            blocks = scene_leaves(scene, (EquationBlock,))
            report.beats[-1].equations = [block.numbers_tex for block in blocks]
            report.beats[-1].shown_equations = [getattr(block, "shown_tex", block.numbers_tex)
                                                for block in blocks]
            blocks = {id(m): m for m in scene.get_mobject_family_members() if hasattr(m, "glosses")}
            report.beats[-1].glosses = [text for m in blocks.values() for text in m.glosses]
            report.beats[-1].glossed = frozenset(scene.glossed)

        # Manim patched as the production line patches it: LaTeX through the claims, and every
        # SVG (LaTeX and text) parsed once into the shape cache. Both are shared by the workers
        # (made for processes running at once: claims, atomic writes), so an equation two workers
        # meet is compiled and parsed once; Manim's own folders stay the worker's.
        with tempfile.TemporaryDirectory(prefix="bpviz-test-") as tmp, \
                ManimPatches(Path(media_dir), PATCHES), tempconfig(manim_config(job, Path(tmp), folder)):
            scene = chapter(job.chapter, the_story, beat_end=check, skip_animations=job.mode == "stills")
            scene.render()
        for beat_report, beat in zip(report.beats, scene.beats):
            beat_report.say, beat_report.times = beat.say, (beat.start, beat.hold, beat.end)
    except Exception:  # noqa: BLE001 - the test that reads the report fails with this traceback
        report.error = traceback.format_exc()
    report.seconds = time.perf_counter() - start
    report.cpu_seconds = _cpu_seconds() - cpu
    return report
