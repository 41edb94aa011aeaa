"""``bpviz slides``: one slide per beat in html, pptx and pdf, with presenter notes; headless.

The decks are of the ``and`` preset (2-1) at low quality: html through the command line
(``forward``, 3 beats), pptx and pdf from one render of ``backward`` (2 beats) converted twice.
A missing manim-slides is simulated by making its import fail. The render cache of the chapter
jobs is a folder of this module's own (``bpviz.production.jobs.renders_dir`` is patched).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pptx
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from bpviz.cli import main
from bpviz.outputs.slides import convert, handout
from bpviz.production import jobs
from bpviz.production.decks import presentation
from scenes.loading import load_story

from .test_errors import assert_one_line_error
from .test_jobs import frames_of


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


def pdf_pages(path) -> int:
    """Pages of a PDF: its page objects (``/Type /Page``, not ``/Pages``)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    """A render cache of this module's own, empty at first."""
    folder = tmp_path_factory.mktemp("cache") / "renders"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "renders_dir", lambda: folder)
        yield folder


@pytest.fixture(scope="module")
def html_deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "deck.html"
    (out.parent / "deck_assets").mkdir()
    (out.parent / "deck_assets" / "01_forward_inputs.mp4").write_bytes(b"an older deck's clip")
    result = bpviz("slides", "and", "--scene", "forward", "--quality", "low", "-o", str(out))
    assert result.exit_code == 0, (result.stderr, result.exception)
    return out, result


@pytest.fixture(scope="module")
def backward(tmp_path_factory):
    """The story, the beats and the pptx and pdf decks of ``backward``, from one render."""
    tmp = tmp_path_factory.mktemp("decks")
    story = load_story("and")
    config, beats = presentation(story, "backward", tmp / "work", "low")
    decks = {"pptx": convert([config], tmp / "deck.pptx", "pptx", "t"),
             "pdf": convert([handout(story, config, beats, tmp / "pages")], tmp / "deck.pdf", "pdf", "t")}
    return story, beats, decks


def test_html_has_one_slide_per_beat_with_notes(html_deck):
    out, result = html_deck
    assert result.stdout.splitlines() == [f"wrote {out}"]  # no progress bars
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    slides = soup.select("div.slides > section")
    assert len(slides) == 4  # forward of and: inputs, layer, output; then the symbols in words
    table = slides.pop()
    assert "The symbols of these slides, in words" in table.select_one("aside.notes").get_text()
    assert "δˡⱼ = ∂C/∂zˡⱼ: the error of neuron j of layer l" in table.select_one("aside.notes").get_text()
    assert (out.parent / table["data-background-video"]).stat().st_size > 1000
    for n, (slide, key) in enumerate(zip(slides, ["inputs", "layer", "output"]), 1):
        video = out.parent / slide["data-background-video"]
        assert video.name == f"{n:02d}_forward_{key}.mp4" and video.stat().st_size > 1000  # not the old one
        note = slide.select_one("aside.notes").get_text()
        assert "On screen:" in note and "Notation: Nielsen" in note
    assert "`z^{1}_{1} = " in slides[1].select_one("aside.notes").get_text()  # the equation with numbers
    assert not list(out.parent.glob("deck_assets/*rev*"))  # no reversed clips
    qt = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "PyQt6", "PyQt5", "qtpy")]
    assert not qt  # headless: manim-slides converters without its Qt presenter


def test_pptx_has_one_clip_and_notes_per_beat(backward):
    story, beats, decks = backward
    deck = pptx.Presentation(str(decks["pptx"]))
    assert len(deck.slides) == len(beats) == 2  # and has one layer: output_delta, done_single
    for slide, beat in zip(deck.slides, beats):
        assert [shape.shape_type for shape in slide.shapes] == [pptx.enum.shapes.MSO_SHAPE_TYPE.MEDIA]
        text = slide.notes_slide.notes_text_frame.text
        assert beat.say in text and beat.caption in text
    first = deck.slides[0].notes_slide.notes_text_frame.text
    assert story.fmt(story.record.delta[0][0]) in first  # δ of the output neuron, with its equation
    assert r"\delta^{1}_{1} = " in first


