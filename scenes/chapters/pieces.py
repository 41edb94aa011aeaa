"""Building blocks the chapters share: the diagram of the story, value labels, equation blocks."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Circle, MathTex

from .. import style
from ..mobjects.equation_panel import TEX_TEMPLATE, EquationBlock, paint_value
from ..mobjects.network_diagram import NetworkDiagram
from ..mobjects.value_label import ValueLabel


def layer_captions(story) -> list[str]:
    """``input``, ``hidden 1`` ..., ``output`` from the catalogue."""
    n = story.n_layers
    out = [story.tr("common.input")]
    out += [story.tr("common.hidden", n=i) for i in range(1, n)]
    out.append(story.tr("common.output"))
    return out


def make_diagram(part, weights=None) -> NetworkDiagram:
    """The story's network with the weights before the explained step (or ``weights``)."""
    story = part.story
    weights = story.step.before.weights if weights is None else weights
    return NetworkDiagram(story.layers, weights, story.theme, story.weight_scale, part.regions.diagram,
                          captions=layer_captions(story))


def value_label(part, value: float, quantity: str, key: tuple, prefix: str = "",
                small: bool = False) -> ValueLabel:
    """A :class:`ValueLabel` of a trace value formatted as the story formats numbers."""
    size = style.SMALL_VALUE_SIZE if small else style.VALUE_SIZE
    return ValueLabel(value, prefix + part.story.fmt(value), quantity, part.theme, size, key=key)


def shows_value(part, diagram: NetworkDiagram, key: tuple[int, int]) -> bool:
    """Whether neuron ``key`` gets its numbers: always in small networks, else near the focus."""
    if diagram.geometry.show_all_values:
        return True
    fl, fj = part.story.focus_neuron
    return key == (fl, fj) or key[0] in (fl - 1,) and key[1] < 3


def neuron_labels(part, diagram: NetworkDiagram, layer: int, values, quantity: str,
                  side=UP) -> dict:
    """Labels of ``values[j]`` beside the neurons of ``layer`` that show numbers."""
    small = diagram.geometry.spacing < 0.8
    labels = {}
    for j, v in enumerate(values):
        if not shows_value(part, diagram, (layer, j)):
            continue
        label = value_label(part, v, quantity, (layer, j), small=small)
        label.next_to(diagram.neurons[(layer, j)], side, buff=0.02)
        labels[(layer, j)] = label
    return labels


def side_labels(part, diagram: NetworkDiagram, layer: int, values, quantity: str, symbol: str,
                side) -> dict:
    """``x_k = 0.05`` left of the inputs, ``y_j = 0.01`` right of the outputs."""
    small = diagram.geometry.spacing < 0.8
    labels = {}
    for j, v in enumerate(values):
        if not shows_value(part, diagram, (layer, j)) and layer != 0:
            continue
        label = value_label(part, v, quantity, (layer, j), prefix=f"{symbol}{j + 1} = ", small=small)
        label.next_to(diagram.neurons[(layer, j)], side, buff=0.12)
        labels[(layer, j)] = label
    return labels


def weight_labels(part, diagram: NetworkDiagram, weights, quantity: str = "weight") -> dict:
    """Labels of every weight along its edge (small networks with ``[video] show_weights``)."""
    if not (part.story.video["show_weights"] and diagram.geometry.label_weights):
        return {}
    labels = {}
    for (layer, j, k) in diagram.edges:
        label = value_label(part, weights[layer - 1][j, k], quantity, (layer, j, k), small=True)
        labels[(layer, j, k)] = diagram.label_edge((layer, j, k), label)
    return labels


def bias_labels(part, diagram: NetworkDiagram, biases) -> dict:
    """``b = 0.35`` under each neuron that shows numbers (none when biases are off)."""
    if not part.story.trace.config["network"]["use_biases"]:
        return {}
    labels = {}
    roomy = diagram.geometry.spacing >= 1.0
    for layer in range(1, len(diagram.layers)):
        for j in range(diagram.layers[layer]):
            if not (roomy and shows_value(part, diagram, (layer, j))):
                continue
            label = value_label(part, biases[layer - 1][j], "weight", (layer, j), prefix="b = ", small=True)
            label.next_to(diagram.neurons[(layer, j)], DOWN, buff=0.04)
            labels[(layer, j)] = label
    return labels


def highlight_ring(part, diagram: NetworkDiagram, key: tuple[int, int], quantity: str = "highlight"):
    """A ring around neuron ``key``: where the equation of this moment lives."""
    ring = Circle(radius=diagram.geometry.radius * 1.35, color=part.theme.color(quantity), stroke_width=4)
    return ring.move_to(diagram.neurons[key])


def equation_block(part, eq, heading_key: str, quantity: str, note: str | None = None,
                   **heading_values) -> EquationBlock:
    """An :class:`EquationBlock` of ``eq`` (from ``backprop_core.equations``) in the panel."""
    story = part.story
    return EquationBlock(story.tr(heading_key, **heading_values), eq.latex(),
                         eq.latex_numbers(decimals=story.video["decimals"]), quantity, part.theme,
                         part.regions.panel, value=eq.value, note=note)


def vector_tex(part, symbol: str, values, quantity: str) -> MathTex:
    """``symbol = (v_1, ..., v_n)`` of trace values, coloured as ``quantity``, fitted to the panel."""
    numbers = ", ".join(part.story.fmt(v) for v in values)
    tex = MathTex(paint_value(rf"{symbol} = \left({numbers}\right)", quantity, part.theme),
                  tex_template=TEX_TEMPLATE, font_size=style.EQUATION_SIZE, color=part.theme.text)
    tex.values = [float(v) for v in values]
    if tex.width > part.regions.panel.width:
        tex.scale_to_fit_width(part.regions.panel.width)
    return tex


__all__ = ["LEFT", "RIGHT", "UP", "bias_labels", "equation_block", "weight_labels", "highlight_ring", "layer_captions", "make_diagram",
           "neuron_labels", "side_labels", "value_label", "vector_tex"]
