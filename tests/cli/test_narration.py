"""Subtitles of ``bpviz render`` and the narration script of ``bpviz script``.

One small render (the ``forward`` chapter of ``and``, 2-1, at low quality, with ``--sections``)
gives the video, its ``.srt`` and its beat clips; ``bpviz script`` (no video) must give the same
times. Frame counts come from ffprobe, so "the times line up" means to the frame.
"""

from __future__ import annotations

import re
import subprocess
import sys

import av
import numpy as np
import pytest
from click.testing import CliRunner

from bpviz.cli import main
from scenes.loading import load_story

FPS = 15  # --quality low
CUE = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n(.+)")
FORWARD_BEATS = ["inputs", "layer", "output"]  # and: 2-1, one layer


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def frames(path) -> int:
    """Frames in the first video stream, counted by ffprobe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                          "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def parse_srt(text: str) -> list[tuple[int, float, float, str]]:
    """``(index, start, end, text)`` per cue; every block must be a well-formed cue."""
    cues = []
    for block in text.strip().split("\n\n"):
        match = CUE.fullmatch(block)
        assert match, block
        g = [int(x) if x.isdigit() else x for x in match.groups()]
        start = g[1] * 3600 + g[2] * 60 + g[3] + g[4] / 1000
        end = g[5] * 3600 + g[6] * 60 + g[7] + g[8] / 1000
        cues.append((g[0], start, end, g[9]))
    return cues


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("narration")
    result = bpviz("render", "and", "--scene", "forward", "--quality", "low", "--sections", "-o", str(out))
    assert result.exit_code == 0, (result.stderr, result.exception)
    return out, result


def test_render_writes_one_cue_per_beat_on_the_section_times(rendered):
    out, result = rendered
    srt = out / "forward.srt"
    assert f"wrote {srt}" in result.stdout.splitlines()
    cues = parse_srt(srt.read_text(encoding="utf-8"))
    clips = sorted((out / "forward_beats").iterdir())
    assert [c.stem.split("_", 2)[2] for c in clips] == FORWARD_BEATS
    assert [cue[0] for cue in cues] == [1, 2, 3]
    edges = np.cumsum([0] + [frames(c) for c in clips]) / FPS  # where each section starts and ends
    assert [cue[1] for cue in cues] == pytest.approx(edges[:-1], abs=0.0005)
    assert [cue[2] for cue in cues] == pytest.approx(edges[1:], abs=0.0005)
    assert cues[-1][2] == pytest.approx(frames(out / "forward.mp4") / FPS, abs=0.0005)


def test_every_beat_clip_ends_on_its_settled_frame(rendered):
    """A clip (a slide) stops on its beat's hold: its last frames are one picture (up to x264's noise).

    Before the highlight's fade-out moved to the next section, the layer clip ended on the fade:
    its last frames differed by up to 65 levels; the hold's frames differ by at most 5.
    """
    out, _ = rendered
    for clip in sorted((out / "forward_beats").iterdir()):
        with av.open(str(clip)) as container:
            last = [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)][-4:]
        assert max(np.abs(frame - last[-1]).max() for frame in last) <= 8, clip.name


def test_cue_texts_say_the_numbers_of_the_trace(rendered):
    out, _ = rendered
    story = load_story("and")
    rec, before = story.record, story.step.before
    cues = parse_srt((out / "forward.srt").read_text(encoding="utf-8"))
    fields = {story.fmt(v) for arr in (rec.x, rec.y, *rec.z, *rec.a, *before.weights, *before.biases)
              for v in np.ravel(arr)}
    said = re.findall(r"-?\d+\.\d+", " ".join(cue[3] for cue in cues))
    assert said and set(said) <= fields, set(said) - fields
    layer = cues[1][3]  # the layer beat names the focus neuron's weighted sum and activation
    assert story.fmt(rec.z[0][0]) in layer and story.fmt(rec.a[1][0]) in layer
    assert story.fmt(rec.a[1][0]) in cues[2][3]  # the output beat says the answer


def test_script_has_every_beat_with_the_rendered_times(rendered):
    out, _ = rendered
    result = bpviz("script", "and", "--scene", "forward", "--quality", "low")
    assert result.exit_code == 0, (result.stderr, result.exception)
    text = result.stdout
    cues = parse_srt((out / "forward.srt").read_text(encoding="utf-8"))
    heads = re.findall(r"^#### (\d\d) (\w+) · (\S+) – (\S+)$", text, re.M)
    assert [h[1] for h in heads] == FORWARD_BEATS
    assert [(h[2], h[3]) for h in heads] == [
        tuple(f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:06.3f}" for s in cue[1:3])
        for cue in cues]
    for cue in cues:
        assert cue[3] in text  # the same words as the subtitles
    assert "$$ z^{1}_{1} =" in text and "$$ a^{1}_{1} =" in text  # the layer beat's equations
    assert "Notation: Nielsen" in text and "half squared error" in text


def test_core_and_render_import_without_manim_slides():
    code = ("import sys; sys.modules['manim_slides'] = None\n"
            "import bpviz.cli, bpviz.production.render, bpviz.outputs.subtitles\n"
            "try:\n    import bpviz.outputs.slides\nexcept ImportError as e:\n    print(e.name)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("manim_slides")
