"""The network diagram's layer captions: on one line, each under its column, never touching."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scenes.layout import frame_layout
from scenes.mobjects.network_diagram import CAPTION_GAP, NetworkDiagram
from scenes.themes import THEMES


def weights(layers):
    return [[[0.1] * n_in for _ in range(n_out)] for n_in, n_out in zip(layers, layers[1:])]


@pytest.mark.parametrize("layers", [(6, 8, 8, 3), (12, 16, 6), (2, 2, 1), (3, 4, 4, 4, 2)])
@pytest.mark.parametrize("narrow", [0.0, 2.6])  # 2.6: the loss chapter keeps room for its pairs
def test_captions_keep_apart_in_any_width(layers, narrow):
    region = frame_layout().diagram
    region = replace(region, right=region.right - narrow)
    captions = ["input", *(f"hidden {i}" for i in range(1, len(layers) - 1)), "output"]
    diagram = NetworkDiagram(layers, weights(layers), THEMES["dark"], 1.0, region, captions=captions)
    texts = [diagram.captions[layer] for layer in range(len(layers))]
    for left, right in zip(texts, texts[1:]):
        gap = right.get_left()[0] - left.get_right()[0]
        assert gap >= CAPTION_GAP - 1e-6, f"{left.text!r} and {right.text!r} only {gap:.2f} apart"
    for layer, text in enumerate(texts):  # each under its own column
        assert text.get_x() == pytest.approx(diagram.neurons[(layer, 0)].get_x())
    assert len({round(t.get_top()[1], 6) for t in texts}) == 1  # one line, tops level
