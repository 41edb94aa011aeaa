"""A cache of parsed SVGs: Manim's shapes of each typeset equation or text, kept between runs.

With the typeset cache warm (:mod:`bpviz.cache.typeset`), most of the time of building a
``MathTex`` or ``Text`` goes into parsing its SVG (svgelements) and turning every path into a
``VMobject``: about 0.1 s each, 25 s for the stills of mazur at 1080p. Manim caches the result
only inside one process and by file path (and each render typesets in a private folder).

:func:`generate_mobject` is Manim's ``SVGMobject.generate_mobject`` through this cache (the patch
that routes Manim's call here lives in :mod:`bpviz.renderer.manim_patches`): the shapes (points
and style of every leaf, and the named groups ``MathTex`` splits by) are stored in
``<cache>/svg/<key>.npz``, keyed by the SVG file's content and the mobject's own hash seed
without the path, and read back on the next build of the same SVG. The file holds arrays and
JSON only (read without pickle), and is written under a temporary name then renamed, so parallel
renders share it safely. A file that cannot be read back (cut, emptied, garbled) is reported in
one line, removed and made again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
from manim import VGroup, VMobject, config
from manim.mobject.svg.svg_mobject import SVGMobject

from backprop_core.io import write_atomically
from bpviz.cache.entries import warn

ARRAYS = ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")
SCALARS = ("stroke_width", "background_stroke_width", "fill_opacity", "stroke_opacity",
           "background_stroke_opacity")


def _key(mob: SVGMobject, path: Path) -> str:
    seed = tuple(item for item in mob.hash_seed if item != mob.file_name)
    digest = hashlib.sha256(repr((seed, config.renderer)).encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def _save(mob: SVGMobject, target: Path) -> None:
    leaves = list(mob.submobjects)
    index = {id(leaf): i for i, leaf in enumerate(leaves)}
    groups = {name: [index[id(m)] for m in group.submobjects if id(m) in index]
              for name, group in mob.id_to_vgroup_dict.items()}
    data = {"meta": np.array(json.dumps({"groups": groups}))}
    for name in ARRAYS:
        parts = [np.asarray(getattr(leaf, name), dtype=float) for leaf in leaves]
        data[name] = np.concatenate(parts) if parts else np.zeros((0, 3))
        data[f"{name}_counts"] = np.array([len(p) for p in parts], dtype=np.int64)
    for name in SCALARS:
        data[name] = np.array([np.nan if getattr(leaf, name, None) is None else float(getattr(leaf, name))
                               for leaf in leaves])
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = BytesIO()
    np.savez(buffer, **data)
    write_atomically(target, buffer.getvalue(), sync=False)


def _clone(template, **values):
    """A new mobject like the fresh ``template``, with ``values`` set.

    Manim's ``__init__`` (colours parsed, arrays generated) costs far more than the shapes it is
    given afterwards.
    """
    mob = template.__class__.__new__(template.__class__)
    mob.__dict__.update(template.__dict__)
    mob.submobjects, mob.updaters = [], []
    mob.sheen_direction = template.sheen_direction.copy()
    mob.__dict__.update(values)
    return mob


def _load(mob: SVGMobject, source: Path) -> None:
    with np.load(source, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        split = {name: np.split(data[name], np.cumsum(data[f"{name}_counts"])[:-1]) for name in ARRAYS}
        scalars = {name: data[name] for name in SCALARS}
    template, leaves = VMobject(), []
    for i in range(len(scalars["stroke_width"])):
        values = {name: split[name][i].copy() for name in ARRAYS}
        for name in SCALARS:
            value = float(scalars[name][i])
            values[name] = None if np.isnan(value) else value
        leaves.append(_clone(template, **values))
    mob.add(*leaves)
    group = VGroup()
    mob.id_to_vgroup_dict = {name: _clone(group, submobjects=[leaves[i] for i in members])
                             for name, members in meta["groups"].items()}


def generate_mobject(mob: SVGMobject, folder: Path, parse: Callable[[SVGMobject], SVGMobject]) -> SVGMobject:
    """Give ``mob`` the shapes of its SVG from the cache in ``folder``, or ``parse`` and store them.

    Parameters
    ----------
    mob : SVGMobject
        The mobject being built (its SVG file is already written).
    folder : pathlib.Path
        The shape cache (``<cache>/svg``).
    parse : callable
        Manim's own ``SVGMobject.generate_mobject``: used on a miss, and when the file cannot be
        read or keyed (its shapes are then not stored).

    Returns
    -------
    SVGMobject
        ``mob``, with its leaves and ``id_to_vgroup_dict`` set, as Manim's method returns it.
    """
    try:
        path = mob.get_file_path()
        cached = Path(folder) / f"{_key(mob, path)}.npz"
    except (OSError, ValueError):
        return parse(mob)
    if cached.is_file():
        try:
            _load(mob, cached)
            return mob
        except Exception as err:  # noqa: BLE001 - a cut or garbled file (zip, npy, JSON): parse again
            mob.submobjects = []
            warn(f"the shape cache file {cached} is damaged ({type(err).__name__}); parsing its SVG again")
            cached.unlink(missing_ok=True)
    parse(mob)
    try:
        _save(mob, cached)
    except OSError:
        pass
    return mob
