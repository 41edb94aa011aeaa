"""Fingerprints of chapter renders: a hash of everything a chapter's video depends on.

A chapter's fingerprint hashes the trace numbers it shows, the ``[video]`` table, the language,
the render options, the source of bpviz (``bpviz/``, ``scenes/`` and ``backprop_core/``) and the versions of
Manim and PyAV. Equal fingerprints mean equal videos, so a finished render is reused.

Which trace numbers: the chapters that read only the explained step (the registry's
:data:`~scenes.chapters.registry.STEP_CHAPTERS`) show the explained step *before* its update
(its weights, activations, deltas, gradients and loss), the config without the learning rate,
and the weight scale (the largest ``|w|`` of the whole trace rounded up to two significant
figures, which sets every edge's colour and width). Every other chapter (``update``,
``training``, and any chapter added later) depends on the whole trace. So a new learning rate
re-renders ``update`` and ``training``, and the others only when it moves the weight scale or
the explained step (a step after the first). The config's file name is never hashed: the same
config under another name renders the same.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from backprop_core import io
from backprop_core.trace import Trace
from scenes.chapters.registry import STEP_CHAPTERS

SOURCES = ("bpviz", "scenes", "backprop_core")
"""Packages whose files a render depends on (their ``.py`` and ``.toml`` files are hashed)."""


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of bpviz's source files and of the Manim and PyAV versions."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]  # the folder holding the three packages
    for package in SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    for dist in ("manim", "av"):
        try:
            digest.update(f"{dist}=={version(dist)}".encode())
        except PackageNotFoundError:
            digest.update(f"{dist} missing".encode())
    return digest.hexdigest()


def trace_view(chapter: str, trace: Trace, video: dict) -> dict:
    """The part of ``trace`` that ``chapter`` shows (see the module docstring)."""
    if chapter not in STEP_CHAPTERS:
        whole = io.to_dict(trace)
        whole["config"] = {k: v for k, v in whole["config"].items() if k != "source"}
        return whole
    from scenes.story import Story

    story = Story(trace, video)
    config = {table: dict(values) if isinstance(values, dict) else values
              for table, values in trace.config.items() if table not in ("video", "source")}
    config["training"].pop("learning_rate", None)
    step = io._step_dict(story.step)
    for after in ("weights_after", "biases_after"):
        step.pop(after)
    return {"config": config, "step": step, "weight_scale": story.weight_scale}


def job_fingerprint(chapter: str, trace: Trace, video: dict, language: str, options: dict) -> str:
    """The fingerprint of rendering ``chapter`` (hex SHA-256)."""
    content = {"chapter": chapter, "trace": trace_view(chapter, trace, video), "video": video,
               "language": language, "options": options, "code": code_version()}
    text = json.dumps(content, sort_keys=True, default=repr, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()
