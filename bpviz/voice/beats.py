"""The voice inside one chapter job: each beat's sound as it opens, then the chapter's track.

A job's ``voice`` option (plain values, :mod:`bpviz.production.voice`) is ``{"source": "speech",
"engine", "voice", "rate"}`` or ``{"source": "recordings", "beats": {number: {file, sha256,
seconds}}}``. :class:`JobVoice` is the chapter scene's ``beat_voice``: as a beat opens it finds
the beat's sound (the narration spoken, or its recording), brings it to the target loudness and
returns its length, so the scene holds the beat until the voice is over; then :meth:`JobVoice.track`
lays the sounds at their beats' starts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bpviz.voice.audio import SAMPLE_RATE, chapter_track, decode, normalised
from bpviz.voice.speech import spoken_text, synthesize

SPEECH = "speech"
"""``--voice speech``: the speech engine reads every beat's narration."""
TRACK = "voice.wav"
"""A chapter job's track in its folder (16-bit PCM, as long as its video)."""


def fingerprint_view(voice: dict | None) -> dict | None:
    """What of a job's ``voice`` option its render depends on: recordings by content, not by path."""
    if not voice or voice.get("source") == SPEECH:
        return voice
    return {**voice, "beats": {n: b["sha256"] for n, b in voice.get("beats", {}).items()}}


class JobVoice:
    """The voice inside one chapter job: called by the scene as each beat opens (``beat_voice``).

    Parameters
    ----------
    options : dict
        The job's ``voice`` option (:meth:`VoicePlan.options`).
    language : str
        The story's language (how numbers and symbols are read aloud).
    """

    def __init__(self, options: dict, language: str):
        self.options = options
        self.language = language
        self.sounds: dict[int, np.ndarray] = {}

    def __call__(self, number: int, beat) -> float:
        """Seconds of voice over beat ``number`` of the chapter (0: silent); its sound is kept."""
        if self.options["source"] == SPEECH:
            if not beat.say.strip():
                return 0.0
            path = synthesize(spoken_text(beat.say, self.language), self.options["voice"],
                              self.options["rate"])
        else:
            entry = self.options["beats"].get(str(number))
            if entry is None:
                return 0.0
            path = Path(entry["file"])
        self.sounds[number] = normalised(decode(path))
        return self.sounds[number].size / SAMPLE_RATE

    def track(self, beats) -> np.ndarray:
        """The chapter's track: each voiced beat's sound at its start, as long as the chapter."""
        return chapter_track([(beats[n - 1].start, s) for n, s in self.sounds.items()], beats[-1].end)
