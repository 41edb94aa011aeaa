"""Symbols in words: each symbol of an equation glossed the first time a scene shows it, in the story's
notation and language, from the one catalogue the decks' symbol table also reads."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scenes.chapters.glosses import SIGMOID, TABLE, new_glosses, symbol_table
from scenes.chapters.registry import FULL, chapter, film_chapters, glossed_before
from scenes.loading import load_story
from scenes.text import catalogue, tr

from .runner import finished, story


@pytest.fixture(scope="module")
def mazur():
    return load_story("mazur")


def test_each_symbol_glossed_once_with_its_indices(mazur):
    scene = SimpleNamespace()
    output = mazur.neuron_eqs(2, 0)["delta"].latex()
    assert new_glosses(scene, mazur, output) == [
        "δ²₁: the error of neuron 1 of layer 2: how much the loss changes when its z changes",
        tr("gloss.nielsen.activation")]
    hidden = mazur.neuron_eqs(1, 0)["delta"].latex()  # Σ, w^2_m1 (a letter: in general), δ again
    assert new_glosses(scene, mazur, hidden) == [
        tr("gloss.sum"), tr("gloss.weight_general")]
    assert new_glosses(scene, mazur, hidden, output) == []  # glossed once a scene
    fprime, update = mazur.neuron_eqs(1, 0)["fprime"].latex(), mazur.weight_eqs(2, 0, 0)["update_w"].latex()
    assert new_glosses(scene, mazur, fprime, update) == [
        tr("gloss.sigma_prime"), tr("gloss.nielsen.preactivation"), tr("gloss.eta"),
        tr("gloss.nielsen.partial")]


def test_a_weight_with_numbers_names_its_neurons(mazur):
    found = new_glosses(SimpleNamespace(), mazur, mazur.weight_eqs(2, 0, 1)["grad_w"].latex())
    assert found[0] == tr("gloss.nielsen.partial")  # ∂C/∂w comes first in the equation
    assert found[1] == ("w²₁₂: the weight of the edge from neuron 2 of layer 1 into neuron 1 of layer 2 "
                        "(upper index: the layer it enters; lower: to, then from)")


def test_glosses_follow_notation_and_language():
    story = load_story("mazur", "es", notation="delta_rule")
    found = new_glosses(SimpleNamespace(), story, story.neuron_eqs(2, 0)["delta"].latex())
    assert found == ["δ²₁: el error de la neurona 1 de la capa 2, con el signo de la regla delta: "
                     "cuánto baja la pérdida cuando crece su net",
                     "o: la salida de una neurona, el número que pasa adelante (x: las entradas)"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("notation", ["nielsen", "delta_rule"])
def test_symbol_table_rows_come_from_the_catalogue(language, notation):
    story = load_story("mazur", language, notation=notation)
    title, rows = symbol_table(story)
    words = catalogue(language)
    assert title == words["gloss.table_title"]
    assert len(rows) == len(TABLE)
    assert rows[TABLE.index("delta_general")] == words[f"gloss.{notation}.delta_general"]
    assert rows[0] == words[f"gloss.{notation}.preactivation"]  # z (net) first, as the film shows it
    assert all(row in words.values() for row in rows)


def test_each_new_kind_is_recognised_in_both_notations():
    for notation, (z, a) in (("nielsen", ("z", "a")), ("delta_rule", ("net", "o"))):
        story = load_story("mazur", notation=notation)
        found = new_glosses(SimpleNamespace(), story, story.neuron_eqs(1, 0)["z"].latex(), SIGMOID)
        assert found[0] == tr(f"gloss.{notation}.preactivation") and found[0].startswith(f"{z}: ")
        activation = tr(f"gloss.{notation}.activation")
        assert activation in found and activation.startswith(f"{a}: ")
        assert found[-1] == tr("gloss.sigma")  # what the beat adds for a sigmoid layer comes last
    scaled = r"x_{k} = \frac{x^{\mathrm{raw}}_{k} - \mu_{k}}{\sigma_{k}}"  # σ_k: a standard deviation
    assert tr("gloss.sigma") not in new_glosses(SimpleNamespace(), load_story("mazur"), scaled)


def _film_story(activations, focus_layer=1, epochs=1):
    trace = SimpleNamespace(config={"training": {"epochs": epochs}}, activations=activations)
    return SimpleNamespace(trace=trace, focus_neuron=(focus_layer, 0))


def test_what_a_film_has_glossed_before_each_chapter_comes_from_the_registry():
    story = _film_story(("sigmoid", "sigmoid"))
    assert glossed_before("neuron", story) == ()
    assert set(glossed_before("forward", story)) == set(chapter("neuron").glosses)
    before_update = glossed_before("update", story)
    assert {"delta", "sigma_prime", "partial", "sigma"} <= set(before_update)
    assert "eta" not in before_update
    assert glossed_before("training", story) == ()  # one epoch: not in the film
    assert "eta" in glossed_before("training", _film_story(("sigmoid", "sigmoid"), epochs=2))
    # a tanh neuron in focus shows no σ′: the backward chapter glosses it at the sigmoid output
    mixed = _film_story(("tanh", "sigmoid"))
    assert "sigma_prime" not in glossed_before("backward", mixed)
    assert "sigma" in glossed_before("backward", mixed)  # the forward chapter shows the output's σ
    assert not {"sigma", "sigma_prime"} & set(glossed_before("update", _film_story(("tanh", "tanh"))))


def test_a_film_chapter_job_carries_what_was_glossed_before_it_in_its_fingerprint(mazur):
    from bpviz.production.jobs import JobSpec, film_options

    assert film_options(mazur, "backward", "backward") == {}  # rendered alone: glosses its own
    assert film_options(mazur, FULL, "neuron") == {}
    options = film_options(mazur, FULL, "backward")
    assert options == {"glossed": list(glossed_before("backward", mazur))}
    alone, in_film = (JobSpec.of(mazur, "backward", quality="low", **o) for o in ({}, options))
    assert alone.fingerprint() != in_film.fingerprint()


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), [("mazur", FULL)])
def test_the_full_film_glosses_each_symbol_once(chapter_runs, variant, chapter):
    beats = finished(chapter_runs.get(variant, chapter, "stills")).beats
    the_story = story(variant)
    shown_in: dict[str, set] = {}
    for beat in beats:
        for text in beat.glosses:
            shown_in.setdefault(text, set()).add(beat.chapter)
    assert all(len(chapters) == 1 for chapters in shown_in.values()), shown_in
    film = film_chapters(the_story)
    assert {c for chapters in shown_in.values() for c in chapters} == {"neuron", "backward", "update"}
    for name, after in zip(film, film[1:]):
        last = [beat for beat in beats if beat.chapter == name][-1]
        # what the registry says is glossed before the next chapter was glossed on screen
        assert set(glossed_before(after, the_story)) <= last.glossed, (name, after)


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), [("mazur-es", "forward"), ("mazur-delta_rule", "neuron"),
                                                  ("mazur", "backward")])
def test_a_chapter_alone_glosses_its_own_first_uses(chapter_runs, variant, chapter):
    beats = finished(chapter_runs.get(variant, chapter, "stills")).beats
    the_story = story(variant)
    shown = [text for beat in beats for text in beat.glosses]
    words = catalogue(the_story.language)
    notation = the_story.notation
    # the panel has room for one or two glosses a beat: mazur's forward pass glosses z, a and Σ
    wanted = {"forward": ("gloss.sum", f"gloss.{notation}.activation", f"gloss.{notation}.preactivation"),
              "neuron": ("gloss.sum", "gloss.sigma", "gloss.sigma_prime", f"gloss.{notation}.activation"),
              "backward": ("gloss.sum", "gloss.sigma_prime", "gloss.weight_general",
                           f"gloss.{notation}.partial")}[chapter]
    for key in wanted:
        assert words[key] in shown, key
