"""The renderer's parts that bpviz swaps in for Manim's when it renders.

A faster camera (:mod:`~bpviz.renderer.camera`), a faster writer (:mod:`~bpviz.renderer.encoder`)
and every patch of Manim internals (:mod:`~bpviz.renderer.manim_patches`). The film in
:mod:`scenes` runs on stock Manim without them.
"""
