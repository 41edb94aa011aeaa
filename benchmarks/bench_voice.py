"""What a voice costs a render (issue 15's target: at most 10 % more time for the same video duration).

Two fresh ``bpviz render mazur`` processes at the same quality, each with an empty cache
(``XDG_CACHE_HOME`` in a temporary folder, so no chapter, no typeset LaTeX and no spoken beat is
reused): one silent, one with ``--voice speech``. The voiced film is longer (every beat lasts at
least its voice), so the figure is the render time per second of video, voiced against silent.
Then the voice's own work is timed alone, in this process: every beat spoken (espeak-ng),
decoded and brought to EBU R128 loudness, each chapter's track laid, and the film's track
encoded into it (AAC), as a share of the voiced render.

    .venv/bin/python benchmarks/bench_voice.py                  # 480p15, a few minutes
    .venv/bin/python benchmarks/bench_voice.py --quality high   # 1080p60

The machine may be shared: figures move with its load, so say so with them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from common import probe, timed, verdict

TARGET = 1.10


def render(out: Path, quality: str, voice: bool) -> tuple[float, float]:
    """Wall seconds of one cold render of the mazur film, and the film's duration."""
    env = {**os.environ, "XDG_CACHE_HOME": str(out / "cache")}
    cmd = [sys.executable, "-m", "bpviz", "render", "mazur", "--quality", quality, "-o", str(out / "media")]
    seconds = timed(cmd + (["--voice", "speech"] if voice else []), env=env)
    return seconds, probe(out / "media" / "full.mp4")["duration"]


def voice_work(out: Path, quality: str) -> float:
    """Seconds of the voice's own work for the mazur film, in this process (a cold speech cache)."""
    os.environ["XDG_CACHE_HOME"] = str(out / "cache-timing")
    from bpviz.production.concat import film_of
    from bpviz.production.render import timed_beats
    from bpviz.production.voice import voice_plan
    from bpviz.voice.audio import with_sound
    from bpviz.voice.beats import JobVoice
    from scenes.loading import load_story

    story = load_story("mazur")
    film = film_of(story, "full")
    plan = voice_plan("speech", story, list(film), quality)
    beats = {c: timed_beats(story, c, quality, voice=plan.options(c)) for c in film}
    os.environ["XDG_CACHE_HOME"] = str(out / "cache-voice")  # nothing spoken yet
    start = time.perf_counter()
    tracks = []
    for chapter in film:
        voice = JobVoice(plan.options(chapter), story.language)
        for n, beat in enumerate(beats[chapter], 1):
            voice(n, beat)
        tracks.append(voice.track(beats[chapter]))
    import numpy as np

    with_sound(out / "media" / "full.mp4", np.concatenate(tracks), out / "again.mp4")
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="low", choices=("low", "medium", "high", "4k"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        silent_dir, voiced_dir = Path(tmp) / "silent", Path(tmp) / "voiced"
        silent, silent_len = render(silent_dir, args.quality, voice=False)
        voiced, voiced_len = render(voiced_dir, args.quality, voice=True)
        own = voice_work(voiced_dir, args.quality)
    per_silent, per_voiced = silent / silent_len, voiced / voiced_len
    print(f"silent: {silent:.1f} s for {silent_len:.1f} s of video ({per_silent:.3f} s a second)")
    print(f"voiced: {voiced:.1f} s for {voiced_len:.1f} s of video ({per_voiced:.3f} s a second)")
    print(f"the voice's own work (speech, decoding, loudness, tracks, AAC): {own:.1f} s "
          f"= {own / voiced:.1%} of the voiced render")
    ratio = per_voiced / per_silent
    result = verdict(f"render time per video second, voiced / silent (mazur {args.quality})",
                     f"{per_voiced:.3f} / {per_silent:.3f} = {ratio:.2f}", f"{TARGET}", ratio <= TARGET)
    print(f"voiced / silent per video second: {ratio:.2f} (target {TARGET}) {result}")
    return 0 if result == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
