"""bpviz's patches of Manim and the Manim members it relies on (bpviz.renderer.manim_patches).

When a Manim (or manimpango) upgrade changes a member bpviz replaces, overrides or uses, a test
here fails and names the part of bpviz to re-check; once it is re-checked (and fixed), record the
new signature or hash in ``MANIM_MEMBERS``.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest
from manim import MathTex, Scene, SVGMobject, Text, tempconfig
from manim._config.output import OutputFormat, OutputSpec
from manim._config.video_encoder import resolve_video_encoder
from manim.camera.camera import Camera
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from bpviz.cache import typeset
from bpviz.cache.typeset import typeset_dirs
from bpviz.renderer import manim_patches
from bpviz.renderer.manim_patches import (
    MANIM_MEMBERS,
    MANIM_ORIGINAL,
    PATCHES,
    ManimPatches,
    plain_signature,
    resolve,
    source_hash,
)

_SMALL = {"pixel_width": 160, "pixel_height": 96, "frame_rate": 10, "verbosity": "ERROR",
          "progress_bar": "none", "disable_caching": True}
_FUNCTIONS = [m for m in MANIM_MEMBERS if m.use != "attribute"]
_ATTRIBUTES = [m for m in MANIM_MEMBERS if m.use == "attribute"]


def _recheck(member) -> str:
    patch = next((p for p in PATCHES if p.where == member.where), None)
    why = (f"\n  why it is patched: {patch.why}\n  what the patch relies on: {patch.relies_on}"
           if patch else "")
    return (f"Manim changed {member.where} ({member.use}): re-check {member.by} "
            f"(bpviz/renderer/manim_patches.py), then record the new value in MANIM_MEMBERS.{why}")


def _manims(where: str):
    """The member as Manim defines it (Manim's own function while a patch is installed)."""
    obj = resolve(where)
    return getattr(obj, MANIM_ORIGINAL, obj)


@pytest.mark.parametrize("member", _FUNCTIONS, ids=lambda m: m.where.split(":")[1])
def test_a_manim_function_bpviz_relies_on_is_unchanged(member):
    obj = _manims(member.where)
    if member.signature is not None:
        now = plain_signature(obj)
        assert now == member.signature, _recheck(member) + f"\n  signature now: {now}"
    if member.source is not None:
        now = source_hash(obj)
        assert now == member.source, _recheck(member) + f"\n  source hash now: {now}"


def test_every_patch_and_every_override_is_listed():
    listed = {m.where: m.use for m in MANIM_MEMBERS}
    assert all(listed.get(p.where) == "patched" for p in PATCHES)
    assert all(m.source is not None for m in MANIM_MEMBERS if m.use in ("patched", "overridden"))
    from bpviz.outputs.svg_still import SVGCamera
    from bpviz.renderer.camera import FadeCamera, FrameRenderer
    from bpviz.renderer.encoder import HeldFrameEncoder, HeldFrameWriter

    for cls in (FadeCamera, FrameRenderer, HeldFrameEncoder, HeldFrameWriter, SVGCamera):
        base = cls.__mro__[1]
        for name in vars(cls):
            if callable(vars(cls)[name]) and not name.startswith("__") and hasattr(base, name):
                where = f"{base.__module__}:{base.__qualname__}.{name}"
                assert where in listed, f"{cls.__name__}.{name} overrides {where}: list it in MANIM_MEMBERS"


def _instances(tmp_path) -> dict:
    """A live instance of each class whose instance attributes bpviz uses, by ``module:Class``."""
    svg = tmp_path / "dot.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
                   '<circle cx="2" cy="2" r="1"/></svg>')
    output = OutputSpec(OutputFormat.MP4, transparent=False, save_sections=False, fallback_to_still=False)
    spec = resolve_video_encoder(output, width=160, height=96, frame_rate=10, pixel_format="auto",
                                 options={})
    with tempconfig({**_SMALL, "media_dir": str(tmp_path / "media")}):
        encoder = VideoSegmentEncoder(target=tmp_path / "segment.mp4", spec=spec)
        encoder.abort()
        return {"manim.camera.camera:Camera": Camera(),
                "manim.scene.video_segment_encoder:VideoSegmentEncoder": encoder,
                "manim.scene.scene_file_writer:SceneFileWriter": Scene().renderer.file_writer,
                "manim.mobject.svg.svg_mobject:SVGMobject": SVGMobject(str(svg))}


