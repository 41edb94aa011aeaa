"""A voice on every beat: recordings and the speech engine, measured in the films they give.

Two small renders (the ``forward`` chapter of ``and``, 2-1, three beats, at low quality): one from
a folder of tones of known length (beat 1 short, beat 2 longer than its animation, beat 3 without
a recording), one spoken by espeak-ng in Spanish. The audio is decoded and measured:
where each voice starts against the section times, how long each beat lasts against its voice,
the loudness against EBU R128's target, the streams' ends against each other.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess

import av
import numpy as np
import pyloudnorm
import pytest
from click.testing import CliRunner

from bpviz.cli import main
from bpviz.production.jobs import JobSpec
from bpviz.production.render import timed_beats
from bpviz.production.voice import VoicePlan
from bpviz.voice.audio import PEAK_DBFS, SAMPLE_RATE, TARGET_LUFS, with_sound
from bpviz.voice.recordings import named_beats, recording_sheet
from bpviz.voice.speech import spoken_text
from scenes.loading import load_story
from scenes.style import VOICE_PAUSE
from tests.cli.test_narration import parse_srt

FPS = 15  # --quality low
FRAME = 1 / FPS
TONES = {1: 1.0, 2: 7.0}  # beat number -> seconds of tone; beat 3 has no recording
NAMES = ["001_forward_inputs", "002_forward_layer", "003_forward_output"]


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def tone(path, seconds: float, freq: float, level: float) -> None:
    """A sine of ``seconds`` at ``level`` (peak, 0..1), in the format of ``path``'s suffix (ffmpeg)."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={freq}:sample_rate=44100:duration={seconds}",
                    "-af", f"volume={level}", str(path)], check=True)


def audio_of(path) -> np.ndarray:
    """The first audio stream of ``path`` as mono float samples at 48 kHz (PyAV)."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks = [f.to_ndarray().reshape(-1) for frame in container.decode(audio=0)
                  for f in resampler.resample(frame)]
    return np.concatenate(chunks)


def onsets(samples: np.ndarray, threshold: float = 0.02, gap: float = 0.3) -> list[float]:
    """Seconds where sound starts after at least ``gap`` seconds of quiet."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    starts = [loud[0]] + [b for a, b in zip(loud[:-1], loud[1:]) if b - a > gap * SAMPLE_RATE]
    return [s / SAMPLE_RATE for s in starts]


