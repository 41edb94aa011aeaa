"""Each edge's share of the blame in the backward chapter: the ``propagate`` beat labels the edges
into the neuron in focus with ``w^{l+1}_mj delta^{l+1}_m`` (and no other edge; a tight fan only a
few, the largest share always), and the ``assemble`` beat's equation writes exactly those numbers,
as written on the edges, and the others as ``+ ...``; its value is the trace's delta.

The chapter runs are those of the other scene checks (layout, numbers), shared per session.
"""

from __future__ import annotations

import re

import pytest

from .numbers_check import plain_tex
from .runner import finished, story

VARIANTS = ("mazur", "mazur-delta_rule", "digits", "12-16-6", "6-8-8-3-es", "circle")  # circle: fans of one


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
        fan = {s.at: s for s in shares["shares"]}
        shown = beats[i].edge_deltas
        assert shown and set(shown) <= set(fan), f"{beats[i]}: labels on {sorted(shown)}"
        largest = max(fan.values(), key=lambda s: abs(s.value))
        assert largest.at in shown, f"{beats[i]}: the largest share {largest.value} is not labelled"
        if variant.startswith("mazur"):  # a fan of two: every edge carries its share
            assert set(shown) == set(fan)
        for key, (value, text) in shown.items():
            assert value == fan[key].value
            assert text == the_story.fmt(value)
        assemble = beats[i + 1]
        assert assemble.key == "assemble"
        assert assemble.edge_deltas == shown, "the shares stay on their edges while the neuron sums them"
        summed = plain_tex(the_story.tex(shares["delta"].latex_numbers(the_story.video["decimals"])))
        assert summed in [plain_tex(tex) for tex in assemble.equations]
        written = next(plain_tex(tex) for full, tex in zip(assemble.equations, assemble.shown_equations)
                       if plain_tex(full) == summed)
        # the equation's terms are the numbers on the edges, as written there, and + ... for the others
        expected = [plain_tex(the_story.fmt_tex(abs(fan[key].value))) for key in sorted(shown)]
        if len(shown) == len(fan):  # a fan labelled whole writes its equation whole: no + ... anywhere
            assert r"\cdots" not in written, written
        if len(fan) > 1:
            assert left_over(written, expected) == (r"\cdots" if len(shown) < len(fan) else ""), written
    later = [beat for beat in beats if beat.key not in ("propagate", "assemble")]
    assert all(not beat.edge_deltas for beat in later)


def left_over(written: str, terms: list[str]) -> str:
    """What the bracketed sum of ``written`` that holds ``terms[0]`` writes besides ``terms`` (in
    this order) and the signs between them."""
    group = next(g for g in re.findall(r"\(([^()]*)\)", written) if terms[0] in g)
    at = 0
    for term in terms:
        at = group.index(term, at)
        group = group[:at] + group[at + len(term):]
    return group.replace("+", "").replace("-", "")
