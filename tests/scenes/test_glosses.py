"""Symbols in words: each symbol of an equation glossed the first time a scene shows it, in the story's
notation and language, from the one catalogue the decks' symbol table also reads."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scenes.chapters.glosses import TABLE, new_glosses, symbol_table
from scenes.loading import load_story
from scenes.text import catalogue, tr


@pytest.fixture(scope="module")
def mazur():
    return load_story("mazur")


def test_each_symbol_glossed_once_with_its_indices(mazur):
    scene = SimpleNamespace()
    output = mazur.neuron_eqs(2, 0)["delta"].latex()
    assert new_glosses(scene, mazur, output) == [
        "δ²₁: the error of neuron 1 of layer 2: how much the loss changes when its z changes"]
    hidden = mazur.neuron_eqs(1, 0)["delta"].latex()  # Σ, w^2_m1 (a letter: in general), δ again
    assert new_glosses(scene, mazur, hidden) == [
        tr("gloss.sum"), tr("gloss.weight_general")]
    assert new_glosses(scene, mazur, hidden, output) == []  # glossed once a scene
    fprime, update = mazur.neuron_eqs(1, 0)["fprime"].latex(), mazur.weight_eqs(2, 0, 0)["update_w"].latex()
    assert new_glosses(scene, mazur, fprime, update) == [
        tr("gloss.sigma_prime"), tr("gloss.eta"), tr("gloss.nielsen.partial")]


def test_a_weight_with_numbers_names_its_neurons(mazur):
    found = new_glosses(SimpleNamespace(), mazur, mazur.weight_eqs(2, 0, 1)["grad_w"].latex())
    assert found[0] == tr("gloss.nielsen.partial")  # ∂C/∂w comes first in the equation
    assert found[1] == ("w²₁₂: the weight of the edge from neuron 2 of layer 1 into neuron 1 of layer 2 "
                        "(upper index: the layer it enters; lower: to, then from)")


def test_glosses_follow_notation_and_language():
    story = load_story("mazur", "es", notation="delta_rule")
    found = new_glosses(SimpleNamespace(), story, story.neuron_eqs(2, 0)["delta"].latex())
    assert found == ["δ²₁: el error de la neurona 1 de la capa 2, con el signo de la regla delta: "
                     "cuánto baja la pérdida cuando crece su net"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("notation", ["nielsen", "delta_rule"])
def test_symbol_table_rows_come_from_the_catalogue(language, notation):
    story = load_story("mazur", language, notation=notation)
    title, rows = symbol_table(story)
    words = catalogue(language)
    assert title == words["gloss.table_title"]
    assert len(rows) == len(TABLE)
    assert rows[1] == words[f"gloss.{notation}.delta_general"]
    assert all(row in words.values() for row in rows)
