"""Each edge's share of the blame in the backward chapter: the ``propagate`` beat labels the edges
into the neuron in focus with ``w^{l+1}_mj delta^{l+1}_m`` (and no other edge), and the ``assemble``
beat's equation sums exactly those numbers, as written on the edges.

The chapter runs are those of the other scene checks (layout, numbers), shared per session.
"""

from __future__ import annotations

import pytest

from .numbers_check import plain_tex
from .runner import finished, story

VARIANTS = ("mazur", "mazur-delta_rule", "digits", "12-16-6", "6-8-8-3-es")


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), [(v, "backward") for v in VARIANTS])
def test_propagate_labels_the_shares_that_assemble_sums(chapter_runs, variant, chapter):
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    the_story = story(variant)
    beats = report.beats
    propagates = [i for i, beat in enumerate(beats) if beat.key == "propagate"]
    assert len(propagates) == the_story.n_layers - 1
    for number, i in enumerate(propagates):
        layer = the_story.n_layers - 1 - number
        focus_layer, focus_j = the_story.focus_neuron
        j = focus_j if focus_layer == layer else 0
        shares = the_story.share_eqs(layer, j)
        shown = beats[i].edge_deltas
        assert set(shown) == {s.at for s in shares["shares"]}, f"{beats[i]}: labels on {sorted(shown)}"
        for share in shares["shares"]:
            value, text = shown[share.at]
            assert value == share.value
            assert text == the_story.fmt(share.value)
        assemble = beats[i + 1]
        assert assemble.key == "assemble"
        assert assemble.edge_deltas == shown, "the shares stay on their edges while the neuron sums them"
        summed = plain_tex(the_story.tex(shares["delta"].latex_numbers(the_story.video["decimals"])))
        assert summed in [plain_tex(tex) for tex in assemble.equations]
        # the equation's terms are the numbers on the edges, as written there
        for share in shares["shares"]:
            written = plain_tex(the_story.fmt_tex(abs(share.value)))
            assert written in summed
    later = [beat for beat in beats if beat.key not in ("propagate", "assemble")]
    assert all(not beat.edge_deltas for beat in later)
