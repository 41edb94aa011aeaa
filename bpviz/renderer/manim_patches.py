"""Every patch of Manim's internals, and every Manim member bpviz relies on, in one place.

bpviz replaces five attributes of Manim and manimpango while it renders (:data:`PATCHES`): three
so that a cache of :mod:`bpviz.cache` is used where Manim has no hook for one, and the
``__init__`` of ``Text`` and ``MathTex`` so that a mobject built before with the same arguments
is handed out as a deep copy instead of being built again (the copies are kept per installation).
The caches keep their logic (keys, files, claims); a patch only routes Manim's call to them, with
Manim's own function to fall back on. :class:`ManimPatches` installs them for one cache root and removes them
again (a ``with`` block; :func:`bpviz.production.session.manim_session` holds one per render).

The renderer's other parts are subclasses handed to a scene, not patches:
:class:`~bpviz.renderer.camera.FadeCamera` and :class:`~bpviz.renderer.camera.FrameRenderer`
override methods of Manim's camera and renderer, :class:`~bpviz.renderer.encoder.HeldFrameWriter`
and :class:`~bpviz.renderer.encoder.HeldFrameEncoder` a private method of Manim's writer and the
encoding loop of its segment encoder, whose private members they use. :data:`MANIM_MEMBERS` lists
every Manim member that a patch or one of those classes (and the vector stills'
:class:`~bpviz.outputs.svg_still.SVGCamera`) replaces, overrides, calls or reads, with its call
signature and, for a function whose behaviour bpviz repeats or depends on, a hash of its source
in Manim 0.22.0. ``tests/renderer/test_manim_patches.py`` checks them against the installed
Manim, so an upgrade that changes one fails and names the bpviz part to re-check.

State: while installed, a patched attribute of Manim holds bpviz's function; that is the
monkeypatch itself, and the only module-level state of the renderer. Each replacement carries
Manim's function it stands in for (attribute ``_manim_original``), so a second
:class:`ManimPatches` installed inside the first wraps Manim's function, not bpviz's. What an
installed :class:`ManimPatches` replaced is kept on that object, to be put back by
:meth:`ManimPatches.remove`.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bpviz.cache import svg_shapes, tex_claims, typeset

MANIM_ORIGINAL = "_manim_original"
"""Attribute of each installed replacement: the Manim (or manimpango) function it stands in for."""


@dataclass(frozen=True)
class Patch:
    """One attribute of Manim (or manimpango) that bpviz replaces while it renders.

    Parameters
    ----------
    owner : str
        The module or class holding the attribute, as ``"module:Class"`` or ``"module"``.
    name : str
        The attribute replaced.
    why : str
        Why bpviz replaces it.
    relies_on : str
        What in Manim makes the replacement take effect and stay correct.
    build : callable
        ``build(original, cache_root)``: the replacement, calling Manim's ``original`` where the
        cache under ``cache_root`` cannot answer.
    static : bool
        Whether the attribute is a ``staticmethod`` of its class (it is put back as one).
    """

    owner: str
    name: str
    why: str
    relies_on: str
    build: Callable[[Callable, Path], Callable]
    static: bool = False

    @property
    def where(self) -> str:
        """``owner.name``, as :data:`MANIM_MEMBERS` spells it."""
        return f"{self.owner}.{self.name}" if ":" in self.owner else f"{self.owner}:{self.name}"


def _through_svg_shapes(parse: Callable, cache_root: Path) -> Callable:
    folder = cache_root / "svg"

    def generate_mobject(self):
        """``SVGMobject.generate_mobject`` through bpviz's shape cache (:mod:`bpviz.cache.svg_shapes`)."""
        return svg_shapes.generate_mobject(self, folder, parse)

    return generate_mobject


def _through_tex_claims(compile_svg: Callable, cache_root: Path) -> Callable:
    shared_dir = cache_root / "tex"

    def tex_to_svg_file(expression, environment=None, tex_template=None):
        """Manim's ``tex_to_svg_file`` through the claims of :mod:`bpviz.cache.tex_claims`."""
        return tex_claims.tex_to_svg_file(expression, environment, tex_template,
                                          shared_dir=shared_dir, compile_svg=compile_svg)

    return tex_to_svg_file


def _rewrite_privately(rewrite: Callable, cache_root: Path) -> Callable:
    def remove_last_M(file_name: str) -> None:
        """The in-place rewrite of a text SVG, made on a private copy (:mod:`bpviz.cache.typeset`)."""
        typeset.rewrite_privately(file_name, rewrite)

    return remove_last_M


