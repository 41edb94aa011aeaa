"""The [video] table: checked by the film, with errors that name key, file and line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from backprop_core import io
from backprop_core.config import from_dict, parse
from backprop_core.errors import ConfigError, TraceFormatError
from backprop_core.train import train
from scenes.text import languages
from scenes.video_config import VIDEO_SCHEMA, resolve, resolve_trace

AND = {"network": {"layers": [2, 1]}, "data": {"preset": "and"}}


def test_defaults_are_filled_in():
    assert resolve(from_dict(AND)).video == VIDEO_SCHEMA
    cfg = resolve(from_dict({**AND, "video": {"scenes": "loss", "focus": [1, 1]}}))
    assert cfg.video["scenes"] == ["loss"] and cfg.video["focus"] == [1, 1] and cfg.video["decimals"] == 4


def test_a_network_in_dense_mode_plays_the_chapters_of_dense_mode_by_default():
    """64 inputs (8 x 8, scikit-learn's digits) draw as an image: the default film has its chapters."""
    digits = {"network": {"layers": [64, 3]},
              "data": {"inputs": [[0.5] * 64], "targets": [[1, 0, 0]]}}
    assert resolve(from_dict(digits)).video["scenes"] == ["forward", "backward"]
    asked = resolve(from_dict({**digits, "video": {"scenes": ["backward"]}}))
    assert asked.video["scenes"] == ["backward"]


def test_languages_are_the_catalogue_files_listed_without_manim():
    code = ("import sys; import scenes.video_config; from scenes.text import languages; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('manim', 'bpviz')]; "
            "print(languages(), bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("('en', 'es') []")
    assert languages() == ("en", "es")
    assert resolve(from_dict({**AND, "video": {"language": "es"}})).video["language"] == "es"
    with pytest.raises(ConfigError, match=r"\[video\] language: unknown value 'de'; choose one of en, es"):
        resolve(from_dict({**AND, "video": {"language": "de"}}))


def test_errors_name_the_line_of_the_key():
    text = ("[network]\nlayers = [2, 1]\n\n[data]\npreset = \"and\"\n\n"
            "[video]\ntheme = \"dark\"\nfocus = [3, 1]\n")
    with pytest.raises(ConfigError) as info:
        resolve(parse(text, "my.toml"))
    assert info.value.line == 9 and str(info.value).startswith("my.toml:9: [video] focus: layer 3")
    with pytest.raises(ConfigError) as info:
        resolve(parse(text.replace("theme", "them"), "my.toml"))
    assert info.value.line == 8 and "[video] them: unknown key (did you mean 'theme'?)" in str(info.value)


def test_a_trace_files_video_table_is_checked_too(tmp_path):
    trace = train(resolve(from_dict(AND)))
    data = __import__("json").loads(io.dumps(trace))
    data["config"]["video"]["pacing"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(__import__("json").dumps(data))
    loaded = io.load(str(bad))  # the engine does not read [video]
    with pytest.raises(TraceFormatError, match=r"bad.json \(config\): \[video\] pacing"):
        resolve_trace(loaded, str(bad))
    assert resolve_trace(trace).config["video"] == trace.config["video"]
