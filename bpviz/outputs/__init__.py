"""What the production line writes besides Manim's own files.

Video formats and picture sizes (:mod:`~bpviz.outputs.formats`, gif in :mod:`~bpviz.outputs.gif`),
vector stills (:mod:`~bpviz.outputs.svg_still`), subtitles and the narration script
(:mod:`~bpviz.outputs.subtitles`), slide decks (:mod:`~bpviz.outputs.slides`). A new output
format goes here, its name into :mod:`bpviz.choices`.
"""
