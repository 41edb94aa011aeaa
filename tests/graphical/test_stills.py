"""Still frames of the building blocks with the mazur trace, compared pixel by pixel with control data.

Each test builds what a beat shows (the network diagram with the trace's weights, value labels, a
highlight ring, equation blocks) from the real pieces of ``scenes/`` and the real numbers.
"""

from __future__ import annotations

from manim import LEFT, VGroup
from manim.utils.testing.frames_comparison import frames_comparison

from scenes.chapters import pieces, wrapping
from tests.parts import equation_block, mazur_part

__module_test__ = "bpviz"


def _network(scene, part):
    """The diagram with the weights before the step, inputs, hidden activations, biases."""
    story = part.story
    scene.camera.background_color = part.theme.background
    diagram = pieces.make_diagram(part)
    values = [*pieces.side_labels(part, diagram, 0, story.record.x, "activation", "x", LEFT).values(),
              *pieces.neuron_labels(part, diagram, 1, story.record.a[1], "activation").values(),
              *pieces.bias_labels(part, diagram, story.step.before.biases).values()]
    weights = pieces.weight_labels(part, diagram, story.step.before.weights)
    pieces.unclutter_edge_labels(diagram, weights, values)  # as the forward chapter places them
    scene.add(diagram, *weights.values(), *values)
    return diagram


@frames_comparison(last_frame=True)
def test_mazur_network(scene):
    _network(scene, mazur_part())


@frames_comparison(last_frame=True)
def test_mazur_forward_beat(scene):
    part = mazur_part()
    diagram = _network(scene, part)
    eqs = part.story.neuron_eqs(1, 0)
    blocks = VGroup(equation_block(part, eqs["z"], "forward.z_heading", "z", layer=1, neuron=1),
                    equation_block(part, eqs["a"], "forward.a_heading", "activation", layer=1,
                                          neuron=1))
    panel = wrapping.panel_stack(part, *blocks)
    scene.add(pieces.highlight_ring(part, diagram, (1, 0)), panel)


@frames_comparison(last_frame=True)
def test_mazur_delta_rule_light(scene):
    part = mazur_part(notation="delta_rule", theme="light")
    diagram = _network(scene, part)
    eq = part.story.neuron_eqs(2, 0)["delta"]
    block = equation_block(part, eq, "backward.output_heading", "delta", neuron=1)
    scene.add(pieces.highlight_ring(part, diagram, (2, 0), "delta"), block)
