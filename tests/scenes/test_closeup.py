"""The neuron chapter's close-up: its columns of inputs and weights read as columns (issue 18)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scenes.chapters.c1_neuron import NeuronPart
from scenes.layout import frame_layout
from scenes.mobjects.value_label import ValueLabel
from tests.parts import private_latex

from .layout_check import column_problems
from .runner import VARIANTS, story


@pytest.fixture(scope="module", autouse=True)
def latex_cache(request):
    with private_latex(request, "closeup"):
        yield


@pytest.mark.parametrize("variant", ["mazur", "mazur-es", "6-8-8-3-es", "12-16-6"])
def test_closeup_columns_share_decimals_and_line_up(variant):
    """``a = 0.05`` over ``a = 0.10`` (not ``0.1``), ``-0.3121`` over ``0.4114`` separator on separator."""
    assert variant in VARIANTS
    the_story = story(variant)
    part = NeuronPart(SimpleNamespace(story=the_story, regions=frame_layout()))
    part.layer, part.j = the_story.focus_neuron
    part.eqs = the_story.neuron_eqs(part.layer, part.j)
    part._build_closeup()
    inputs = [group.label for group in part.inputs]
    weights = [w if isinstance(w, ValueLabel) else w.label for w in part.weights]
    assert column_problems("inputs", inputs) + column_problems("weights", weights) == []