def streams(path) -> dict[str, dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,duration",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return {s["codec_type"]: s for s in json.loads(out.stdout)["streams"]}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The film of three beats from a folder of tones (FLAC and OGG), with beat clips."""
    root = tmp_path_factory.mktemp("voice")
    folder = root / "recordings"
    folder.mkdir()
    tone(folder / f"{NAMES[0]}.flac", TONES[1], 440, 0.9)  # loud: the gain must bring it down
    tone(folder / f"{NAMES[1]}.ogg", TONES[2], 330, 0.02)  # quiet: the gain must bring it up
    (folder / "sheet.md").write_text("notes beside the recordings are ignored\n")
    out = root / "film"
    result = bpviz("render", "and", "--scene", "forward", "--quality", "low", "--sections",
                   "--voice", str(folder), "-o", str(out))
    assert result.exit_code == 0, (result.output, result.exception)
    cues = parse_srt((out / "forward.srt").read_text(encoding="utf-8"))
    silent = timed_beats(load_story("and"), "forward", "low")
    return out, cues, silent


def test_the_film_has_a_voice_that_ends_with_its_pictures(recorded):
    out, _, _ = recorded
    info = streams(out / "forward.mp4")
    assert info["audio"]["codec_name"] == "aac" and info["video"]["codec_name"] == "h264"
    assert float(info["audio"]["duration"]) == pytest.approx(float(info["video"]["duration"]), abs=FRAME)
    decoded = subprocess.run(["ffmpeg", "-v", "warning", "-i", str(out / "forward.mp4"), "-f", "null", "-"],
                             capture_output=True, text=True)
    assert decoded.returncode == 0 and decoded.stderr == ""


def test_each_beat_lasts_its_voice_and_a_pause_and_animations_keep_their_length(recorded):
    _, cues, silent = recorded
    lengths = [end - start for _, start, end, _ in cues]
    plain = [b.end - b.start for b in silent]
    assert plain[1] < TONES[2]  # the tone of beat 2 is longer than its animation: it must wait
    assert lengths[1] >= TONES[2] + VOICE_PAUSE - 0.001
    assert lengths[1] < TONES[2] + VOICE_PAUSE + FRAME + 0.001  # held no longer than needed
    assert lengths[0] == pytest.approx(plain[0], abs=0.001)  # a short voice changes nothing
    assert lengths[2] == pytest.approx(plain[2], abs=0.001)  # a beat without a recording: silent


def test_each_voice_starts_within_a_frame_of_its_section(recorded):
    out, cues, _ = recorded
    samples = audio_of(out / "forward.mp4")
    found = onsets(samples)
    assert len(found) == 2
    assert found[0] == pytest.approx(cues[0][1], abs=FRAME)
    assert found[1] == pytest.approx(cues[1][1], abs=FRAME)
    # beat 3 is silent
    start3 = round(cues[2][1] * SAMPLE_RATE) + SAMPLE_RATE // 10
    assert np.max(np.abs(samples[start3:])) < 0.01


def test_the_voices_are_at_the_ebu_r128_loudness_and_never_clip(recorded):
    out, cues, _ = recorded
    samples = audio_of(out / "forward.mp4")
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    for n, seconds in TONES.items():
        at = round(cues[n - 1][1] * SAMPLE_RATE)
        voice = samples[at:at + round(seconds * SAMPLE_RATE)].astype(np.float64)
        assert meter.integrated_loudness(voice) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert 20 * np.log10(np.max(np.abs(samples))) <= PEAK_DBFS + 0.5


def test_every_beat_clip_carries_its_own_voice(recorded):
    out, cues, _ = recorded
    clips = sorted((out / "forward_beats").iterdir())
    assert [c.stem for c in clips] == ["01_forward_inputs", "02_forward_layer", "03_forward_output"]
    for clip, (_, start, end, _) in zip(clips, cues):
        info = streams(clip)
        assert float(info["audio"]["duration"]) == pytest.approx(end - start, abs=FRAME)
        assert float(info["video"]["duration"]) == pytest.approx(end - start, abs=FRAME)
    assert onsets(audio_of(clips[1]))[0] == pytest.approx(0.0, abs=FRAME)


def test_the_recording_sheet_names_the_files(recorded):
    _, _, silent = recorded
    result = bpviz("script", "and", "--scene", "forward", "--quality", "low", "--recording-sheet",
                   "--sheet-format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["file", "chapter", "beat", "seconds", "words"]
    assert [r[0] for r in rows[1:]] == NAMES
    assert [float(r[3]) for r in rows[1:]] == pytest.approx([b.end - b.start for b in silent], abs=0.05)
    assert [r[4] for r in rows[1:]] == [b.say for b in silent]
    markdown = recording_sheet(named_beats([("forward", silent)]), "md")
    assert all(f"| {name} | forward |" in markdown for name in NAMES)


@pytest.mark.parametrize("name, content, says", [
    ("009_forward_nothing.wav", None, "matches no beat"),
    (f"{NAMES[0]}.wav", b"RIFF not really a wave file", "cannot decode"),
])
def test_a_bad_recording_is_one_line_before_rendering(tmp_path, name, content, says):
    folder = tmp_path / "rec"
    folder.mkdir()
    if content is None:
        tone(folder / name, 0.5, 440, 0.5)
    else:
        (folder / name).write_bytes(content)
    out = tmp_path / "out"
    result = bpviz("render", "and", "--scene", "forward", "--quality", "low", "--voice", str(folder),
                   "-o", str(out))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder / name}: ") and says in lines[0]
    assert not out.exists()


def test_numbers_are_read_as_the_language_reads_them():
    assert (spoken_text("a = 0,5933; δ = -0,0381", "es")
            == "a igual a 0 coma 5 9 3 3; delta igual a menos 0 coma 0 3 8 1")
    assert spoken_text("w²₁₁ is 0.15 (η = 0.5)", "en") == "w 2 1 1 is 0 point 1 5 (eta equals 0 point 5)"


def test_a_new_recording_changes_its_chapter_only(tmp_path):
    story = load_story("and")
    opts = {"quality": "low", "aspect": "16:9", "fmt": "mp4", "transparent": False, "sections": False}

    def prints(sha: str, path: str) -> dict[str, str]:
        plan = VoicePlan({"source": "recordings"},
                         {"forward": {"1": {"file": path, "sha256": sha, "seconds": 1.0}}})
        return {c: JobSpec.of(story, c, **opts, voice=plan.options(c)).fingerprint()
                for c in ("forward", "loss")}

    first, moved, new = prints("aa", "/a/x.wav"), prints("aa", "/b/x.wav"), prints("bb", "/a/x.wav")
    assert moved == first  # the same recording elsewhere renders nothing again
    assert new["forward"] != first["forward"] and new["loss"] == first["loss"]
    silent = JobSpec.of(story, "forward", **opts).fingerprint()
    assert silent != first["forward"]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """The same chapter spoken by espeak-ng in Spanish."""
    out = tmp_path_factory.mktemp("spoken")
    result = bpviz("render", "and", "--scene", "forward", "--quality", "low", "--lang", "es",
                   "--voice", "speech", "-o", str(out))
    assert result.exit_code == 0, (result.output, result.exception)
    return out


def test_speech_gives_a_narrated_film_whose_beats_follow_the_voice(spoken):
    cues = parse_srt((spoken / "forward.srt").read_text(encoding="utf-8"))
    assert "cero" not in cues[1][3] and "," in cues[1][3]  # subtitles keep the written numbers
    samples = audio_of(spoken / "forward.mp4")
    film = sum(end - start for _, start, end, _ in cues)
    assert samples.size / SAMPLE_RATE == pytest.approx(film, abs=2 * FRAME)
    for _, start, end, _ in cues:  # every beat speaks from its start and is quiet before its end
        beat = samples[round(start * SAMPLE_RATE):round(end * SAMPLE_RATE)]
        loud = np.flatnonzero(np.abs(beat) > 0.02) / SAMPLE_RATE
        assert loud.size and loud[0] < 0.3 and loud[-1] <= end - start - VOICE_PAUSE + FRAME


def test_stills_and_the_script_follow_the_voice(recorded, tmp_path):
    out, cues, _ = recorded
    folder = out.parent / "recordings"
    result = bpviz("frames", "and", "--scene", "forward", "--quality", "low", "--voice", str(folder),
                   "-o", str(tmp_path / "stills"))
    assert result.exit_code == 0, result.output
    assert "stills have no sound" in result.output
    index = json.loads((tmp_path / "stills" / "frames.json").read_text(encoding="utf-8"))
    assert [e["start"] for e in index] == pytest.approx([c[1] for c in cues], abs=0.001)
    assert [e["end"] for e in index] == pytest.approx([c[2] for c in cues], abs=0.001)
    script = bpviz("script", "and", "--scene", "forward", "--quality", "low", "--voice", str(folder))
    assert script.exit_code == 0, script.output
    codes = [line.split("· ")[1] for line in script.output.splitlines() if line.startswith("#### ")]
    srt = (out / "forward.srt").read_text(encoding="utf-8").replace(",", ".")
    assert [code.replace(" – ", " --> ") in srt for code in codes] == [True] * 3


def test_the_voice_of_the_config_and_its_errors(tmp_path):
    config = tmp_path / "voiced.toml"
    network = '[network]\nlayers = [2, 1]\nactivations = ["sigmoid"]\n\n[data]\npreset = "and"\n\n'
    config.write_text(network + '[video]\nvoice = "no_such_folder"\nvoice_rate = 175\n')
    result = bpviz("render", str(config), "--scene", "forward", "--quality", "low", "-o", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert result.output.strip() == "error: --voice no_such_folder: no such folder (give 'speech' or a " \
                                    "folder of recordings)"
    config.write_text(network + '[video]\nvoice = "speech"\nvoice_rate = 20\n')
    result = bpviz("script", str(config))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert f"{config}:10: [video] voice_rate:" in result.output and "between 80 and 450" in result.output
    assert not (tmp_path / "o").exists()


def test_joined_chapters_keep_every_voice_on_its_section(recorded, monkeypatch):
    """Two chapter jobs joined as a film: their tracks are joined as their videos are."""
    from bpviz.production import concat
    from bpviz.production.voice import voice_plan

    out, _, _ = recorded
    folder = out.parent / "joined-recordings"
    folder.mkdir()
    for path in (out.parent / "recordings").iterdir():  # the forward chapter's: its job is a cache hit
        (folder / path.name).write_bytes(path.read_bytes())
    tone(folder / "005_loss_errors.wav", 2.0, 550, 0.5)
    film = ("forward", "loss")
    monkeypatch.setattr(concat, "film_of", lambda story, chapter: film)
    story = load_story("and")
    plan = voice_plan(str(folder), story, list(film), "low")
    beats = []
    written = concat.render_joined(story, "full", out.parent / "joined", voice=plan, beats=beats,
                                   quality="low", fmt="mp4", transparent=False, sections=False,
                                   aspect="16:9")
    movie = written[0]
    info = streams(movie)
    assert float(info["audio"]["duration"]) == pytest.approx(float(info["video"]["duration"]), abs=FRAME)
    assert [b.chapter for b in beats] == ["forward"] * 3 + ["loss"] * 3
    found = onsets(audio_of(movie))
    assert found == pytest.approx([beats[0].start, beats[1].start, beats[4].start], abs=FRAME)
    assert beats[4].end - beats[4].start >= 2.0 + VOICE_PAUSE - 0.001


def test_webm_carries_the_voice_as_opus(tmp_path):
    """The webm container's sound is Opus (a tiny VP9 video from ffmpeg, not a render: VP9 is slow)."""
    video = tmp_path / "tiny.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=15:d=1",
                    "-c:v", "libvpx-vp9", str(video)], check=True)
    voice = 0.5 * np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE) / SAMPLE_RATE).astype(np.float32)
    target = with_sound(video, voice, tmp_path / "voiced.webm")
    info = streams(target)
    assert info["audio"]["codec_name"] == "opus" and info["video"]["codec_name"] == "vp9"
    assert audio_of(target).size / SAMPLE_RATE == pytest.approx(1.0, abs=FRAME)


