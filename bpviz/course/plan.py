"""A course expanded: every output an entry asks for, and the chapter jobs each one needs.

An entry's outputs are the product of its lists: for each language, theme, aspect, quality and
video format, a folder ``<entry>/<lang>-<aspect>`` (with ``-<theme>``, ``-<quality>`` or
``-<format>`` added when the entry lists more than one of them) holding the videos of its scenes
(with their beat clips for ``sections``), its stills, its deck and its narration script. Each
output names the chapter jobs (:class:`~bpviz.production.jobs.JobSpec`, by fingerprint) it is made
from; a job several outputs share (a deck's clips and the video with sections) is one job.

The configs are read and trained here, on the client. An entry whose config is bad gets its one
line as the error of each of its outputs, and the other entries go on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from backprop_core.errors import BpvizError
from bpviz.course.course_file import Course, Entry
from bpviz.production.concat import film_of
from bpviz.production.jobs import JobSpec, film_options
from scenes.story import Story

STILLS = "stills"
"""The output kinds: one video of a scene (with its clips), the stills, the deck, the script."""
VIDEO, SLIDES, SCRIPT = "video", "slides", "script"


@dataclass
class Output:
    """One output of a course: what it is, where it goes and the jobs it is made from.

    ``folder`` is relative to the course's output folder; ``options`` are the choices it was made
    with (language, aspect, theme, quality, format, sections); ``jobs`` the fingerprints of its
    chapter jobs, in story order; ``error`` the one line that stopped it, if any.
    """

    entry: str
    folder: str
    kind: str
    scene: str | None
    options: dict
    jobs: tuple[str, ...] = ()
    error: str | None = None
    story_key: tuple = ()

    @property
    def fingerprint(self) -> str:
        """A hash of the output: its kind, scene, options and jobs (a single job's own fingerprint)."""
        if len(self.jobs) == 1 and self.kind in (VIDEO, STILLS):
            return self.jobs[0]
        text = repr((self.kind, self.scene, sorted(self.options.items()), self.jobs))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Plan:
    """The outputs of a course, the jobs they need (by fingerprint) and the stories behind them."""

    course: Course
    outputs: list[Output] = field(default_factory=list)
    specs: dict[str, JobSpec] = field(default_factory=dict)
    stories: dict[tuple, Story] = field(default_factory=dict)

    def add_job(self, spec: JobSpec) -> str:
        """Add ``spec`` once (by fingerprint); return its fingerprint."""
        fingerprint = spec.fingerprint()
        self.specs.setdefault(fingerprint, spec)
        return fingerprint


def clip_options(quality: str, aspect: str, fmt: str, sections: bool) -> dict:
    """The options of a chapter video job (a deck's: :func:`bpviz.production.decks.clip_options`)."""
    return {"quality": quality, "aspect": aspect, "fmt": fmt, "transparent": False, "sections": sections}


def still_options(quality: str, aspect: str) -> dict:
    """The options of a chapter stills job: one PNG per beat."""
    return {"quality": quality, "aspect": aspect, "image_format": "png"}


def folder_name(entry: Entry, language: str, aspect: str, theme: str, quality: str, fmt: str) -> str:
    """``<entry>/<lang>-<aspect>``, with what else the entry varies appended."""
    name = f"{language}-{aspect.replace(':', 'x')}"
    for values, value in ((entry.themes, theme), (entry.qualities, quality), (entry.formats, fmt)):
        if values is not None and len(values) > 1:
            name += f"-{value}"
    return f"{entry.name}/{name}"


def _stories(entry: Entry, plan: Plan, load) -> list[tuple[tuple, Story]]:
    """The entry's stories, one per language and theme (the config's own when the entry gives none)."""
    found = []
    for language in entry.languages or (None,):
        for theme in entry.themes or (None,):
            key = (entry.name, language, theme)
            plan.stories[key] = load(entry.source, language, theme)
            found.append((key, plan.stories[key]))
    return found


def expand(course: Course, load_story=None) -> Plan:
    """Every output of ``course`` and its jobs; a bad config fails its entry's outputs only."""
    from bpviz.options import story_and_scenes

    def load(source, language, theme):
        story, _ = story_and_scenes(source, [], theme, language)
        return story

    plan = Plan(course)
    for entry in course.entries:
        try:
            stories = _stories(entry, plan, load_story or load)
        except BpvizError as err:
            message = " ".join(str(err).split())
            plan.outputs.append(Output(entry.name, entry.name, VIDEO, None, {"source": entry.source},
                                       error=message))
            continue
        for key, story in stories:
            _expand_story(plan, entry, key, story)
    return plan


def _check_dense(story: Story, film: tuple[str, ...]) -> None:
    """A network drawn in dense mode has only some chapters: the others fail here, before rendering."""
    from scenes.chapters.registry import DENSE_CHAPTERS
    from scenes.layout import is_dense

    refused = [c for c in film if c not in DENSE_CHAPTERS] if is_dense(story.layers) else []
    if refused:
        raise BpvizError(f"scenes: {refused[0]}: a {'-'.join(map(str, story.layers))} network draws in "
                         f"dense mode, which has only the chapters {', '.join(DENSE_CHAPTERS)}")


def _expand_story(plan: Plan, entry: Entry, key: tuple, story: Story) -> None:
    scenes = entry.scenes or tuple(story.video["scenes"])
    language, theme = story.language, story.video["theme"]
    sections = "sections" in entry.make or "slides" in entry.make
    for aspect in entry.aspects:
        for quality in entry.qualities:
            for n, fmt in enumerate(entry.formats):
                folder = folder_name(entry, language, aspect, theme, quality, fmt)
                base = {"language": language, "aspect": aspect, "theme": theme, "quality": quality}
                videos = []
                for scene in scenes:
                    try:
                        film = film_of(story, scene)
                        _check_dense(story, film)
                    except BpvizError as err:
                        plan.outputs.append(Output(entry.name, folder, VIDEO, scene, base,
                                                   error=" ".join(str(err).split()), story_key=key))
                        continue
                    options = clip_options(quality, aspect, fmt, sections)
                    jobs = tuple(plan.add_job(JobSpec.of(story, c, **options,
                                                         **film_options(story, scene, c))) for c in film)
                    videos.append(Output(entry.name, folder, VIDEO, scene, {**base, "format": fmt,
                                                                             "sections": sections},
                                         jobs, story_key=key))
                if "video" in entry.make or "sections" in entry.make:
                    plan.outputs.extend(videos)
                if n or not videos:
                    continue  # stills, deck and script are the same for every video format
                # each chapter with what its film glossed before it (see film_options)
                chapters = list(dict.fromkeys(
                    (plan.specs[fp].chapter, tuple(plan.specs[fp].opts.get("glossed", ())))
                    for v in videos for fp in v.jobs))
                glossed = [{"glossed": list(g)} if g else {} for _, g in chapters]
                if "stills" in entry.make:
                    jobs = tuple(plan.add_job(JobSpec.of(story, c, **still_options(quality, aspect), **g))
                                 for (c, _), g in zip(chapters, glossed))
                    plan.outputs.append(Output(entry.name, folder, STILLS, None, base, jobs, story_key=key))
                if "slides" in entry.make:
                    options = clip_options(quality, aspect, "mp4", True)
                    jobs = tuple(plan.add_job(JobSpec.of(story, c, **options, **g))
                                 for (c, _), g in zip(chapters, glossed))
                    plan.outputs.append(Output(entry.name, folder, SLIDES, None, base, jobs, story_key=key))
                if "script" in entry.make:
                    jobs = tuple(j for video in videos for j in video.jobs)
                    played = tuple(video.scene for video in videos)
                    plan.outputs.append(Output(entry.name, folder, SCRIPT, None, {**base, "scenes": played},
                                               jobs, story_key=key))
