"""``bpviz render`` and ``bpviz frames``: playable videos, clips per beat, stills, one-line errors.

The video is the smallest thing that proves the pipeline: the ``forward`` chapter of ``mazur``
(2-2-2, one sample) at low quality, rendered once for the module (with ``--sections``) and
probed with ffprobe; the stills are those of mazur's short ``training`` chapter, read from a
trace file. Bad input must fail before anything is rendered, so those tests are fast.
Everything is written under ``tmp_path``, never into ``media/``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from bpviz import options as cli_options
from bpviz.cli import main

from .test_errors import assert_one_line_error

LOW = (854, 480)
FORWARD_BEATS = ["inputs", "layer", "layer", "output"]
"""The beats of ``forward`` for mazur: the inputs, one per layer (L = 2), the output."""
TRAINING_BEATS = ["start", "curve", "end"]


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def probe(path) -> dict:
    """Duration (s), width and height of the first video stream, from ffprobe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height:format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    info = json.loads(out.stdout)
    stream = info["streams"][0]
    return {"duration": float(info["format"]["duration"]), "size": (stream["width"], stream["height"])}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "out"
    result = bpviz("render", "mazur", "--scene", "forward", "--quality", "low", "--sections", "-o", str(out))
    assert result.exit_code == 0, (result.stderr, result.exception)
    return out, result


@pytest.fixture(scope="module")
def stills(tmp_path_factory):
    """The stills of the short ``training`` chapter, from a trace file (SOURCE may be a trace)."""
    tmp = tmp_path_factory.mktemp("frames")
    trace = tmp / "mazur.json"
    assert bpviz("trace", "mazur", "-o", str(trace)).exit_code == 0
    result = bpviz("frames", str(trace), "--scene", "training", "--quality", "low", "-o", str(tmp / "frames"))
    assert result.exit_code == 0, (result.stderr, result.exception)
    return tmp / "frames", result


def test_render_writes_a_playable_low_quality_video(rendered):
    out, result = rendered
    video = out / "forward.mp4"
    assert f"wrote {video}" in result.stdout.splitlines()
    info = probe(video)
    assert info["duration"] > 0
    assert info["size"] == LOW


def test_sections_write_one_playable_clip_per_beat(rendered):
    out, result = rendered
    clips = sorted((out / "forward_beats").iterdir())
    assert [c.stem.split("_", 2)[2] for c in clips] == FORWARD_BEATS
    assert [c.name[:2] for c in clips] == ["01", "02", "03", "04"]
    for clip in clips:
        assert f"wrote {clip}" in result.stdout
        info = probe(clip)
        assert info["duration"] > 0 and info["size"] == LOW
    assert sum(probe(c)["duration"] for c in clips) == pytest.approx(probe(out / "forward.mp4")["duration"],
                                                                     abs=0.5)


def test_frames_write_one_png_per_beat_and_an_index(stills):
    out, result = stills
    index = json.loads((out / "frames.json").read_text(encoding="utf-8"))
    assert [entry["beat"] for entry in index] == TRAINING_BEATS
    assert {entry["chapter"] for entry in index} == {"training"}
    assert all(entry["caption"] for entry in index)
    for n, entry in enumerate(index, 1):
        png = out / entry["file"]
        assert entry["file"] == f"{n:03d}_training_{entry['beat']}.png"
        assert f"wrote {png}" in result.stdout
        with Image.open(png) as image:
            assert image.format == "PNG" and image.size == LOW
    assert sorted(p.name for p in out.glob("*.png")) == [e["file"] for e in index]


# -- bad input: exit 2, one line, nothing rendered ----------------------------------------------
CONFIG = """\
[network]
layers = {layers}
activations = ["sigmoid", "sigmoid"]

[training]
learning_rate = 0.5
epochs = 2
record = {record}

[data]
inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
targets = [[0], [1], [1], [0]]

[video]
{video}
"""


def config(tmp_path, layers="[2, 2, 1]", record='"all"', video="") -> str:
    path = tmp_path / "net.toml"
    path.write_text(CONFIG.format(layers=layers, record=record, video=video), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["render", "frames"])
