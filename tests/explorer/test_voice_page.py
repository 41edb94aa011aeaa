"""The explorer page with a voice: one clip per beat, played as the viewer steps, in a real browser.

Two pages of a ``forward`` chapter (low quality) are written once for the module: one of
``and`` (three beats) from a folder of tones of known length through the command line
(``--voice DIR``; beat 3 has no recording), one of mazur (whose two hidden layers make two
beats of one key, ``layer``) spoken by espeak-ng through the API, from a config whose
``[video] voice`` is ``speech``. Debian's chromium opens them headless (Playwright), with the
autoplay policy that lets a headless browser play sound; every console message, page error and
request is recorded, and none but the page itself may appear. The clips' lengths are read by
the browser and compared with the voices the film lays on its track
(:class:`bpviz.voice.beats.JobVoice`); their loudness is measured after decoding them (PyAV).
"""

from __future__ import annotations

import base64
import io
import json

import av
import numpy as np
import pyloudnorm
import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

import bpviz
from bpviz.cli import main
from bpviz.production.render import timed_beats
from bpviz.production.voice import voice_plan
from bpviz.voice.audio import PEAK_DBFS, SAMPLE_RATE, TARGET_LUFS
from bpviz.voice.beats import JobVoice
from tests.cli.test_voice import FRAME, NAMES, TONES, tone
from tests.explorer.test_page import CHROMIUM, Visit

SPOKEN = {"video.voice": "speech"}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("voiced-explorer")
    folder = root / "recordings"
    folder.mkdir()
    tone(folder / f"{NAMES[0]}.wav", TONES[1], 440, 0.9)
    tone(folder / f"{NAMES[1]}.ogg", TONES[2], 330, 0.02)
    result = CliRunner().invoke(main, ["explore", "and", "--scene", "forward", "--quality", "low",
                                       "--voice", str(folder), "-o", str(root / "recorded.html")])
    assert result.exit_code == 0, (result.output, result.exception)
    bpviz.explore(bpviz.config("mazur", **SPOKEN), scene="forward", quality="low",
                  output=root / "spoken.html")
    return root


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


@pytest.fixture()
def visit(browser, pages):
    opened = []

    def open_page(name: str) -> Visit:
        opened.append(Visit(browser, pages / name))
        return opened[-1]

    yield open_page
    for page in opened:
        page.check_quiet()
        page.page.close()


def beats_of(visit: Visit) -> list[dict]:
    return json.loads(visit.page.inner_text("#bpviz-data"))["beats"]


def clip_lengths(visit: Visit) -> list[float | None]:
    """Each beat's clip length as the browser reads it (None: the beat has no clip)."""
    return visit.page.evaluate("""async () => {
      const data = JSON.parse(document.getElementById("bpviz-data").textContent);
      return Promise.all(data.beats.map((b) => new Promise((done, fail) => {
        if (!b.voice) return done(null);
        const clip = new Audio();
        clip.onloadedmetadata = () => done(clip.duration);
        clip.onerror = () => fail(new Error(`beat clip: media error ${clip.error.code}`));
        clip.src = `data:${data.clip_type};base64,${b.voice}`;
      })));
    }""")


def player(visit: Visit) -> dict:
    return visit.page.evaluate("""() => { const p = document.getElementById("voice-clip");
      return {beat: p.dataset.beat, paused: p.paused, time: p.currentTime, src: p.getAttribute("src")}; }""")


def playing(visit: Visit, beat: int) -> dict:
    """The player once it is past the start of ``beat``'s clip (it must get there)."""
    visit.page.wait_for_function(f"""() => {{ const p = document.getElementById("voice-clip");
      return p.dataset.beat === "{beat}" && !p.paused && p.currentTime > 0.05; }}""")
    return player(visit)


def decoded(clip: str) -> np.ndarray:
    """A page's clip (base64 WebM) as mono float samples at 48 kHz."""
    with av.open(io.BytesIO(base64.b64decode(clip))) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        return np.concatenate([f.to_ndarray().reshape(-1) for frame in container.decode(audio=0)
                               for f in resampler.resample(frame)])


def test_every_recorded_beat_has_a_clip_as_long_as_its_recording(visit):
    page = visit("recorded.html")
    lengths = clip_lengths(page)
    assert len(lengths) == 3 and lengths[2] is None  # beat 3 has no recording: no clip
    assert lengths[0] == pytest.approx(TONES[1], abs=FRAME)
    assert lengths[1] == pytest.approx(TONES[2], abs=FRAME)


def test_every_spoken_beat_has_its_voice_as_the_film_lays_it(visit):
    page = visit("spoken.html")
    lengths = clip_lengths(page)
    story = bpviz.api._story(bpviz.config("mazur", **SPOKEN), ["forward"], None, None)[0]
    plan = voice_plan(None, story, ["forward"])
    voice = JobVoice(plan.options("forward"), story.language)  # as the film's chapter job hears it
    beats = timed_beats(story, "forward", "low")
    film = [voice(n, beat) for n, beat in enumerate(beats, 1)]
    assert len(lengths) == len(film) >= 4 and min(film) > 1.0
    assert lengths == pytest.approx(film, abs=FRAME)
    shown = beats_of(page)
    keys = [b["beat"] for b in shown]
    assert keys.count("layer") == 2  # two beats of one key, each with its own words
    assert [b["say"] for b in shown] == [b.say for b in beats]


def test_the_clips_are_at_the_ebu_r128_loudness_and_never_clip(visit):
    page = visit("recorded.html")
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    for clip, seconds in zip([b["voice"] for b in beats_of(page)[:2]], TONES.values(), strict=True):
        samples = decoded(clip)
        assert samples.size / SAMPLE_RATE == pytest.approx(seconds, abs=FRAME)
        assert meter.integrated_loudness(samples.astype(np.float64)) == pytest.approx(TARGET_LUFS, abs=1.0)
        assert 20 * np.log10(np.max(np.abs(samples))) <= PEAK_DBFS + 0.5


def test_stepping_to_a_beat_starts_its_clip(visit):
    page = visit("spoken.html")
    beats = beats_of(page)
    assert player(page)["paused"] and player(page)["beat"] is None  # nothing plays by itself
    page.page.click("#next")
    now = playing(page, 1)
    assert now["src"].endswith(beats[1]["voice"])
    page.page.keyboard.press("ArrowRight")
    assert playing(page, 2)["src"].endswith(beats[2]["voice"])
    page.page.fill("#beat", "0")
    assert playing(page, 0)["src"].endswith(beats[0]["voice"])


def test_the_voice_can_be_turned_off_and_on(visit):
    page = visit("spoken.html")
    page.page.click("#next")
    playing(page, 1)
    page.page.click("#voice")
    assert page.page.get_attribute("#voice", "aria-pressed") == "false"
    assert player(page)["paused"] and "Voice off" in page.page.inner_text("#voice")
    page.page.click("#next")  # the beat changes, its clip waits
    page.page.wait_for_timeout(300)
    assert player(page)["beat"] == "2" and player(page)["paused"]
    page.page.click("#voice")  # on again: the beat shown speaks
    assert playing(page, 2)["src"].endswith(beats_of(page)[2]["voice"])


def test_a_beat_without_a_recording_stays_silent(visit):
    page = visit("recorded.html")
    page.page.click("#next")
    playing(page, 1)
    page.page.click("#next")
    page.page.wait_for_timeout(300)
    assert player(page) == {"beat": "2", "paused": True, "time": 0, "src": None}