def test_pdf_handout_has_one_page_per_beat(backward):
    _, beats, decks = backward
    assert pdf_pages(decks["pdf"]) == len(beats) == 2
    sizes = re.findall(rb"/Width (\d+)\s*/Height (\d+)", decks["pdf"].read_bytes())
    assert len(sizes) == 2  # one image per page: the frame (854 x 480) with the narration below it
    assert all(int(w) == 854 and int(h) > 480 + 60 for w, h in sizes), sizes


def test_slides_without_manim_slides_say_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "manim_slides", None)
    for module in ("bpviz.production.decks", "bpviz.outputs.slides"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    result = bpviz("slides", "and", "--scene", "forward", "-o", str(tmp_path / "deck.pdf"))
    assert_one_line_error(result, "manim-slides", "pip install 'bpviz[slides]'")
    assert list(tmp_path.iterdir()) == []


def test_unknown_deck_format(tmp_path):
    result = bpviz("slides", "and", "--to", "pptz", "-o", str(tmp_path / "deck.pptx"))
    assert_one_line_error(result, "--to", "'pptx'")


def two_chapter_deck(folder, *more: str):
    """The html deck of ``forward`` and ``backward`` written into ``folder``, and its files' bytes."""
    out = folder / "deck.html"
    folder.mkdir()
    result = bpviz("slides", "and", "--scene", "forward", "--scene", "backward", "--quality", "low",
                   "-o", str(out), *more)
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert result.stdout.splitlines() == [f"wrote {out}"]
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(cache) -> dict[str, int]:
    """The finished chapter renders in the cache: fingerprint -> when their beats were written."""
    return {p.parent.name: p.stat().st_mtime_ns for p in cache.glob(f"*/{jobs.DONE}")}


def test_second_deck_renders_nothing_and_jobs_make_the_same_deck(tmp_path, monkeypatch):
    cache = tmp_path / "renders"
    monkeypatch.setattr(jobs, "renders_dir", lambda: cache)
    first = two_chapter_deck(tmp_path / "first")
    made = entries(cache)
    assert len(made) == 2  # one job per chapter
    assert len([name for name in first if name.startswith("deck_assets/")]) == 3 + 2 + 1  # + the symbols

    def no_render(*args, **kwargs):
        raise AssertionError("a cached chapter was rendered again")

    with monkeypatch.context() as patch:
        patch.setattr(jobs, "run_job", no_render)
        assert two_chapter_deck(tmp_path / "again") == first  # the same deck, nothing rendered
    assert entries(cache) == made

    parallel = two_chapter_deck(tmp_path / "parallel", "--jobs", "2", "--no-cache")
    again = entries(cache)
    assert again.keys() == made.keys() and all(again[k] > made[k] for k in made)  # rendered anew
    assert parallel.keys() == first.keys()
    for name, data in first.items():  # the same page; the same pictures in every clip
        if not name.endswith(".mp4"):  # parallel jobs encode on one thread: other bytes
            assert parallel[name] == data, name
            continue
        a, b = (frames_of(folder / name) for folder in (tmp_path / "first", tmp_path / "parallel"))
        assert len(a) == len(b) > 0, name
        assert max(float(np.abs(x.astype(int) - y.astype(int)).mean()) for x, y in zip(a, b)) < 1.0, name


@pytest.mark.parametrize("jobs_value", ["0", "-1"])
def test_slides_jobs_below_one_is_a_one_line_error(jobs_value, tmp_path):
    result = bpviz("slides", "and", "--jobs", jobs_value, "-o", str(tmp_path / "deck.html"))
    assert_one_line_error(result, "--jobs", jobs_value)
    assert list(tmp_path.iterdir()) == []


def test_pdf_handout_ends_with_the_symbol_table(backward, tmp_path):
    _, beats, _ = backward
    out = tmp_path / "deck.pdf"
    result = bpviz("slides", "and", "--scene", "backward", "--quality", "low", "-o", str(out))
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert pdf_pages(out) == len(beats) + 1  # a page per beat, then the symbols in words