def test_the_decks_carry_each_beats_voice(recorded, tmp_path):
    """html and pptx decks of the recorded chapter: every beat's slide plays its own voice.

    Their chapter jobs are those of the film (beat clips, mp4): the render cache serves them.
    """
    from bs4 import BeautifulSoup
    from pptx import Presentation

    out, cues, _ = recorded
    folder = out.parent / "recordings"
    for to in ("html", "pptx"):
        result = bpviz("slides", "and", "--scene", "forward", "--quality", "low", "--voice", str(folder),
                       "-o", str(tmp_path / f"deck.{to}"))
        assert result.exit_code == 0, (result.output, result.exception)
    page = (tmp_path / "deck.html").read_text(encoding="utf-8")
    sections = BeautifulSoup(page, "html.parser").select("div.slides > section")
    html_clips = [tmp_path / s["data-background-video"] for s in sections[:3]]
    assert "Reveal.getSlideBackground(0, 0)" in page  # the first slide's clip is unmuted at the first gesture
    media = [s for slide in Presentation(str(tmp_path / "deck.pptx")).slides for s in slide.shapes]
    pptx_clips = []
    for n, shape in enumerate(media[:3]):
        rel = shape.part.related_part(shape._element.xpath(".//p:nvPr/a:videoFile/@r:link")[0])
        pptx_clips.append(tmp_path / f"pptx-{n}.mp4")
        pptx_clips[-1].write_bytes(rel.blob)
    for clips in (html_clips, pptx_clips):
        for n, (clip, (_, start, end, _)) in enumerate(zip(clips, cues, strict=True), 1):
            info = streams(clip)
            assert info["audio"]["codec_name"] == "aac"
            assert float(info["audio"]["duration"]) == pytest.approx(end - start, abs=FRAME)
            voice = np.flatnonzero(np.abs(audio_of(clip)) > 0.02) / SAMPLE_RATE
            if n in TONES:  # its tone from the start, as long as its recording
                assert voice[0] == pytest.approx(0, abs=FRAME)
                assert voice[-1] - voice[0] == pytest.approx(TONES[n], abs=FRAME)
            else:
                assert voice.size == 0  # beat 3 has no recording


