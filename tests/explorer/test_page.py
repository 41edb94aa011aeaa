"""The explorer page (``bpviz explore``) in a real browser: Debian's chromium, headless, via Playwright.

Playwright drives the system Chromium (``executable_path``: no browser is downloaded). Two
pages are written once for the module, at low quality and with one chapter each (the beats
of ``loss``), so the suite stays quick: mazur in English, and a trained ``xor`` network in
Spanish with the light theme. Every page is opened from a ``file://`` URL; every console
message, page error and request is recorded, and none but the page itself may appear.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

import bpviz
from bpviz.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TRAINED = {"training.epochs": 30}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explorer")
    result = CliRunner().invoke(main, ["explore", "mazur", "--scene", "loss", "--quality", "low",
                                       "-o", str(folder / "mazur.html")])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {folder / 'mazur.html'}\n"
    trained = bpviz.config("xor", **TRAINED)
    bpviz.explore(trained, scene="loss", lang="es", theme="light", output=folder / "xor-es.html")
    return folder


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Visit:
    """A page opened from disk, with everything it logged or asked for."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1100, "height": 1400})
        self.page.set_default_timeout(10_000)
        self.url = path.resolve().as_uri()
        self.console, self.requests = [], []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url)
        self.page.wait_for_selector("#still svg")

    def details(self) -> str:
        return self.page.inner_text("#details")

    def check_quiet(self):
        assert self.console == []
        assert self.requests == [self.url]  # nothing fetched: no CDN, no server, no other file


@pytest.fixture()
def mazur(browser, pages):
    visit = Visit(browser, pages / "mazur.html")
    yield visit
    visit.check_quiet()
    visit.page.close()


@pytest.fixture()
def spanish(browser, pages):
    visit = Visit(browser, pages / "xor-es.html")
    yield visit
    visit.check_quiet()
    visit.page.close()


def beats_of(visit) -> list[dict]:
    return json.loads(visit.page.inner_text("#bpviz-data"))["beats"]


def shown_beat(visit) -> int:
    visit.page.wait_for_function("document.getElementById('still').dataset.beat == "
                                 "document.getElementById('beat').value")
    return int(visit.page.get_attribute("#still", "data-beat"))


def test_slider_buttons_and_keys_move_through_the_beats(mazur):
    page, beats = mazur.page, beats_of(mazur)
    assert [b["chapter"] for b in beats] == ["loss"] * len(beats) and len(beats) >= 3
    assert page.inner_text("#caption") == beats[0]["caption"] and shown_beat(mazur) == 0
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#caption") == beats[1]["caption"] and shown_beat(mazur) == 1
    assert page.inner_text("#say") == beats[1]["say"] != ""
    page.click("#next")
    assert page.input_value("#beat") == "2" and page.inner_text("#caption") == beats[2]["caption"]
    page.keyboard.press("ArrowRight")  # the last beat stays the last
    assert shown_beat(mazur) == len(beats) - 1
    page.fill("#beat", "0")
    assert page.inner_text("#caption") == beats[0]["caption"] and shown_beat(mazur) == 0
    page.keyboard.press("ArrowLeft")
    assert shown_beat(mazur) == 0
    page.click("#prev")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#beat-count").startswith(f"beat 2 of {len(beats)}")
    assert page.locator("#still svg path").count() > 50  # a vector still, drawn
    assert page.locator("#voice, audio").count() == 0 and "voice" not in beats[0]  # no --voice: silent


def test_clicking_neuron_2_1_shows_its_numbers_from_the_trace(mazur):
    rec = bpviz.trace("mazur").steps[0].per_sample[0]
    story = bpviz.api._story("mazur", [], None, None)[0]
    mazur.page.click('[data-key="neuron-1-1"]')
    assert "Neuron 1 of layer 1" in mazur.details()
    mazur.page.click('[data-key="neuron-2-1"]')
    text = mazur.details()
    assert "Neuron 1 of layer 2" in text
    assert f"a\t{story.fmt(rec.a[2][0])}" in text and f"δ\t{story.fmt(rec.delta[-1][0])}" in text
    assert "a\t0.7514" in text and "δ\t0.1385" in text   # Mazur's published out_o1 and delta_o1
    maths = mazur.page.locator("#equations math")
    assert maths.count() >= 6
    assert "0.1385" in maths.nth(5).text_content()  # BP1 with its numbers ends on the trace's delta
    from scenes.themes import THEMES

    delta = maths.nth(4).locator("msubsup").first  # BP1's left-hand side, in the films' delta colour
    assert delta.text_content().startswith("δ")
    assert THEMES["dark"].delta.lower() in delta.get_attribute("style").lower()


