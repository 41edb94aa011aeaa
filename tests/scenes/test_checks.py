"""The checks the chapter tests rely on find what they should (a check that never fails proves nothing)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from manim import LEFT, RIGHT, UP

from scenes.chapters import pieces
from tests.parts import equation_block, mazur_part, private_latex

from .layout_check import MIN_DIGIT_HEIGHT, MIN_LABEL_DIGIT_HEIGHT, frame_problems, illegible_equations
from .numbers_check import TraceNumbers, number_problems


@pytest.fixture(scope="module", autouse=True)
def latex_cache(request):
    with private_latex(request, "checks"):
        yield


@pytest.fixture(scope="module", params=["nielsen", "delta_rule"])
def part(request):
    return mazur_part(notation=request.param)


def frame(*mobjects):
    return SimpleNamespace(mobjects=list(mobjects), foreground_mobjects=[])


def label(part, value, quantity="activation", key=(1, 0), prefix=""):
    return pieces.value_label(part, value, quantity, key, prefix=prefix)


def test_layout_finds_overlap_and_outside(part):
    a = part.story.record.a[1][0]
    first, second = label(part, a), label(part, a).shift(0.1 * RIGHT)
    assert any("overlap" in p for p in frame_problems(frame(first, second)))
    assert frame_problems(frame(first, second.shift(2 * RIGHT))) == []
    assert any("outside the frame" in p for p in frame_problems(frame(first.shift(7.5 * RIGHT))))


def test_layout_finds_shapes_outside(part):
    diagram = pieces.make_diagram(part)
    assert frame_problems(frame(diagram)) == []
    diagram.neurons[(2, 1)].shift(9 * RIGHT)
    found = frame_problems(frame(diagram))
    assert len(found) == 1 and "1 shape(s) of NetworkDiagram" in found[0]


def test_layout_ignores_invisible_text(part):
    a = part.story.record.a[1][0]
    hidden = label(part, a).set_opacity(0)
    assert frame_problems(frame(label(part, a), hidden)) == []


def test_layout_finds_values_off_their_slots(part):
    diagram = pieces.make_diagram(part)
    a = part.story.record.a[1]
    labels = pieces.column_labels(part, diagram, 1, a, "activation", [0, 1], RIGHT)
    assert frame_problems(frame(diagram, *labels.values())) == []
    up = diagram.neurons[(1, 0)].get_y() - diagram.neurons[(1, 1)].get_y()
    labels[(1, 1)].shift(0.9 * up * UP)  # drifted to the neighbour's level
    found = "\n".join(frame_problems(frame(diagram, *labels.values())))
    assert "not beside its neuron" in found and "of (1, 1) is nearest to (1, 0)" in found
    labels[(1, 1)].shift(0.9 * up * UP * -1)
    labels[(1, 1)].move_to(diagram.neurons[(1, 1)])
    assert "covers the neuron (1, 1)" in "\n".join(frame_problems(frame(diagram, *labels.values())))
    left = pieces.column_labels(part, diagram, 1, a, "activation", [0, 1], LEFT)
    found = "\n".join(frame_problems(frame(diagram, labels[(1, 0)], left[(1, 1)])))
    assert "several sides" in found and "not lined up" in found
    short = pieces.column_labels(part, diagram, 1, a, "activation", [0, 1], RIGHT)
    short[(1, 1)].text = "0.59"  # another number of decimals than its column's
    assert "decimals" in "\n".join(frame_problems(frame(diagram, *short.values())))


def test_layout_finds_shares_crossed_or_too_small(part):
    diagram = pieces.make_diagram(part)
    first, second = (pieces.value_label(part, eq.value, "delta", eq.at, small=True)
                     for eq in part.story.share_eqs(1, 0)["shares"])
    diagram.label_edge(first.key, first, 0.75)
    diagram.label_edge(second.key, second, 0.75)
    assert frame_problems(frame(diagram, first, second)) == []
    first.move_to(diagram.edges[second.key].point_from_proportion(0.5))  # read as the other edge's
    found = "\n".join(frame_problems(frame(diagram, first, second)))
    assert f"of edge {first.key} has edge {second.key}" in found
    first.shift(0.5 * UP)  # above its edge, not beside it
    assert f"of edge {first.key} stands" in "\n".join(frame_problems(frame(diagram, first, second)))
    diagram.label_edge(first.key, first, 0.75)
    first.scale(0.8)
    found = "\n".join(frame_problems(frame(diagram, first, second)))
    assert "share too small" in found and str(MIN_LABEL_DIGIT_HEIGHT) in found


def test_legibility_finds_shrunk_equation(part):
    eq = part.story.neuron_eqs(1, 0)["z"]
    block = equation_block(part, eq, "forward.z_heading", "z", layer=1, neuron=1)
    assert illegible_equations(frame(block)) == []
    block.scale(0.5, about_edge=[-1, 1, 0])
    found = illegible_equations(frame(block))
    assert found and all("too small" in p for p in found)
    assert str(MIN_DIGIT_HEIGHT) in found[0]


def test_numbers_accept_trace_values(part):
    story, numbers = part.story, TraceNumbers(part.story)
    rec = story.record
    delta = -rec.delta[1][0] if story.notation == "delta_rule" else rec.delta[1][0]
    shown = [label(part, rec.a[1][0]), label(part, rec.x[1], key=(0, 1), prefix="x2 = "),
             label(part, story.step.before.weights[1][0, 1], "weight", (2, 0, 1)),
             label(part, delta, "delta", (2, 0)),
             equation_block(part, story.neuron_eqs(2, 0)["delta"], "forward.z_heading", "delta",
                                   layer=2, neuron=1),
             pieces.vector_tex(part, "a^{1}", rec.a[1], "activation")]
    problems, checked = number_problems(frame(*shown), numbers)
    assert problems == []
    assert checked == len(shown)


def test_numbers_match_an_equation_broken_into_lines(part):
    eq = part.story.neuron_eqs(1, 0)["delta"]
    block = equation_block(part, eq, "forward.z_heading", "delta", layer=1, neuron=1)
    broken = block.numbers_tex.replace(" = ", r" &= ", 1).replace(r" \cdot ", r" \\ & \quad \cdot ", 1)
    block.numbers_tex = broken
    assert "&=" in block.numbers_tex and r"\quad" in block.numbers_tex
    assert number_problems(frame(block), TraceNumbers(part.story))[0] == []


def test_numbers_reject_what_the_trace_does_not_hold(part):
    story, numbers = part.story, TraceNumbers(part.story)
    rec = story.record
    delta = rec.delta[1][0] if story.notation == "delta_rule" else -rec.delta[1][0]
    wrong_key = label(part, rec.a[1][0], key=(1, 1))
    wrong_text = label(part, rec.a[1][0])
    wrong_text.text = "0.6"
    typed = label(part, 0.5933, key=None)
    wrong_sign = label(part, delta, "delta", (2, 0))
    block = equation_block(part, story.neuron_eqs(1, 0)["z"], "forward.z_heading", "z",
                                  layer=1, neuron=1)
    block.value = rec.a[1][0]
    problems, _ = number_problems(frame(wrong_key, wrong_text, typed, wrong_sign, block), numbers)
    text = "\n".join(problems)
    assert "not a trace value at (1, 1)" in text
    assert "shows '0.6'" in text
    assert "0.5933 is not a trace value" in text
    assert f"not a delta in the {story.notation} sign" in text
    assert "does not end with" in text and "the equation's is" in text


def test_numbers_of_a_table_column_are_written_in_fixed_point(part):
    numbers, weight = TraceNumbers(part.story), part.story.step.before.weights[0][0, 0]  # 0.15
    fixed = pieces.value_label(part, weight, "weight", (1, 0, 0), fixed=True)
    assert fixed.text == "0.1500" and number_problems(frame(fixed), numbers)[0] == []
    short = pieces.value_label(part, weight, "weight", (1, 0, 0), fixed=True)
    short.text = "0.15"  # as Story.fmt writes it: not the column's form
    padded = label(part, weight, "weight", (1, 0, 0))
    padded.text = "0.1500"  # the column's form on a label that is not in one
    text = "\n".join(number_problems(frame(short, padded), numbers)[0])
    assert "shows '0.15', but its value 0.15 is written '0.1500'" in text
    assert "shows '0.1500', but its value 0.15 is written '0.15'" in text


@pytest.fixture(scope="module")
def spanish():
    return mazur_part(language="es")


def test_numbers_read_with_the_languages_decimal_comma(spanish):
    story, rec = spanish.story, spanish.story.record
    a = label(spanish, rec.a[1][0])
    block = equation_block(spanish, story.neuron_eqs(2, 0)["delta"], "forward.z_heading", "delta",
                           layer=2, neuron=1)
    vector = pieces.vector_tex(spanish, "a^{1}", rec.a[1], "activation")
    assert a.text == "0,5933" and "{,}" in block.numbers_tex and "0{,}5933" in vector.tex_string
    problems, checked = number_problems(frame(a, block, vector), TraceNumbers(story))
    assert problems == [] and checked == 3


def test_numbers_reject_a_decimal_point_in_spanish(spanish):
    story, rec, numbers = spanish.story, spanish.story.record, TraceNumbers(spanish.story)
    point = label(spanish, rec.a[1][0])
    point.text = "0.5933"
    off = label(spanish, rec.a[1][0])
    off.text = "0,5934"
    block = equation_block(spanish, story.neuron_eqs(1, 0)["z"], "forward.z_heading", "z", layer=1, neuron=1)
    block.numbers_tex = block.numbers_tex.replace("{,}", ".")
    text = "\n".join(number_problems(frame(point, off, block), numbers)[0])
    assert "'0.5933' does not end with a number written with decimal ','" in text
    assert "reads 0.5934 with decimal ','" in text
    assert "writes a decimal point" in text