def _plain(value):
    """``value`` as a hashable plain value for a build key; ``TypeError`` for what has none."""
    from manim import ManimColor
    from manim.utils.tex import TexTemplate

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, ManimColor):
        return ("color", value.to_hex(with_alpha=True))
    if isinstance(value, TexTemplate):
        return ("tex_template", value.tex_compiler, value.output_format, value.body)
    if isinstance(value, list | tuple):
        return (type(value).__name__, *map(_plain, value))
    if isinstance(value, dict):
        return ("dict", *sorted((_plain(k), _plain(v)) for k, v in value.items()))
    raise TypeError(f"no plain form for a {type(value).__name__}")


def build_key(args: tuple, kwargs: dict) -> tuple:
    """What a ``Text`` or ``MathTex`` built from ``args`` and ``kwargs`` depends on.

    The arguments and the config keys its shapes read (the renderer's points per curve, the
    default TeX template).

    Raises ``TypeError`` when an argument has no plain form (it is then built as Manim builds it).
    """
    from manim import config

    return (_plain(args), _plain(kwargs), str(config.renderer), _plain(config.tex_template))


_ONCE = object()
"""Marks a build key met once (nothing kept yet)."""


def _copies_of_built(owner: str) -> Callable[[Callable, Path], Callable]:
    """The patch of ``owner.__init__`` that builds each distinct mobject once per installation.

    The first two ``owner(*args, **kwargs)`` with the same :func:`build_key` are built by Manim,
    and a deep copy of the second is kept (before the caller moves or recolours it); a later one
    takes a deep copy of that. Most texts of a chapter are built once, and keeping a copy of each
    would cost more than the repeats save. A subclass (its own ``__init__`` may differ) is always
    built by Manim.
    """

    def build(init: Callable, cache_root: Path) -> Callable:
        cls = resolve(owner)
        built: dict[tuple, object] = {}

        def __init__(self, *args, **kwargs):
            """Manim's ``__init__``, or a copy of the same mobject built before (see ``_copies_of_built``)."""
            if type(self) is not cls:
                return init(self, *args, **kwargs)
            try:
                key = build_key(args, kwargs)
            except TypeError:
                return init(self, *args, **kwargs)
            kept = built.get(key)
            if kept is None or kept is _ONCE:  # kept from the second build on: most are built once
                init(self, *args, **kwargs)
                built[key] = _ONCE if kept is None else _deep_copy(self)
                return None
            self.__dict__.update(_deep_copy(kept).__dict__)
            return None

        return __init__

    return build


def _deep_copy(mob):
    """``mob.copy()`` (Manim's deep copy), its TeX template shared as a fresh build shares it."""
    import copy

    template = getattr(mob, "tex_template", None)
    memo = {} if template is None else {id(template): template}
    clone = copy.deepcopy(mob, memo)
    clone.__dict__.pop("original_id", None)
    return clone