def test_the_manim_attributes_bpviz_uses_exist(tmp_path):
    instances = _instances(tmp_path)
    for member in _ATTRIBUTES:
        owner, _, name = member.where.rpartition(".")
        assert hasattr(instances[owner], name), _recheck(member)
    assert isinstance(instances["manim.camera.camera:Camera"].pixel_array_to_cairo_context, dict)


def _stored():
    return {p.where: vars(resolve(p.owner))[p.name] for p in PATCHES}


def test_installing_and_removing_restores_manims_originals(tmp_path):
    before = _stored()
    manims = {p.where: getattr(resolve(p.owner), p.name) for p in PATCHES}
    assert not any(hasattr(f, MANIM_ORIGINAL) for f in manims.values()), "a patch was left installed"
    with ManimPatches(tmp_path) as outer:
        assert outer.installed
        for patch in PATCHES:
            now = getattr(resolve(patch.owner), patch.name)
            assert now is not manims[patch.where] and getattr(now, MANIM_ORIGINAL) is manims[patch.where]
        assert isinstance(vars(resolve("manimpango:PangoUtils"))["remove_last_M"], staticmethod)
        with pytest.raises(RuntimeError):
            outer.install()
        outer_stored = _stored()
        with ManimPatches(tmp_path / "inner"):  # wraps Manim's functions, not the outer patches
            for patch in PATCHES:
                now = getattr(resolve(patch.owner), patch.name)
                assert getattr(now, MANIM_ORIGINAL) is manims[patch.where]
        assert _stored() == outer_stored
    assert not outer.installed
    assert all(_stored()[where] is before[where] for where in before)


def test_patched_manim_goes_through_the_caches(tmp_path, monkeypatch):
    """MathTex and Text reach the three patches: shapes stored, LaTeX published, text rewritten privately."""
    rewrites = []
    rewrite = typeset.rewrite_privately
    monkeypatch.setattr(typeset, "rewrite_privately", lambda f, r: (rewrites.append(f), rewrite(f, r)))
    root = tmp_path / "cache"
    with ManimPatches(root), typeset_dirs(root) as dirs, tempconfig({**dirs, **_SMALL}):
        MathTex(r"w^{3}_{21} = 0.4187")
        Text("patched words")
    assert len(rewrites) == 1
    assert len(list((root / "tex").glob("*.svg"))) == 1 and not list((root / "tex").glob("*.lock"))
    assert len(list((root / "svg").glob("*.npz"))) == 2


def test_a_failed_install_leaves_manim_as_it_was(tmp_path):
    before = _stored()
    broken = manim_patches.Patch("manim.camera.camera:Camera", "no_such_member", why="", relies_on="",
                                 build=lambda original, root: original)
    with pytest.raises(KeyError):
        ManimPatches(tmp_path, patches=(*PATCHES[:2], broken)).install()
    assert all(_stored()[where] is before[where] for where in before)



def _shapes(mob) -> list:
    """What a mobject draws: each member's kind, points and colours, in family order."""
    return [(type(m).__name__, m.points.tobytes(), m.fill_rgbas.tobytes(), m.stroke_rgbas.tobytes(),
             m.stroke_width) for m in mob.get_family()]


@contextmanager
def _counted_svg_builds():
    """The kinds of the mobjects Manim built from an SVG (``SVGMobject.__init__`` ran) in the block."""
    made, init = [], SVGMobject.__init__

    def counted(self, *args, **kwargs):
        made.append(type(self).__name__)
        init(self, *args, **kwargs)

    SVGMobject.__init__ = counted
    try:
        yield made
    finally:
        SVGMobject.__init__ = init


