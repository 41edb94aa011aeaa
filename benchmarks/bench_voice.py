"""What a voice costs a render (issue 15's target: at most 10 % more time for the same video duration).

The figure, and why: a film with a voice and the same film without it have the same beats, held
as long, so the same frames: the only difference is the voice's own work. A silent ``bpviz
render`` is not that film (its beats are not held for a voice, so it is shorter), and dividing
both renders by their video seconds would flatter the voice, since a held frame costs much less
than an animated one. So the benchmark renders the mazur film once with ``--voice speech`` (a
fresh process and an empty cache: ``XDG_CACHE_HOME`` in a temporary folder, so no chapter, no
typeset LaTeX and no spoken beat is reused), then times, in this process and again with a cold
speech cache, exactly the voice's work in that render: every beat spoken (espeak-ng), decoded
and brought to EBU R128 loudness, each chapter's track laid and the film's track encoded into it
(AAC). The verdict is ``own / (voiced - own)``: what the voice adds to rendering the same film
(same duration, same frames) without it; at most 0.10.

Times are CPU seconds (this process and every child it waited for: the render's jobs, Manim's
encoders, LaTeX, espeak-ng, ffmpeg), so a shared machine moves them less than wall time; wall
seconds are printed beside them. For context, a cold silent render of the (shorter) mazur film
is timed too (``--no-silent`` skips it); it has no verdict.

    .venv/bin/python benchmarks/bench_voice.py                  # 480p15, a few minutes
    .venv/bin/python benchmarks/bench_voice.py --quality high   # 1080p60
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import probe, verdict

TARGET = 0.10


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of every child it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def render(out: Path, quality: str, voice: bool) -> tuple[float, float, float]:
    """CPU and wall seconds of one cold render of the mazur film, and the film's duration."""
    env = {**os.environ, "XDG_CACHE_HOME": str(out / "cache")}
    cmd = [sys.executable, "-m", "bpviz", "render", "mazur", "--quality", quality, "-o", str(out / "media")]
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = subprocess.run(cmd + (["--voice", "speech"] if voice else []), capture_output=True, text=True,
                            env=env)
    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
    if result.returncode:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n"
                 f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return cpu, wall, probe(out / "media" / "full.mp4")["duration"]


def voice_work(out: Path, quality: str) -> tuple[float, float]:
    """CPU and wall seconds of the voice's own work for the mazur film, in this process (cold speech)."""
    os.environ["XDG_CACHE_HOME"] = str(out / "cache-timing")
    import numpy as np

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
    cpu, wall = cpu_seconds(), time.perf_counter()
    tracks = []
    for chapter in film:
        voice = JobVoice(plan.options(chapter), story.language)
        for n, beat in enumerate(beats[chapter], 1):
            voice(n, beat)
        tracks.append(voice.track(beats[chapter]))
    with_sound(out / "media" / "full.mp4", np.concatenate(tracks), out / "again.mp4")
    return cpu_seconds() - cpu, time.perf_counter() - wall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="low", choices=("low", "medium", "high", "4k"))
    parser.add_argument("--no-silent", action="store_true", help="skip the silent render (context only)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        if not args.no_silent:
            s_cpu, s_wall, s_len = render(Path(tmp) / "silent", args.quality, voice=False)
            print(f"silent render (context): {s_cpu:.1f} s CPU ({s_wall:.1f} s wall) "
                  f"for {s_len:.1f} s of video")
        voiced_dir = Path(tmp) / "voiced"
        v_cpu, v_wall, v_len = render(voiced_dir, args.quality, voice=True)
        print(f"voiced render: {v_cpu:.1f} s CPU ({v_wall:.1f} s wall) for {v_len:.1f} s of video")
        own_cpu, own_wall = voice_work(voiced_dir, args.quality)
    share = own_cpu / (v_cpu - own_cpu)
    print(f"the voice's own work (speech, decoding, loudness, tracks, AAC): {own_cpu:.1f} s CPU "
          f"({own_wall:.1f} s wall) = {own_cpu / v_cpu:.1%} of the voiced render")
    result = verdict(f"voice's work / the same film's render without it (mazur {args.quality}, CPU)",
                     f"{own_cpu:.1f} / {v_cpu - own_cpu:.1f} = {share:.1%}", f"<= {TARGET:.0%}",
                     share <= TARGET)
    print(f"the voice adds {share:.1%} to rendering the same {v_len:.1f} s film "
          f"(target {TARGET:.0%}) {result}")
    return 0 if result == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
