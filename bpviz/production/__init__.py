"""The production line: chapter renders as jobs, the render cache, joining chapters into films.

:mod:`~bpviz.production.session` opens a Manim session (config, typeset caches, patches);
:mod:`~bpviz.production.render` renders one chapter in it (a video, its stills, its timed beats);
:mod:`~bpviz.production.jobs` runs chapter renders as pure jobs through the render cache
(fingerprints: :mod:`~bpviz.production.fingerprint`; LaTeX ahead: :mod:`~bpviz.production.prefetch`);
:mod:`~bpviz.production.concat` joins them into what the command line asked for.
"""