PATCHES: tuple[Patch, ...] = (
    Patch(
        "manim.mobject.svg.svg_mobject:SVGMobject", "generate_mobject",
        why="Parsing an SVG into VMobjects costs about 0.1 s per MathTex or Text, and Manim keeps the "
            "result only in one process (SVG_HASH_TO_MOB_MAP); bpviz stores the shapes between runs.",
        relies_on="SVGMobject.init_svg_mobject calls self.generate_mobject() on a miss of its own map; "
                  "generate_mobject sets the leaves and id_to_vgroup_dict only, from get_file_path(), "
                  "and hash_seed names everything else the shapes depend on.",
        build=_through_svg_shapes),
    Patch(
        "manim.mobject.text.tex_mobject", "tex_to_svg_file",
        why="Renders running at once would compile the same new equation each; a claim per "
            "equation makes one compile it and the others use its SVG.",
        relies_on="SingleStringMathTex.__init__ calls tex_to_svg_file by its name in tex_mobject's "
                  "globals; the SVG is generate_tex_file(...).with_suffix('.svg') in tex_dir, "
                  "returned at once when it exists.",
        build=_through_tex_claims),
    Patch(
        "manimpango:PangoUtils", "remove_last_M",
        why="Text rewrites its SVG in place each time it is built; a seeded SVG is a hard link to "
            "the shared cache, which that rewrite would truncate while other renders read it.",
        relies_on="Text.__init__ and MarkupText.__init__ call PangoUtils.remove_last_M(file_name) on "
                  "the SVG in text_dir, as a static method that rewrites the file it is given.",
        build=_rewrite_privately, static=True),
    Patch(
        "manim.mobject.text.text_mobject:Text", "__init__",
        why="A chapter builds the same text many times (a heading every beat, a label re-made with "
            "the same value, a line measured while wrapping); Manim builds each from its SVG again "
            "(about 5-10 ms), a deep copy of an earlier build costs about 1 ms.",
        relies_on="Text.__init__ sets up the instance from its arguments and Manim's config alone "
                  "(its SVG's name is a hash of them), so two builds with equal arguments are equal; "
                  "Mobject.__deepcopy__ copies the whole family with its attributes.",
        build=_copies_of_built("manim.mobject.text.text_mobject:Text")),
    Patch(
        "manim.mobject.text.tex_mobject:MathTex", "__init__",
        why="The same equation is built again and again (each beat's panel, each wrap tried, the "
            "glosses fitted under it); Manim parses, splits and colours it each time (5-25 ms), a "
            "deep copy of an earlier build costs about 1 ms.",
        relies_on="MathTex.__init__ sets up the instance from its arguments and Manim's config "
                  "(renderer, tex_template) alone; Mobject.__deepcopy__ copies the whole family "
                  "with its attributes (id_to_vgroup_dict refers to parts of the family and is "
                  "copied with it).",
        build=_copies_of_built("manim.mobject.text.tex_mobject:MathTex")),
)
"""The patches :class:`ManimPatches` installs, in order."""


def resolve(where: str):
    """The object named ``"module:Qual.name"`` (or ``"module"``, or ``"module:name"``)."""
    module, _, qualname = where.partition(":")
    obj = importlib.import_module(module)
    for part in filter(None, qualname.split(".")):
        obj = getattr(obj, part)
    return obj


class ManimPatches:
    """bpviz's patches of Manim (:data:`PATCHES`) for the caches under one root.

    Install with :meth:`install` and undo with :meth:`remove`, or use a ``with`` block.
    Patches installed by two objects must be removed in the reverse order (nested ``with``).

    Parameters
    ----------
    cache_root : pathlib.Path
        The caches' root (:func:`bpviz.cache.paths.cache_dir`): shapes in ``svg/``, LaTeX
        claims and SVGs in ``tex/``.
    patches : tuple of Patch
        The patches to install (all of :data:`PATCHES` unless a test picks some).
    """

    def __init__(self, cache_root: Path, patches: tuple[Patch, ...] = PATCHES):
        self.cache_root = Path(cache_root)
        self.patches = patches
        self._replaced: list[tuple[object, str, object]] = []

    @property
    def installed(self) -> bool:
        """Whether this object's patches are in place."""
        return bool(self._replaced)

    def install(self) -> ManimPatches:
        """Replace each patched attribute; returns ``self``. Installing twice is an error."""
        if self._replaced:
            raise RuntimeError("these Manim patches are installed already")
        try:
            for patch in self.patches:
                owner = resolve(patch.owner)
                before = vars(owner)[patch.name]  # as stored: a staticmethod stays one when put back
                current = getattr(owner, patch.name)
                original = getattr(current, MANIM_ORIGINAL, current)
                replacement = patch.build(original, self.cache_root)
                setattr(replacement, MANIM_ORIGINAL, original)
                setattr(owner, patch.name, staticmethod(replacement) if patch.static else replacement)
                self._replaced.append((owner, patch.name, before))
        except BaseException:
            self.remove()
            raise
        return self

    def remove(self) -> None:
        """Put back what :meth:`install` replaced (nothing when not installed)."""
        while self._replaced:
            owner, name, before = self._replaced.pop()
            setattr(owner, name, before)

    def __enter__(self) -> ManimPatches:
        return self.install()

    def __exit__(self, *exc) -> None:
        self.remove()


@dataclass(frozen=True)
class ManimMember:
    """A member of Manim (or manimpango) that bpviz replaces, overrides, calls or reads.

    Parameters
    ----------
    where : str
        ``"module:Class.member"`` (``"module:function"`` for a module's function).
    use : str
        ``"patched"`` (replaced by a :class:`Patch`), ``"overridden"`` (by a bpviz subclass),
        ``"called"`` or ``"attribute"`` (an instance attribute bpviz reads or writes).
    by : str
        The part of bpviz to re-check when it changes.
    signature : str or None
        Its call signature without annotations, for a function.
    source : str or None
        The first 16 hex digits of the SHA-256 of its source in Manim 0.22.0
        (:func:`source_hash`), for a function whose behaviour bpviz repeats or depends on.
    """

    where: str
    use: str
    by: str
    signature: str | None = None
    source: str | None = None