def test_a_gif_and_stills_say_once_that_they_have_no_sound(recorded, tmp_path):
    out, _, _ = recorded
    folder = out.parent / "recordings"
    result = bpviz("render", "and", "--scene", "forward", "--scene", "backward", "--quality", "low",
                   "--format", "gif", "--voice", str(folder), "-o", str(tmp_path / "gif"))
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stderr.count("note: a gif has no sound") == 1
    assert sorted(p.name for p in (tmp_path / "gif").glob("*.gif")) == ["backward.gif", "forward.gif"]
    assert "audio" not in streams(tmp_path / "gif" / "forward.gif")
    result = bpviz("frames", "and", "--scene", "forward", "--scene", "backward", "--quality", "low",
                   "--voice", str(folder), "-o", str(tmp_path / "stills"))
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stderr.count("note: stills have no sound") == 1


def test_mov_carries_the_voice(recorded, tmp_path):
    out, cues, _ = recorded
    result = bpviz("render", "and", "--scene", "forward", "--quality", "low", "--format", "mov",
                   "--voice", str(out.parent / "recordings"), "-o", str(tmp_path))
    assert result.exit_code == 0, (result.output, result.exception)
    info = streams(tmp_path / "forward.mov")
    assert info["audio"]["codec_name"] == "aac"
    assert info["video"]["codec_name"] == "h264"  # ProRes with --transparent
    assert float(info["audio"]["duration"]) == pytest.approx(float(info["video"]["duration"]), abs=FRAME)
    assert onsets(audio_of(tmp_path / "forward.mov")) == pytest.approx([c[1] for c in cues[:2]], abs=FRAME)


def test_voiced_stills_of_the_full_film_gloss_each_symbol_once(tmp_path, monkeypatch):
    """With a voice the full film's stills are drawn chapter by chapter (each has its own voice);
    each chapter must still skip the glosses its film showed before it, as the film does."""
    import bpviz
    from bpviz.production.stills import StillsReport
    from scenes.chapters.registry import film_chapters, glossed_before

    seen = {}

    def spy(story, chapters, out_dir, *args, glossed=None, **kwargs):
        seen.update(chapters=list(chapters), glossed=dict(glossed or {}))
        return StillsReport()

    monkeypatch.setattr("bpviz.production.render.render_stills", spy)
    folder = tmp_path / "recordings"
    folder.mkdir()
    bpviz.frames("and", quality="low", voice=folder, output=tmp_path / "stills", cache=False)
    story = load_story("and")
    film = list(film_chapters(story))
    assert seen["chapters"] == film
    wanted = {c: tuple(glossed_before(c, story)) for c in film}
    assert {c: tuple(g) for c, g in seen["glossed"].items()} == wanted
    assert any(seen["glossed"].values())  # later chapters do gloss less