def test_unknown_scene_suggests_the_nearest(command, tmp_path):
    result = bpviz(command, "mazur", "--scene", "forwrd", "-o", str(tmp_path / "o"))
    assert_one_line_error(result, "--scene", "'forwrd'", "did you mean 'forward'")
    assert not (tmp_path / "o").exists()


def test_unknown_quality_and_format(tmp_path):
    assert_one_line_error(bpviz("render", "--quality", "hihg", "-o", str(tmp_path)), "did you mean 'high'")
    assert_one_line_error(bpviz("render", "--format", "mkv", "-o", str(tmp_path)), "mp4, gif, webm")


def test_output_folder_with_missing_parents_is_accepted_and_created_only_when_rendering(tmp_path):
    """``-o a/b/c`` is made like ``mkdir -p`` (tests/cli/test_import.py renders frames into one)."""
    out = cli_options.out_dir(str(tmp_path / "no" / "such" / "out"), "media")
    assert out == tmp_path / "no" / "such" / "out"
    assert not (tmp_path / "no").exists()


def test_output_folder_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    assert_one_line_error(bpviz("render", "-o", str(tmp_path / "f")), "is a file")
    assert_one_line_error(bpviz("frames", "-o", str(tmp_path / "f" / "out")), "is a file")


@pytest.mark.parametrize("command", ["render", "frames"])
def test_output_folder_not_writable(command, tmp_path, monkeypatch):
    # the suite may run as root, for whom chmod does not bar writing: simulate the refusal
    monkeypatch.setattr(cli_options.os, "access", lambda path, mode: False)
    result = bpviz(command, "mazur", "-o", str(tmp_path / "out"))
    assert_one_line_error(result, "not writable")


@pytest.mark.parametrize("command", ["render", "frames"])
def test_output_folder_that_cannot_be_created(command, tmp_path, monkeypatch):
    """The check passes (say, root in a read-only or virtual folder) but creating it fails."""
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    result = bpviz(command, "mazur", "--scene", "neuron", "-o", str(tmp_path / "out"))
    assert_one_line_error(result, f"-o {tmp_path / 'out'}", "cannot create the folder (Permission denied)")


@pytest.mark.parametrize("tool", ["latex", "dvisvgm"])
@pytest.mark.parametrize("command", ["render", "frames"])
def test_latex_or_dvisvgm_missing_says_what_to_install(command, tool, tmp_path, monkeypatch):
    real = cli_options.shutil.which
    monkeypatch.setattr(cli_options.shutil, "which", lambda name: None if name == tool else real(name))
    result = bpviz(command, "mazur", "--scene", "forward", "-o", str(tmp_path / "o"))
    assert_one_line_error(result, f"`{tool}`", "apt-get install texlive-latex-base texlive-latex-extra "
                                               "texlive-fonts-recommended dvisvgm")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["render", "frames"])
@pytest.mark.parametrize("case, fragments", [
    (dict(video="focus = [1, 5]"), ("[video] focus", "neuron 5 does not exist")),
    (dict(record="20", video="step = 2"), ("[video] step", "not recorded")),
    (dict(video="sample = 3"), ("[video] sample", "sample 3 is not used")),
    (dict(layers="[2, 70, 1]"), ("network too large to draw", "70 neurons")),
    (dict(layers="[2, 100, 1]"), ("network too large to draw", "layer 1 has 100 neurons", "at most 64")),
])
def test_what_cannot_be_explained(command, case, fragments, tmp_path):
    result = bpviz(command, config(tmp_path, **case), "-o", str(tmp_path / "o"))
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["render", "frames"])
def test_dense_network_has_only_forward_and_backward(command, tmp_path):
    """784-16-16-10 draws in dense mode; its other chapters are refused in one line, before anything."""
    result = bpviz(command, "mnist_like", "--scene", "forward", "--scene", "loss", "-o", str(tmp_path / "o"))
    assert_one_line_error(result, "--scene loss", "784-16-16-10", "dense mode", "forward, backward")
    assert not (tmp_path / "o").exists()
