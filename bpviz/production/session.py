"""A Manim session: the config of one render, its typeset caches, and the renderer's own parts.

:func:`manim_session` is how every render of bpviz talks to Manim: Manim's global config set for
one render in a temporary media folder, LaTeX and text typeset through the shared caches
(:mod:`bpviz.cache`), Manim's internals patched where bpviz needs it
(:mod:`bpviz.renderer.manim_patches`). :func:`chapter` builds a chapter scene with bpviz's
faster camera and writer (:mod:`bpviz.renderer`).
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from manim import tempconfig

from bpviz.cache.paths import cache_dir
from bpviz.cache.typeset import typeset_dirs
from bpviz.outputs.formats import frame_config
from bpviz.renderer.camera import FadeCamera, FrameRenderer
from bpviz.renderer.encoder import HeldFrameWriter
from bpviz.renderer.manim_patches import PATCHES, ManimPatches
from scenes.chapters import chapter_scene


def manim_config(quality: str, media_dir: Path, aspect: str = "16:9", **extra) -> dict:
    """Manim's config for one render with output in ``media_dir`` (typeset folders: the caller's)."""
    return {**frame_config(quality, aspect), "media_dir": str(media_dir), "verbosity": "ERROR",
            "progress_bar": "none", "disable_caching": True, **extra}


@contextmanager
def manim_session(quality: str, aspect: str = "16:9", patches: tuple = PATCHES, **extra):
    """Manim's config for one render, in a temporary media folder and private typeset folders.

    Yields the media folder. Manim's internals are patched for the session's length
    (:class:`~bpviz.renderer.manim_patches.ManimPatches`), so that LaTeX and text are typeset
    through :func:`typeset_dirs` (renders running at the same time share the cache without
    breaking each other's files, and compile each new equation once) and their SVGs are parsed
    once (:mod:`bpviz.cache.svg_shapes`); Manim is as before once the session ends. ``patches``
    replaces the patches installed (the look-ahead's collect its equations: :mod:`bpviz.production.prefetch`).
    """
    root = cache_dir()
    with tempfile.TemporaryDirectory(prefix="bpviz-") as tmp, ManimPatches(root, patches), \
            typeset_dirs(root) as typeset, \
            tempconfig({**manim_config(quality, Path(tmp), aspect, **extra), **typeset}):
        yield Path(tmp)


def chapter(name: str, story, beat_end=None, skip_animations: bool = False, beat_voice=None, glossed=None):
    """The scene of chapter ``name`` of ``story`` on bpviz's camera and writer (call ``render()``).

    The camera draws each fade from one picture (:class:`~bpviz.renderer.camera.FadeCamera`),
    the renderer queues frames without a copy and the writer converts a held frame once
    (:class:`~bpviz.renderer.encoder.HeldFrameWriter`); the film is the same as on Manim's own.
    ``beat_voice`` gives each beat's seconds of voice (:class:`~bpviz.voice.beats.JobVoice`);
    ``glossed`` the symbols the film glossed before this chapter (a job's ``glossed`` option).
    """
    renderer = FrameRenderer(file_writer_class=HeldFrameWriter, camera_class=FadeCamera,
                             skip_animations=skip_animations)
    return chapter_scene(name)(story, beat_end=beat_end, beat_voice=beat_voice, glossed=glossed,
                               skip_animations=skip_animations,
                               camera_class=FadeCamera, renderer=renderer)
