"""The dense drawing mode (784-16-16-10): a bounded number of mobjects, every edge present, waves."""

from __future__ import annotations

import numpy as np
import pytest
from manim import ManimColor

from scenes.animations.dense_flow import DenseWave
from scenes.chapters.pieces import layer_captions
from scenes.layout import DiagramTooLarge, check_drawable, frame_layout, is_dense
from scenes.mobjects.dense_network import CHUNK, LABEL_ROOM, DenseNetworkDiagram

from .runner import story

EDGES = 784 * 16 + 16 * 16 + 16 * 10


@pytest.fixture(scope="module")
def mnist():
    return story("mnist_like")


@pytest.fixture(scope="module")
def diagram(mnist):
    return DenseNetworkDiagram(mnist.layers, mnist.step.before.weights, mnist.theme, mnist.weight_scale,
                               frame_layout().diagram, captions=layer_captions(mnist), inputs=mnist.record.x)


def test_mnist_like_is_dense_and_drawable(mnist):
    assert mnist.layers == (784, 16, 16, 10)
    assert is_dense(mnist.layers)
    check_drawable(mnist.layers)


def test_square_inputs_from_8_by_8_are_images_smaller_ones_columns():
    """scikit-learn's 8 x 8 digits (64 inputs) draw as images; 49 = 7 x 7 and every preset stay columns."""
    from backprop_core.config import load
    from backprop_core.presets import PRESETS

    assert is_dense((64, 16, 10)) and is_dense((1024, 8)) and not is_dense((1089, 8))
    assert not is_dense((49, 8, 3)) and not is_dense((63, 4)) and not is_dense((13, 8, 3))
    check_drawable((64, 16, 10))
    assert [name for name in PRESETS if is_dense(load(name).layers)] == ["mnist_like"]


@pytest.mark.parametrize("layers, message", [
    ((2, 100, 2), "layer 1 has 100 neurons; the diagram draws at most 64 per layer"),
    ((784, 100, 10), "layer 1 has 100 neurons"),
    ((80, 4), "layer 0 has 80 neurons"),  # not a square: no image
    ((2, 4, 70), "layer 2 has 70 neurons"),
])
def test_other_large_layers_are_still_refused(layers, message):
    assert not is_dense(layers) or layers[0] == 784
    with pytest.raises(DiagramTooLarge, match=message):
        check_drawable(layers)


def test_diagram_has_a_bounded_number_of_mobjects(diagram):
    """A few hundred mobjects (not 13,000 Lines): chunks of merged edges, 42 circles, pixel shades."""
    family = diagram.get_family()
    assert len(family) < 400, len(family)
    assert len(diagram.submobjects) <= 6
    chunks = list(diagram.edge_keys)
    assert len(chunks) < 200
    assert all(len(keys) <= CHUNK for keys in diagram.edge_keys.values())
    assert len(diagram.neurons) == 16 + 16 + 10


def test_every_edge_is_a_subpath_once(diagram):
    subpaths = sum(len(mob.get_subpaths()) for mob in diagram.edge_keys)
    assert subpaths == diagram.edge_count == EDGES
    keys = np.concatenate(list(diagram.edge_keys.values()))
    assert len({tuple(k) for k in keys.tolist()}) == EDGES
    for layer, n in ((1, 784 * 16), (2, 16 * 16), (3, 16 * 10)):
        assert (keys[:, 0] == layer).sum() == n


def test_edges_are_grouped_by_sign_and_coloured_by_it(diagram, mnist):
    """Each chunk holds edges of one sign, drawn in a colour nearer that sign's than the other's."""
    theme = mnist.theme
    for mob, keys in diagram.edge_keys.items():
        w = np.array([mnist.step.before.weights[layer - 1][j, k] for layer, j, k in keys])
        assert np.all(w >= 0) or np.all(w < 0)
        rgb = mob.get_stroke_color().to_rgb()
        near = [np.abs(rgb - ManimColor(c).to_rgb()).sum() for c in (theme.positive, theme.negative)]
        assert (near[0] < near[1]) == bool(w[0] >= 0)


