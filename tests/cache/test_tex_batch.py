"""Equations typeset in one LaTeX document give the SVGs one-by-one typesetting gives."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from manim import SVGMobject, tempconfig
from manim.utils.tex_file_writing import generate_tex_file, tex_to_svg_file

from bpviz.cache import tex_batch, tex_claims
from bpviz.cache.tex_batch import free_cores, normalize_svg, split_batch, typeset_batch
from scenes.mobjects.equation_panel import TEX_TEMPLATE

# what the film typesets: numbers, sums, fractions, colours, text, a matrix, a decimal comma
EQUATIONS = [
    r"\delta^{2}_{1} = (0.7514 - 0.01) \cdot 0.1868 = 0.1385",
    r"E = \frac{1}{2}\sum_j (y_j - a_j)^2",
    r"{\color[HTML]{58C4DD} w^{2}_{11}} \leftarrow 0.40 - 0.5 \cdot 0.0822 = 0.3589",
    r"\frac{\partial E}{\partial w_5} = \sum_{k=1}^{10} \sqrt{x_k} \cdot \mathrm{net}_{o1}",
    r"\text{new } \eta \, \alpha \int_0^1 f(x)\,dx \geq -0{,}5924",
    r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
]


@pytest.fixture(scope="module")
def typeset(tmp_path_factory):
    """Each equation typeset alone by Manim (unpatched), and all of them in one batch."""
    tmp = tmp_path_factory.mktemp("texbatch")
    alone, documents = {}, {}
    with tempconfig({"tex_dir": str(tmp / "alone"), "verbosity": "ERROR"}):
        for latex in EQUATIONS:
            tex = generate_tex_file(latex, "align*", TEX_TEMPLATE)
            svg = tex_to_svg_file(latex, "align*", TEX_TEMPLATE)
            alone[svg.name] = svg
            documents[tmp / "batch" / svg.name] = tex.read_text(encoding="utf-8")
    written = typeset_batch(documents)
    return alone, documents, written


def test_one_batch_writes_every_equation(typeset):
    alone, documents, written = typeset
    assert sorted(written) == sorted(documents)
    assert len(written) == len(EQUATIONS)


def test_batch_svgs_are_the_one_by_one_svgs_byte_for_byte(typeset):
    alone, documents, _written = typeset
    for target in documents:
        one_by_one = alone[target.name].read_text(encoding="utf-8")
        assert normalize_svg(one_by_one) == target.read_text(encoding="utf-8"), target.name


def test_documents_compiled_at_once_give_the_one_by_one_svgs(typeset, tmp_path, monkeypatch):
    """A batch split into three documents of two pages, compiled concurrently: the same files."""
    alone, documents, _written = typeset
    monkeypatch.setattr(tex_batch, "MIN_PAGES", 2)
    split = {tmp_path / target.name: text for target, text in documents.items()}
    written = typeset_batch(split, parallel=3)
    assert sorted(written) == sorted(split)
    for target in split:
        one_by_one = alone[target.name].read_text(encoding="utf-8")
        assert target.read_text(encoding="utf-8") == normalize_svg(one_by_one), target.name


def test_a_batch_is_split_only_into_documents_of_min_pages():
    pages = list(range(2 * tex_batch.MIN_PAGES + 1))
    assert split_batch(pages, 1) == [pages]
    assert split_batch(pages[:2 * tex_batch.MIN_PAGES - 1], 4) == [pages[:2 * tex_batch.MIN_PAGES - 1]]
    halves = split_batch(pages, 4)
    assert len(halves) == 2 and sum(halves, []) == pages
    assert min(len(h) for h in halves) >= tex_batch.MIN_PAGES
    assert 1 <= free_cores() <= (os.cpu_count() or 1)


def test_normalising_only_renames(typeset):
    """Manim parses the same shapes from Manim's own SVG and from the batch's page."""
    alone, documents, _written = typeset
    for target in documents:
        mine, theirs = SVGMobject(str(target)), SVGMobject(str(alone[target.name]))
        ours = [m.points for m in mine.family_members_with_points()]
        manims = [m.points for m in theirs.family_members_with_points()]
        assert len(ours) == len(manims) > 0
        assert all(np.array_equal(a, b) for a, b in zip(ours, manims)), target.name


def test_claimed_batch_leaves_what_exists_and_writes_the_rest(typeset, tmp_path):
    _alone, documents, _written = typeset
    shared = tmp_path / "tex"
    shared.mkdir()
    names = {target.name: text for target, text in documents.items()}
    first = next(iter(names))
    kept = "<svg>made by another render</svg>"
    (shared / first).write_text(kept)
    written = tex_claims.typeset_claimed(names, shared)
    assert sorted(written) == sorted(set(names) - {first})
    assert (shared / first).read_text() == kept
    for target in documents:
        if target.name != first:
            assert (shared / target.name).read_bytes() == Path(target).read_bytes()
    assert not list(shared.glob("*.lock"))
