"""What is said over each beat: SubRip subtitles and the narration script, from timed beats.

The beats come from a render (its own beats) or from
:func:`bpviz.production.render.timed_beats` (the same times, without drawing a frame).
"""

from __future__ import annotations

from pathlib import Path

from bpviz.outputs.publish import Publication
from scenes.chapters.base import Beat
from scenes.story import Story


def timecode(seconds: float, sep: str = ",") -> str:
    """``HH:MM:SS,mmm`` (SubRip); ``sep="."`` gives the WebVTT and script form."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def srt_text(beats: list[Beat]) -> str:
    """One SubRip cue per beat: its index, its section's times and its narration."""
    cues = [f"{i}\n{timecode(b.start)} --> {timecode(b.end)}\n{b.say}\n" for i, b in enumerate(beats, 1)]
    return "\n".join(cues)


def write_srt(beats: list[Beat], path: Path, out: Publication) -> Path:
    """Stage :func:`srt_text` of ``beats`` (UTF-8) in ``out`` as ``path``; returns ``path``."""
    return out.add_text(srt_text(beats), path)


def equation_lines(story: Story, beat: Beat) -> list[str]:
    """The LaTeX of each equation the beat shows, with the trace's numbers.

    A beat read back from a finished render (:mod:`bpviz.production.jobs`) holds these lines already.
    """
    return [eq if isinstance(eq, str) else story.tex(eq.latex_numbers(story.video["decimals"]))
            for eq in beat.equations]


def convention(story: Story) -> str:
    """The conventions in force: the notation (and its sign of delta) and the loss."""
    return story.tr("script.convention", notation=story.tr(f"script.notation_{story.notation}"),
                    loss=story.tr(f"loss_names.{story.trace.loss_name}"))


def code_hint(story: Story) -> str:
    """Where the film's numbers are as a program: ``bpviz code SOURCE`` (catalogue ``script.code``)."""
    source = story.trace.config.get("source") or "trace.json"
    return story.tr("script.code", command=f"bpviz code {source} --lang {story.language}")


def script_markdown(story: Story, scenes: dict[str, list[Beat]]) -> str:
    """The narration script of ``scenes`` (name -> timed beats) as Markdown.

    Per scene (one video), a heading per chapter part, then per beat its number and key (as its
    section and clip are named), its time code in that video, the caption on screen, what to say
    and the equations it shows with the trace's numbers.
    """
    lines = [f"# {story.tr('script.heading')}", "", convention(story), "", code_hint(story), ""]
    for scene, beats in scenes.items():
        lines += [f"## {scene}", ""]
        chapter = None
        for i, beat in enumerate(beats, 1):
            if beat.chapter != chapter:
                chapter = beat.chapter
                lines += [f"### {story.tr(f'{chapter}.title')}", ""]
            lines += [f"#### {i:02d} {beat.key} · {timecode(beat.start, '.')} – {timecode(beat.end, '.')}",
                      "", beat.say, "", f"*{story.tr('script.shows', caption=beat.caption)}*", ""]
            equations = equation_lines(story, beat)
            if equations:
                lines += [story.tr("script.equation"), "", *(f"$$ {tex} $$\n" for tex in equations)]
    return "\n".join(lines).rstrip() + "\n"