def test_input_image_shows_the_sample(diagram, mnist):
    """One square per inked pixel in the image and one in the column (paper is not drawn)."""
    squares = sum(len(m.get_subpaths()) for m in diagram.input_group.submobjects[2:])
    inked = int((np.asarray(mnist.record.x) >= 1 / 8).sum())
    assert squares == 2 * inked


@pytest.mark.parametrize("layer, backwards", [(1, False), (3, True)])
def test_a_wave_has_a_pulse_on_every_edge(diagram, mnist, layer, backwards):
    strength = mnist.signal(layer) if not backwards else mnist.shown_error(layer)
    wave = DenseWave(diagram, layer, strength, 1.0, mnist.theme.activation, backwards=backwards)
    try:
        pulses = wave.mobject.submobjects
        assert sum(len(p.get_subpaths()) for p in pulses) == 0  # nothing before it starts
        wave.interpolate_mobject(0.5)
        # one stroked pulse per edge; from the image, one filled quad per row of pixels and neuron,
        # the exact envelope of that row's 28 pulses (see DenseWave._bands)
        per_edge = 1 if layer > 1 else 28
        assert sum(len(p.get_subpaths()) for p in pulses) * per_edge \
            == mnist.layers[layer] * mnist.layers[layer - 1]
        xs = np.concatenate([p.points[:, 0] for p in pulses])
        starts, ends = diagram.edge_ends(layer, np.array([0]), np.array([0]))
        left, right = sorted((starts[0, 0], ends[0, 0]))
        assert left < xs.min() and xs.max() < right  # mid-way, not at either end
        wave.interpolate_mobject(1.0)
        assert sum(len(p.get_subpaths()) for p in pulses) == 0  # gone when it has passed
    finally:
        wave.clean_up_from_scene(None)
    assert not diagram.pulse_slot.submobjects


def test_class_names_stand_on_the_output_rows_beyond_their_labels(mnist):
    """A 784-16-16-10 network with named classes: each name on its output's row, clear of the labels' room."""
    classes = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
    names = {(3, j): name for j, name in enumerate(classes)}
    region = frame_layout().diagram
    drawn = (mnist.layers, mnist.step.before.weights, mnist.theme, mnist.weight_scale, region)
    plain, named = DenseNetworkDiagram(*drawn), DenseNetworkDiagram(*drawn, names=names)
    assert set(named.names) == set(names) and not plain.names
    for (layer, j), text in named.names.items():
        neuron = named.neurons[(layer, j)]
        assert text.get_y() == pytest.approx(neuron.get_y())
        assert text.get_left()[0] == pytest.approx(neuron.get_x() + LABEL_ROOM)
        assert text.get_right()[0] <= region.right + 1e-6
        assert text in named.caption_group.submobjects
    # the names' room comes off the edges' gap and the image: the circles' columns keep their distance
    assert named.neurons[(3, 0)].get_x() < plain.neurons[(3, 0)].get_x()
    assert plain.neurons[(3, 0)].get_x() == pytest.approx(region.right - LABEL_ROOM)
    for layer in (1, 2):
        assert named.neurons[(layer + 1, 0)].get_x() - named.neurons[(layer, 0)].get_x() == \
            pytest.approx(plain.neurons[(layer + 1, 0)].get_x() - plain.neurons[(layer, 0)].get_x())
    assert named.image_box.width < plain.image_box.width == 2.0


def test_a_dense_story_with_classes_names_its_outputs():
    """scikit-learn's digits in dense mode: the diagram names its ten outputs by their classes."""
    from scenes.chapters.dense import dense_diagram

    part = type("Part", (), {"story": story("sklearn-digits"), "regions": frame_layout()})()
    diagram = dense_diagram(part)
    assert [diagram.names[(2, j)].text for j in range(10)] == [str(d) for d in range(10)]
