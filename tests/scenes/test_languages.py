"""Languages: every catalogue has every key of every other, with the same placeholders, and the
numbers of a story are written with its language's decimal separator everywhere they appear."""

from __future__ import annotations

import string

import pytest

from scenes.loading import load_story
from scenes.text import catalogue, languages

OTHERS = [lang for lang in languages() if lang != "en"]


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a catalogue text."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def catalogue_problems(reference: dict, other: dict, name: str) -> list[str]:
    """Keys missing on either side and keys whose placeholders differ."""
    problems = [f"{name}.toml lacks {key!r}" for key in reference if key not in other]
    problems += [f"{name}.toml has {key!r}, which en.toml does not" for key in other if key not in reference]
    problems += [f"{name}.toml {key!r}: placeholders {sorted(placeholders(other[key]))}, "
                 f"en.toml has {sorted(placeholders(reference[key]))}"
                 for key in reference
                 if key in other and placeholders(other[key]) != placeholders(reference[key])]
    return problems


def test_there_is_a_second_language():
    assert "es" in languages()


@pytest.mark.parametrize("language", OTHERS)
def test_catalogue_complete(language):
    problems = catalogue_problems(catalogue("en"), catalogue(language), language)
    assert not problems, "\n".join(problems)


def test_catalogue_check_finds_a_missing_key_and_a_wrong_placeholder():
    en = catalogue("en")
    other = {**catalogue("es"), "forward.layer": "Capa {capa}"}
    del other["backward.title"]
    found = "\n".join(catalogue_problems(en, {**other, "extra.key": "x"}, "xx"))
    assert "xx.toml lacks 'backward.title'" in found
    assert "'forward.layer': placeholders ['capa']" in found
    assert "has 'extra.key'" in found


@pytest.mark.parametrize("language", ["en", *OTHERS])
def test_every_text_fills_in(language):
    """``str.format`` accepts every text of the catalogue (no stray brace)."""
    for template in catalogue(language).values():
        template.format(**{name: "x" for name in placeholders(template)})


def test_spanish_numbers_and_lists():
    en, es = load_story("mazur"), load_story("mazur", language="es")
    assert es.language == "es" and en.language == "en"
    a = es.record.a[1][0]
    assert en.fmt(a) == "0.5933" and es.fmt(a) == "0,5933"
    assert es.fmt_tex(a) == "0{,}5933" and es.fmt_tex(1.234e-7) == r"1{,}234 \times 10^{-7}"
    assert es.fmt(1.234e-7) == "1,234e-7"
    eq = es.neuron_eqs(1, 0)["z"]
    assert es.tex(eq.latex_numbers()) == eq.latex_numbers().replace(".", "{,}")
    assert es.tex(eq.latex()) == eq.latex() and en.tex(eq.latex_numbers()) == eq.latex_numbers()
    assert es.join(["0,01", "0,5", "0,99"]) == "0,01; 0,5 y 0,99"
    assert en.join(["0.01", "0.5", "0.99"]) == "0.01, 0.5, 0.99"
    assert es.tr("forward.title") == "2 · Propagación hacia adelante"