def test_every_weight_can_be_clicked(mazur):
    step = bpviz.trace("mazur").steps[0]
    story = bpviz.api._story("mazur", [], None, None)[0]
    edges = mazur.page.locator(".edge")
    assert edges.count() == 8
    mazur.page.click('[data-key="weight-2-2-1"]')  # w^2_21: into output 2 from hidden 1
    text = mazur.details()
    assert f"w before the update\t{story.fmt(step.before.weights[1][1, 0])}" in text
    assert f"w after the update\t{story.fmt(step.after.weights[1][1, 0])}" in text
    assert f"∂C/∂w (this update)\t{story.fmt(step.grad_weights[1][1, 0])}" in text
    assert mazur.page.locator("#equations math").count() >= 4


def test_the_spanish_page_writes_decimal_commas(spanish):
    trace = bpviz.trace(bpviz.config("xor", **TRAINED))
    rec = trace.steps[0].per_sample[0]
    spanish.page.click('[data-key="neuron-2-1"]')
    text = spanish.details()
    assert "Neurona 1 de la capa 2" in text
    a = bpviz.api._story(bpviz.config("xor", **TRAINED), [], None, "es")[0].fmt(rec.a[2][0])
    assert "," in a and f"a\t{a}" in text
    values = spanish.page.locator("#numbers td.value").all_inner_texts()
    assert values and all("." not in v for v in values)
    numbers = spanish.page.locator("#equations mn").all_text_contents()
    assert any("," in n for n in numbers) and not any("." in n for n in numbers)
    assert spanish.page.get_attribute("html", "lang") == "es"
    assert spanish.page.inner_text("#next").strip().startswith("Siguiente")


def test_the_epoch_slider_shows_each_epochs_loss_and_weights(spanish):
    trace = bpviz.trace(bpviz.config("xor", **TRAINED))
    story = bpviz.api._story(trace, [], None, "es")[0]
    page = spanish.page
    last = len(trace.epochs) - 1
    assert page.get_attribute("#epoch", "max") == str(last)
    wire = '[data-key="weight-1-1-1"] .wire'
    page.click('[data-key="weight-1-1-1"]')
    page.fill("#epoch", "0")
    loss = story.fmt(trace.epochs[0].loss)
    assert page.inner_text("#epoch-label") == f"época 0 de {last}: pérdida media {loss}"
    first = page.get_attribute(wire, "stroke-width")
    assert f"peso tras la época 0\t{story.fmt(trace.epochs[0].params.weights[0][0, 0])}" in spanish.details()
    page.fill("#epoch", str(last))
    assert page.inner_text("#epoch-label").endswith(story.fmt(trace.epochs[-1].loss))
    assert page.get_attribute(wire, "stroke-width") != first   # the weight grew or shrank
    assert f"peso tras la época {last}\t{story.fmt(trace.epochs[-1].params.weights[0][0, 0])}" in \
        spanish.details()


def test_screenshots(mazur, spanish, pages):
    for visit, name in ((mazur, "mazur"), (spanish, "xor-es")):
        visit.page.click('[data-key="neuron-2-1"]')
        shot = pages / f"{name}.png"
        visit.page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_a_bad_config_writes_no_page(tmp_path):
    result = CliRunner().invoke(main, ["explore", "mazurr", "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 2 and result.stderr.startswith("error: unknown preset 'mazurr'")
    assert not (tmp_path / "p.html").exists()


def test_a_dense_network_is_refused_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["explore", "mnist_like", "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: bpviz explore: a 784-16-16-10 network draws in dense mode")
    assert result.stderr.count("\n") == 1 and not (tmp_path / "p.html").exists()
