"""Names on screen (features at the inputs, classes at the outputs) and the informative default focus."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenes.layout import boxes_overlap, frame_layout
from scenes.loading import load_story
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.text import short_name, short_names, tr
from scenes.themes import THEMES

CONFIGS = Path(__file__).parent / "configs"
EXAMPLES = Path(__file__).parents[2] / "examples"


def test_names_are_shortened_without_units_or_underscores():
    assert short_name("petal length (cm)") == "petal length"
    assert short_name("hours_studied_per_week") == "hours studied…"
    assert len(short_name("x" * 40)) == 16 and short_name("x" * 40).endswith("…")
    assert short_names(["hours_studied_per_week", "hours_studied_in_total"]) == ("hours studied p…",
                                                                                   "hours studied i…")
    assert len(set(short_names(["a" * 30 + "1", "a" * 30 + "2"]))) == 2  # never two alike


@pytest.fixture(scope="module")
def exam():
    return load_story(str(EXAMPLES / "exam_results.toml"))


def test_the_story_names_the_data(exam):
    assert exam.input_labels == ("hours studied…", "hours slept…", "practice exams…")
    assert exam.output_labels == ("fail", "pass", "distinction")
    assert exam.sample_class in exam.output_labels
    assert exam.sample_text == f"{exam.record.sample + 1} ({exam.sample_class})"
    mazur = load_story("mazur")
    assert mazur.input_labels is None and mazur.input_label(1) == "x2" and mazur.output_label(0) == "y1"
    assert mazur.sample_text == str(mazur.record.sample + 1)


def test_bundled_datasets_are_named_in_the_story_language():
    """scikit-learn's names through the catalogue's [datasets]; a CSV's names stay as written."""
    iris = load_story("iris", language="es")
    assert iris.input_labels == ("largo del sépalo", "ancho del sépalo",
                                 "largo del pétalo", "ancho del pétalo")
    assert iris.output_labels == ("setosa", "versicolor", "virginica")  # species: as written
    assert load_story("iris").input_labels == ("sepal length", "sepal width", "petal length", "petal width")
    wine = load_story(str(CONFIGS / "wine_13_8_3.toml"), language="es")
    assert wine.input_labels[1] == "ácido málico" and wine.output_labels == ("clase 0", "clase 1", "clase 2")
    cancer = load_story(str(CONFIGS / "breast_cancer_30_6_2.toml"), language="es")
    assert cancer.output_labels == ("maligno", "benigno") and cancer.input_labels[0] == "radio medio"
    assert len(set(cancer.input_labels)) == 30
    exam = load_story(str(EXAMPLES / "exam_results.toml"), language="es")
    assert exam.input_labels == ("hours studied…", "hours slept…", "practice exams…")
    assert exam.output_labels == ("fail", "pass", "distinction")


def diagram(layers, names, **rooms):
    weights = [[[0.1] * a for _ in range(b)] for a, b in zip(layers, layers[1:])]
    return NetworkDiagram(layers, weights, THEMES["dark"], 1.0, frame_layout().diagram, names=names, **rooms)


def boxes(texts):
    return [(t.get_left()[0], t.get_right()[0], t.get_bottom()[1], t.get_top()[1]) for t in texts]


@pytest.mark.parametrize(("n", "every"), [(13, 1), (30, 2)])
def test_close_inputs_write_their_names_on_their_rows(n, every):
    """Wine's 13 inputs each get a name on its row; breast cancer's 30 every other one; none touch."""
    names = {(0, k): f"feature number {k}" for k in range(n)}
    plain = diagram((n, 6, 3), {})
    d = diagram((n, 6, 3), names, names_room=1.6, right_room=1.6)
    assert sorted(d.names) == [(0, k) for k in range(0, n, every)]
    left = frame_layout().diagram.left
    for (_, k), text in d.names.items():
        assert text.get_y() == pytest.approx(d.neurons[(0, k)].get_y())  # on its neuron's row
        assert text.get_left()[0] == pytest.approx(left - 0.125)  # a column at the diagram's edge
        assert text.get_right()[0] < d.neurons[(0, k)].get_x() - 1.0  # the labels' slot kept free
    found = boxes(d.names.values())
    assert not any(boxes_overlap(a, b) for i, a in enumerate(found) for b in found[i + 1:])
    # the columns moved right by the names' room
    assert d.neurons[(0, 0)].get_x() == pytest.approx(plain.neurons[(0, 0)].get_x() + 1.6)


