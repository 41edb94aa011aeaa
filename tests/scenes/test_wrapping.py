"""Sums written with some of their terms: the shares a tight fan labels, the others as ``+ \\cdots``."""

from __future__ import annotations

import pytest

from scenes.chapters.wrapping import elide_terms, keep_terms

NIELSEN = r"\delta^{1}_{1} = \left(0.5 + 0.25 - 0.125 + 2.0\right) \cdot 0.2 \cdot \left(1 - 0.2\right) = 0.1"
DELTA_RULE = r"\delta_{1} = 0.2 \left(0.5 - 0.25 + 0.125\right) = 0.1"


@pytest.mark.parametrize(("keep", "written"), [
    ([0, 1], r"\left(0.5 + 0.25 + \cdots\right)"),
    ([2, 3], r"\left(-0.125 + 2.0 + \cdots\right)"),
    ([3, 1], r"\left(0.25 + 2.0 + \cdots\right)"),
])
def test_keep_terms_writes_the_chosen_terms_in_order_then_the_rest_as_dots(keep, written):
    latex, shown, total = keep_terms(NIELSEN, keep)
    assert latex == rf"\delta^{{1}}_{{1}} = {written} \cdot 0.2 \cdot \left(1 - 0.2\right) = 0.1"
    assert (shown, total) == (len(keep), 4)


def test_keep_terms_of_every_term_changes_nothing():
    assert keep_terms(NIELSEN, range(4)) == (NIELSEN, 4, 4)
    assert keep_terms(NIELSEN, []) == (NIELSEN, 4, 4)
    assert keep_terms(DELTA_RULE, [1]) == (r"\delta_{1} = 0.2 \left(-0.25 + \cdots\right) = 0.1", 1, 3)


def test_elide_terms_keeps_first_and_last():
    assert elide_terms(NIELSEN, 1, 1) == (r"\delta^{1}_{1} = \left(0.5 + \cdots + 2.0\right) \cdot 0.2 "
                                          r"\cdot \left(1 - 0.2\right) = 0.1", 2, 4)
