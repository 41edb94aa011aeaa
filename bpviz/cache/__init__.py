"""Caches kept between runs, shared by every bpviz process of a user.

Typeset LaTeX and text SVGs (:mod:`~bpviz.cache.typeset`, LaTeX claimed per equation in
:mod:`~bpviz.cache.tex_claims`) and their parsed shapes (:mod:`~bpviz.cache.svg_shapes`). The render
cache of finished chapters is kept by :mod:`bpviz.production.jobs`. A new cache goes here, with
its folder under :func:`bpviz.cache.paths.cache_dir`. The caches are plain functions; Manim reaches
the typeset and shape caches through the patches of :mod:`bpviz.renderer.manim_patches`, the one
place where Manim's internals are replaced.
"""