def test_a_short_named_column_spreads_to_hold_its_names():
    """Wine's three classes beside 13 inputs: the output column spreads so each name fits above its label."""
    outputs = {(2, j): f"class {j}" for j in range(3)}
    tight = diagram((13, 8, 3), {})
    d = diagram((13, 8, 3), outputs)
    assert set(d.names) == set(outputs)
    apart = d.neurons[(2, 0)].get_y() - d.neurons[(2, 1)].get_y()
    assert apart > tight.neurons[(2, 0)].get_y() - tight.neurons[(2, 1)].get_y() + 0.2
    for k in range(13):  # the other columns as before
        assert list(d.neurons[(0, k)].get_center()) == pytest.approx(list(tight.neurons[(0, k)].get_center()))


def test_names_stand_beside_their_neurons_clear_of_every_ring():
    layers = (3, 4, 3)
    names = {**{(0, k): n for k, n in enumerate(["hours studied…", "hours slept…", "practice exams…"])},
             **{(2, j): n for j, n in enumerate(["fail", "pass", "distinction"])}}
    d = diagram(layers, names)
    assert set(d.names) == set(names)
    ring = d.geometry.radius * 1.35
    for (layer, j), text in d.names.items():
        neuron = d.neurons[(layer, j)]
        if layer == 0:
            assert text.get_right()[0] < neuron.get_x() - ring  # left of the inputs
        else:
            assert text.get_left()[0] > neuron.get_x() + ring  # right of the outputs
        assert text.get_bottom()[1] > neuron.get_y()  # above the value label's slot
        assert d.neurons[(layer, j)].get_y() + d.geometry.spacing > text.get_top()[1]  # below the next
        for other in d.neurons.values():
            box = (other.get_left()[0], other.get_right()[0], other.get_bottom()[1], other.get_top()[1])
            mine = (text.get_left()[0], text.get_right()[0], text.get_bottom()[1], text.get_top()[1])
            assert not boxes_overlap(box, mine)
        assert text in d.caption_group.submobjects  # shown wherever the captions are


def test_names_are_left_out_where_neurons_stand_too_close():
    d = diagram((12, 2), {(0, k): f"pixel {k}" for k in range(12)})
    assert not d.names


def test_the_default_focus_learns_in_an_untuned_relu_network():
    story = load_story(str(CONFIGS / "relu_6_8_8_3.toml"))
    assert story.record.delta[0][0] == 0  # neuron 1 of layer 1 is dead in the explained step
    layer, j = story.focus_neuron
    assert story.record.delta[layer - 1][j] != 0 and story.step.grad_biases[layer - 1][j] != 0
    for (layer, j, k) in (story.focus_weight, story.hidden_weight):
        assert story.record.delta[layer - 1][j] != 0 and story.step.grad_weights[layer - 1][j, k] != 0
        assert story.weight_eqs(layer, j, k)["chain"].value != 0
        assert story.why_zero(layer, j, k) is None


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_dead_focus_chosen_by_the_user_is_explained(language):
    story = load_story(str(CONFIGS / "relu_6_8_8_3.toml"), language=language, focus=[1, 1, 1])
    assert story.hidden_weight == (1, 0, 0) and story.weight_eqs(1, 0, 0)["chain"].value == 0
    key, values = story.why_zero(1, 0, 0)
    assert key == "focus.inactive" and values["fprime"] == "0"
    assert values["z"] == story.fmt(story.record.z[0][0])
    text = tr(key, language, **values)
    assert "ReLU" in text and values["z"] in text and ("0" in text)