def plain_signature(function: Callable) -> str:
    """The call signature of ``function`` without annotations: ``"(self, pixels, *, repeat=1)"``."""
    signature = inspect.signature(function)
    plain = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=plain, return_annotation=inspect.Signature.empty))


def source_hash(obj) -> str:
    """The first 16 hex digits of the SHA-256 of the source of ``obj`` (a property: its getter)."""
    function = obj.fget if isinstance(obj, property) else obj
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


_SVG = "manim.mobject.svg.svg_mobject:SVGMobject"
_ENCODER = "manim.scene.video_segment_encoder:VideoSegmentEncoder"
_CAMERA = "manim.camera.camera:Camera"
_RENDERER = "manim.renderer.cairo_renderer:CairoRenderer"
_WRITER = "manim.scene.scene_file_writer:SceneFileWriter"
_SHAPES, _CLAIMS, _REWRITE = "patch of SVGMobject.generate_mobject (svg_shapes)", \
    "patch of tex_to_svg_file (tex_claims)", "patch of PangoUtils.remove_last_M (typeset)"
_BUILT = "patches of Text.__init__ and MathTex.__init__ (copies of built mobjects)"
_HELD, _FADE, _FRAME = "encoder.HeldFrameEncoder.write_frame", "camera.FadeCamera", \
    "camera.FrameRenderer.get_frame"