def test_a_text_or_equation_built_again_is_a_copy_of_an_earlier_build(tmp_path):
    """Equal arguments give a copy equal to Manim's own build, which the caller can change freely."""
    root = tmp_path / "cache"
    builds = [(Text, ("twice the same words",), {"font_size": 30, "color": "#ECEFF4"}),
              (MathTex, (r"z^{1}_{1}", r"= 0.3775"), {"font_size": 36, "color": "#C39BD3"})]
    with typeset_dirs(root) as dirs, tempconfig({**dirs, **_SMALL}):
        with ManimPatches(root, PATCHES[:3]):  # Manim builds every one
            for cls, args, kwargs in builds:  # the first build parses its SVG; later ones read the
                cls(*args, **kwargs)          # stored shapes (the same numbers, signed zeros aside)
            manims = [cls(*args, **kwargs) for cls, args, kwargs in builds]
        with ManimPatches(root):
            with _counted_svg_builds() as built_twice:  # a key met once keeps nothing: built again
                first = [cls(*args, **kwargs) for cls, args, kwargs in builds]
                second = [cls(*args, **kwargs) for cls, args, kwargs in builds]
            for mob in [*first, *second]:  # what a chapter does to its mobject stays with it
                mob.scale(2).shift([1, 2, 0]).set_color("#FF0000")
            with _counted_svg_builds() as made:
                again = [cls(*args, **kwargs) for cls, args, kwargs in builds]
                other = Text("twice the same words", font_size=31, color="#ECEFF4")
    assert built_twice == ["Text", "MathTex"] * 2
    assert made == ["Text"], "only the text of another size is built again"
    for manim, copy in zip(manims, again):
        assert type(copy) is type(manim) and _shapes(copy) == _shapes(manim)
        assert set(vars(copy)) == set(vars(manim))
        assert copy.get_family()[1].points is not manim.get_family()[1].points
    for mob, copy in zip(first + second, again + again):
        assert not set(map(id, mob.get_family())) & set(map(id, copy.get_family()))
    assert again[1].tex_template is manims[1].tex_template  # shared, as Manim shares it
    assert other.height > again[0].height


def test_a_subclass_or_an_argument_without_a_plain_form_is_built_by_manim(tmp_path):
    class Subtitle(Text):
        pass

    root = tmp_path / "cache"
    red = {"red": np.array([1.0, 0.0, 0.0])}  # a colour as an array: no plain form for the key
    with typeset_dirs(root) as dirs, tempconfig({**dirs, **_SMALL}), ManimPatches(root):
        with _counted_svg_builds() as made:
            Subtitle("built by Manim")
            sub = Subtitle("built by Manim")
            odd = [Text("red words", t2c=red) for _ in range(2)]
    assert made == ["Subtitle", "Subtitle", "Text", "Text"]
    assert type(sub) is Subtitle and odd[0] is not odd[1]


def test_build_key_names_what_a_build_depends_on():
    from manim import ManimColor
    from manim.utils.tex import TexTemplate

    key = manim_patches.build_key(("w",), {"color": ManimColor("#ECEFF4"), "t2c": {"w": "#FF0000"}})
    assert key == manim_patches.build_key(("w",), {"t2c": {"w": "#FF0000"}, "color": ManimColor("#ECEFF4")})
    assert key != manim_patches.build_key(("w",), {"color": ManimColor("#ECEFF5"), "t2c": {"w": "#FF0000"}})
    with tempconfig({"tex_template": TexTemplate(preamble=r"\usepackage{amsmath}")}):
        assert manim_patches.build_key(("w",), {"color": ManimColor("#ECEFF4"),
                                                "t2c": {"w": "#FF0000"}}) != key
    with pytest.raises(TypeError):
        manim_patches.build_key((np.array([1.0]),), {})
