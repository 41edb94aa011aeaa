"""Long samples and many classes in the panel: a part of a long vector, one informative scaling
formula, a softmax over ten classes elided under its bar."""

from __future__ import annotations

import pytest

from scenes.chapters.c2_forward import PART_OF_VECTOR, WHOLE_VECTOR
from scenes.chapters.pieces import vector_tex
from scenes.chapters.wrapping import elide_terms
from scenes.layout import frame_layout
from tests.parts import private_latex

from .runner import story


@pytest.fixture(scope="module", autouse=True)
def latex_cache(request):
    with private_latex(request, "long_samples"):
        yield


def test_a_softmax_over_ten_classes_elides_the_sum_under_its_bar():
    digits = story("sklearn-digits")
    latex = digits.neuron_eqs(2, 0)["a"].latex_numbers(decimals=4)
    short, shown, total = elide_terms(latex, 2, 1)
    assert (shown, total) == (3, 10)
    head, tail = latex.split(r"}{", 1)[0], latex.rsplit("} = ", 1)[1]
    assert short.startswith(head + "}{") and short.endswith("} = " + tail)  # numerator and value kept
    assert short.count("e^{") == 1 + 3 and r"\cdots" in short
    assert elide_terms("a = b + c", 2, 1) == ("a = b + c", 2, 2)  # nothing to elide


def test_the_scaling_formula_is_of_an_input_the_sample_holds():
    digits, iris = story("sklearn-digits"), story("iris")
    k = digits.scaled_input
    assert digits.raw_sample[k] != 0 and all(v == 0 for v in digits.raw_sample[:k])
    assert digits.scaling_eq(k).value == digits.record.x[k]
    assert iris.scaled_input == 0


def test_a_long_sample_is_written_in_part():
    wine = story("wine")
    part = type("Part", (), {"story": wine, "theme": wine.theme, "regions": frame_layout()})()
    assert wine.layers[0] > WHOLE_VECTOR
    tex = vector_tex(part, "x", wine.record.x, "activation", limit=PART_OF_VECTOR)
    assert tex.values == [float(v) for v in wine.record.x[:PART_OF_VECTOR]]
    assert r", \ldots}" in tex.tex_string  # the last number shown, then the ellipsis
    whole = vector_tex(part, "x", wine.record.x[:3], "activation", limit=PART_OF_VECTOR)
    assert len(whole.values) == 3 and r"\ldots" not in whole.tex_string