MANIM_MEMBERS: tuple[ManimMember, ...] = (
    # the patches (PATCHES) and what they rely on
    ManimMember(f"{_SVG}.generate_mobject", "patched", _SHAPES, "(self)", "9b758944c36bc462"),
    ManimMember(f"{_SVG}.init_svg_mobject", "called", _SHAPES, "(self, use_svg_cache)", "00dc4ecfaff4d4df"),
    ManimMember(f"{_SVG}.get_file_path", "called", _SHAPES, "(self)", "158cc334908fec37"),
    ManimMember(f"{_SVG}.hash_seed", "called", _SHAPES + ": the cache key", None, "9aee89a1354989dd"),
    ManimMember(f"{_SVG}.id_to_vgroup_dict", "attribute", _SHAPES),
    ManimMember("manim.mobject.text.tex_mobject:tex_to_svg_file", "patched", _CLAIMS,
                "(expression, environment=None, tex_template=None)", "b9bf5e69f268457b"),
    ManimMember("manim.utils.tex_file_writing:generate_tex_file", "called", _CLAIMS + ": the SVG's name",
                "(expression, environment=None, tex_template=None)", "1997843c0b9b34d5"),
    ManimMember("manimpango:PangoUtils.remove_last_M", "patched", _REWRITE, "(file_name)",
                "d75c7299903cb1f1"),
    ManimMember("manim.mobject.text.text_mobject:Text.__init__", "patched", _BUILT + " (Text)",
                "(self, text, fill_opacity=1.0, stroke_width=0, color=None, font_size=48, line_spacing=-1, "
                "font='', slant='NORMAL', weight='NORMAL', t2c=None, t2f=None, t2g=None, t2s=None, t2w=None, "
                "gradient=None, tab_width=4, warn_missing_font=True, height=None, width=None, "
                "should_center=True, disable_ligatures=False, use_svg_cache=False, **kwargs)",
                "70a2bf58dc91d8fc"),
    ManimMember("manim.mobject.text.tex_mobject:MathTex.__init__", "patched", _BUILT + " (MathTex)",
                "(self, *tex_strings, arg_separator=' ', substrings_to_isolate=None, tex_to_color_map=None, "
                "tex_environment='align*', **kwargs)", "82be8f08b25467fb"),
    ManimMember("manim.mobject.mobject:Mobject.__deepcopy__", "called", _BUILT + ": each copy handed out",
                "(self, clone_from_id)", "8a1349b6fc8ab459"),
    # bpviz.renderer.encoder: HeldFrameWriter and HeldFrameEncoder
    ManimMember(f"{_WRITER}._create_segment_encoder", "overridden", "encoder.HeldFrameWriter",
                "(self, target)", "02e02b1de2175d5a"),
    ManimMember(f"{_WRITER}.video_encoder", "attribute", "encoder.HeldFrameWriter"),
    ManimMember(f"{_ENCODER}.__init__", "called", _HELD + ": sets the members it uses",
                "(self, *, target, spec)", "12d46f28b82aff32"),
    ManimMember(f"{_ENCODER}.write_frame", "overridden", _HELD + " repeats its loop",
                "(self, pixels, *, repeat=1)", "0e576cf7abbe27f8"),
    ManimMember(f"{_ENCODER}._validate_frame", "called", _HELD, "(self, pixels, repeat)", "41a06c3f143dad1b"),
    ManimMember(f"{_ENCODER}._operation_error", "called", _HELD, "(self, operation, error)",
                "cce96fc55a35833a"),
    ManimMember(f"{_ENCODER}.spec", "attribute", _HELD),
    ManimMember(f"{_ENCODER}._next_pts", "attribute", _HELD),
    ManimMember(f"{_ENCODER}._stream", "attribute", _HELD),
    ManimMember(f"{_ENCODER}._container", "attribute", _HELD),
    # bpviz.renderer.camera: FadeCamera and FrameRenderer
    ManimMember(f"{_CAMERA}.set_pixel_array", "overridden", _FADE + ".set_pixel_array",
                "(self, pixel_array, convert_from_floats=False)", "5bcba816d6abd92b"),
    ManimMember(f"{_CAMERA}.convert_pixel_array", "called", _FADE + ".set_pixel_array",
                "(self, pixel_array)"),
    ManimMember(f"{_CAMERA}.pixel_array_to_cairo_context", "attribute", _FADE + ".set_pixel_array"),
    ManimMember(f"{_CAMERA}.cache_cairo_context", "called", _FADE + ".set_pixel_array: contexts by id()",
                "(self, pixel_array, ctx)", "225b955e8c47b747"),
    ManimMember(f"{_CAMERA}.display_multiple_non_background_colored_vmobjects", "overridden",
                _FADE + ".display_multiple_non_background_colored_vmobjects",
                "(self, vmobjects, pixel_array)", "b0521f393123bb6f"),
    ManimMember(f"{_CAMERA}.get_cairo_context", "called",
                _FADE + " (overridden by outputs.svg_still.SVGCamera)", "(self, pixel_array)",
                "52cd4d27b9131e67"),
    ManimMember(f"{_CAMERA}.display_vectorized", "called", _FADE, "(self, vmobject, ctx)",
                "4d9d158f2a424050"),
    ManimMember(f"{_CAMERA}.cairo_line_width_multiple", "attribute", _FADE + "._picture"),
    ManimMember(f"{_RENDERER}.get_frame", "overridden", _FRAME, "(self)", "9d5ffa0b9ee9bdb1"),
    ManimMember(f"{_CAMERA}.get_mobjects_to_display", "called",
                "camera.FrameRenderer.still_key: the leaves a frame draws, in order",
                "(self, mobjects, include_submobjects=True, excluded_mobjects=None)", "ef93088d70b3ca3f"),
    ManimMember(f"{_CAMERA}.capture_mobjects", "called",
                "camera.FrameRenderer.still_key: draws exactly get_mobjects_to_display's leaves",
                "(self, mobjects, **kwargs)", "958b8f23af48f900"),
    ManimMember(f"{_RENDERER}.play", "overridden", "camera.FrameRenderer.play: marks a play",
                "(self, scene, *args, **kwargs)", "5affbe0f311d6099"),
    ManimMember(f"{_RENDERER}.update_frame", "overridden",
                "camera.FrameRenderer.update_frame: no drawing inside a skipped play",
                "(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs)",
                "8f79c10a482647be"),
    ManimMember(f"{_RENDERER}.__init__", "called", "production.session.chapter",
                "(self, file_writer_class=<class 'manim.scene.scene_file_writer.SceneFileWriter'>, "
                "camera_class=None, skip_animations=False, **kwargs)"),
    # bpviz.outputs.svg_still: SVGCamera draws Manim's paths into an SVG surface
    ManimMember(f"{_CAMERA}.set_cairo_context_color", "overridden", "outputs.svg_still.SVGCamera",
                "(self, ctx, rgbas, vmobject)", "2c53d3a7c71e4250"),
    ManimMember(f"{_CAMERA}.transform_points_pre_display", "called", "outputs.svg_still.SVGCamera",
                "(self, mobject, points)"),
)
"""Every Manim member bpviz depends on beyond Manim's documented use (see the module)."""
