"""The SVG shape cache gives back exactly the shapes Manim builds from the SVG itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from manim import MathTex, Text, tempconfig
from manim.mobject.svg import svg_mobject

from bpviz.cache.paths import cache_dir
from bpviz.cache.typeset import typeset_dirs
from bpviz.renderer.manim_patches import PATCHES, ManimPatches

SHAPES_ONLY = tuple(p for p in PATCHES if p.name == "generate_mobject")


def _build():
    return [MathTex(r"\delta^{2}_{1} = \frac{\partial E}{\partial z^{2}_{1}}", r"= 0.1385",
                    substrings_to_isolate=["E"]),
            Text("loss 0.2984 · η", font_size=30)]


def test_cached_shapes_equal_parsed_shapes(tmp_path):
    with typeset_dirs(cache_dir()) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
        try:
            svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
            parsed = _build()  # Manim's own parse
            with ManimPatches(tmp_path, SHAPES_ONLY):
                svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
                _build()  # parses and stores
                assert len(list((tmp_path / "svg").glob("*.npz"))) == 2
                svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
                cached = _build()  # read back
        finally:
            svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    for a, b in zip(parsed, cached):
        assert [len(m.submobjects) for m in a.submobjects] == [len(m.submobjects) for m in b.submobjects]
        leaves_a, leaves_b = a.family_members_with_points(), b.family_members_with_points()
        assert len(leaves_a) == len(leaves_b) > 0
        for p, q in zip(leaves_a, leaves_b):
            assert np.array_equal(p.points, q.points)
            for name in ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
                assert np.array_equal(getattr(p, name), getattr(q, name)), name
            assert (p.stroke_width, p.fill_opacity) == (q.stroke_width, q.fill_opacity)
    assert sorted(parsed[0].id_to_vgroup_dict) == sorted(cached[0].id_to_vgroup_dict)


def test_a_text_built_from_the_seeded_cache_leaves_the_shared_svg_whole(tmp_path):
    """Text SVGs are seeded as hard links; Manim's in-place rewrite of a Text's SVG never reaches them.

    (With bpviz's patches, as in every session: they make that rewrite on a private copy.)
    """
    from manim import config

    with ManimPatches(tmp_path), typeset_dirs(tmp_path) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
        Text("shared words")
    shared = next((tmp_path / "text").glob("*.svg"))
    before = (shared.stat().st_ino, shared.stat().st_mtime_ns, shared.read_bytes())
    with ManimPatches(tmp_path), typeset_dirs(tmp_path) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
        private = Path(config.text_dir) / shared.name
        assert private.stat().st_ino == shared.stat().st_ino  # a link: seeding copies nothing
        Text("shared words")
        assert private.read_bytes() == before[2]
        Text("other words")  # new: typeset and rewritten in the private folder only
    assert (shared.stat().st_ino, shared.stat().st_mtime_ns, shared.read_bytes()) == before
    assert len(list((tmp_path / "text").glob("*.svg"))) == 2
    assert not list((tmp_path / "text").glob(".*"))
