"""``--lang`` and ``[video] language``: stills, the narration script and the subtitles of a render in
Spanish, with the decimal comma; a language without a catalogue is one line of error."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from bpviz.cli import main
from scenes.loading import load_story

from .test_errors import assert_one_line_error

POINT = re.compile(r"\d\.\d")


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def test_frames_in_spanish(tmp_path):
    result = bpviz("frames", "and", "--scene", "update", "--quality", "low", "--lang", "es",
                   "-o", str(tmp_path))
    assert result.exit_code == 0, (result.stderr, result.exception)
    stills = json.loads((tmp_path / "frames.json").read_text(encoding="utf-8"))
    captions = [s["caption"] for s in stills]
    assert [s["beat"] for s in stills][:3] == ["weight_gradient", "bias_gradient", "apply"]
    assert captions[0].startswith("BP4: el gradiente de w¹₁₁") and "tasa de aprendizaje η = 2" in captions[2]
    assert all((tmp_path / s["file"]).is_file() for s in stills)


def test_config_language_and_lang_override(tmp_path):
    cfg = tmp_path / "es.toml"
    cfg.write_text('[network]\nlayers = [2, 1]\n[training]\nlearning_rate = 0.5\n[data]\npreset = "and"\n'
                   '[video]\nlanguage = "es"\n', encoding="utf-8")
    frames = bpviz("frames", str(cfg), "--scene", "update", "--quality", "low", "-o", str(tmp_path / "es"))
    assert frames.exit_code == 0, (frames.stderr, frames.exception)
    stills = json.loads((tmp_path / "es" / "frames.json").read_text(encoding="utf-8"))
    apply = next(s["caption"] for s in stills if s["beat"] == "apply")
    assert apply.endswith("tasa de aprendizaje η = 0,5")  # the decimal comma, from the config alone
    english = bpviz("script", str(cfg), "--scene", "update", "--quality", "low", "--lang", "en")
    assert english.exit_code == 0, (english.stderr, english.exception)
    assert "learning rate η = 0.5" in english.stdout and "tasa" not in english.stdout


def test_script_in_spanish():
    result = bpviz("script", "and", "--scene", "forward", "--quality", "low", "--lang", "es")
    assert result.exit_code == 0, (result.stderr, result.exception)
    text, story = result.stdout, load_story("and", language="es")
    assert text.startswith("# Guion de narración") and "### 2 · Propagación hacia adelante" in text
    assert "pérdida: ½ error cuadrático" in text and "la sigmoide σ" in text
    a = story.record.a[1][0]
    assert f"la red responde {story.fmt(a)}" in text and "," in story.fmt(a)
    equations = [line for line in text.splitlines() if line.startswith("$$")]
    assert equations and all("{,}" in line for line in equations)
    said = [line for line in text.splitlines() if not line.startswith("####")]  # not the time codes
    assert not any(POINT.search(line) for line in said)  # no decimal point: neither words nor LaTeX


def test_render_writes_spanish_subtitles(tmp_path):
    result = bpviz("render", "and", "--scene", "loss", "--quality", "low", "--lang", "es",
                   "-o", str(tmp_path))
    assert result.exit_code == 0, (result.stderr, result.exception)
    srt = (tmp_path / "loss.srt").read_text(encoding="utf-8")
    story = load_story("and", language="es")
    assert "Muestra 1: la red produce" in srt
    assert f"la pérdida de la muestra 1 es {story.fmt(story.record.loss)}." in srt
    assert not POINT.search(srt) and (tmp_path / "loss.mp4").is_file()


@pytest.mark.parametrize("command", ["frames", "script", "render", "slides"])
def test_unknown_lang_is_one_line(tmp_path, command):
    result = bpviz(command, "and", "--lang", "fr", "-o", str(tmp_path / "x")) if command != "script" \
        else bpviz(command, "and", "--lang", "fr")
    assert_one_line_error(result, "--lang", "'fr'", "en, es")
    assert not (tmp_path / "x").exists()


def test_unknown_config_language_is_one_line(tmp_path):
    cfg = tmp_path / "fr.toml"
    cfg.write_text('[network]\nlayers = [2, 1]\n[data]\npreset = "and"\n[video]\nlanguage = "esp"\n',
                   encoding="utf-8")
    result = bpviz("frames", str(cfg), "--quality", "low", "-o", str(tmp_path / "out"))
    assert_one_line_error(result, f"{cfg}:6:", "[video] language", "'esp'", "did you mean 'es'",
                          "en, es")
    assert not (tmp_path / "out").exists()


def test_spanish_presenter_notes():
    from bpviz.outputs.slides import notes
    from bpviz.production.render import timed_beats

    story = load_story("and", language="es")
    beats = timed_beats(story, "backward", "low")
    text = notes(story, beats[0])
    delta = story.fmt(story.record.delta[0][0])
    assert "En pantalla: Capa de salida" in text and "Ecuación con los números de este paso:" in text
    assert f"da δ = {delta} (BP1)" in text and "," in delta
    assert r"\delta^{1}_{1} = " in text and "{,}" in text
    assert "Notación: Nielsen" in text and not POINT.search(text)
