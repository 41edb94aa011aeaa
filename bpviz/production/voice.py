"""The voice of a render: its source and the voice option of each chapter job.

``--voice`` (or ``[video] voice``) is ``speech`` (:mod:`bpviz.voice.speech`) or a folder of
recordings (:mod:`bpviz.voice.recordings`, checked before anything renders). Each chapter job
gets its voice as a plain option (:meth:`VoicePlan.options`): the engine, voice and rate for
speech (the text is the narration, which the trace, language and code already fingerprint), or
each recorded beat's file and content hash. Inside the job, :class:`bpviz.voice.beats.JobVoice`
gives the scene each beat's voice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz.voice.beats import SPEECH
from bpviz.voice.speech import engine_version, voice_of

VOICE_HINT = "--voice needs pyloudnorm (loudness); install it with: pip install 'bpviz[voice]'"


@dataclass
class VoicePlan:
    """The voice of one render: ``source`` options, and for recordings the files per chapter job."""

    source: dict
    recordings: dict[str, dict] = field(default_factory=dict)

    def options(self, chapter: str) -> dict:
        """The ``voice`` option of ``chapter``'s job (plain values; see the module docstring)."""
        if self.source["source"] == SPEECH:
            return self.source
        return {**self.source, "beats": self.recordings.get(chapter, {})}


def voice_plan(value: str | None, story, chapters: list[str], quality: str = "low",
               aspect: str = "16:9") -> VoicePlan | None:
    """The voice of rendering ``chapters`` (job names, in story order) with ``--voice value``.

    ``value`` ``None`` takes ``[video] voice``; neither gives ``None`` (a silent film). A folder
    of recordings is checked against the beats' names now, before anything renders (a timing
    run of every chapter, no frame drawn).
    """
    value = value if value is not None else story.video.get("voice")
    if not value:
        return None
    try:
        import pyloudnorm  # noqa: F401  (the optional extra bpviz[voice]: loudness of every voice)
    except ImportError:
        raise BpvizError(VOICE_HINT) from None
    if value == SPEECH:
        return VoicePlan({"source": SPEECH, "engine": engine_version(), "voice": voice_of(story.language),
                          "rate": story.video["voice_rate"]})
    # imported here: a silent render or speech needs no Manim (a timing run of the recordings does)
    from bpviz.production.render import timed_beats
    from bpviz.voice.recordings import match_recordings, named_beats

    folder = Path(value)
    if not folder.is_dir():  # before the timing run: a typo is told at once
        match_recordings(folder, [])

    film = list(dict.fromkeys(chapters))
    named = named_beats([(c, timed_beats(story, c, quality, aspect)) for c in film])
    return VoicePlan({"source": "recordings"}, match_recordings(folder, named))
