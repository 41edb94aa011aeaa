"""Where a :class:`~scenes.story.Story` comes from: a config path, a preset, a trace file or a trace.

Loading is the film's one door to the engine's work: a config is checked (its ``[video]`` table
by :mod:`scenes.video_config`) and trained by :func:`backprop_core.train.train`, a trace file is
read and its ``[video]`` table checked. The Story itself only reads what it is given.
"""

from __future__ import annotations

from backprop_core import io
from backprop_core.config import load
from backprop_core.config_checks import ValueChecker
from backprop_core.errors import ConfigError
from backprop_core.trace import Trace
from backprop_core.train import train

from .story import Story
from .text import DEFAULT_LANGUAGE
from .video_config import resolve, resolve_trace, video_of


def story_from_trace(trace: Trace, language: str | None = None, **video) -> Story:
    """A Story of ``trace``; ``language`` (``--lang``) and ``video`` override its ``[video]`` table.

    A trace written before ``[video] language`` existed is told in English.
    """
    resolved = {"language": DEFAULT_LANGUAGE, **video_of(trace),
                **{k: v for k, v in video.items() if v is not None}}
    if language is not None:
        resolved["language"] = language
    story = Story(trace, resolved)
    story.record  # noqa: B018  -- fail early, with the config error, on a missing step or sample
    return story


def load_story(source: str | None = None, language: str | None = None, trust_trace: bool = False,
               **video) -> Story:
    """A Story from a TOML path, a preset name (``None``: the default) or a trace ``.json`` file.

    A trace file is checked against its own equations (:func:`backprop_core.io.load`) unless
    ``trust_trace``.
    """
    if source and source.lower().endswith(".json"):
        trace = resolve_trace(io.load(source, trust=trust_trace), source)
        checker = ValueChecker(f"{source} (config)", "")
    else:
        cfg = resolve(load(source))
        trace, checker = train(cfg), ValueChecker(cfg.source, cfg.text)
    try:
        return story_from_trace(trace, language, **video)
    except ConfigError as err:
        if err.source is not None or not err.key_message.startswith("[video] "):
            raise
        key = err.key_message.split(":", 1)[0].split()[1]  # "[video] step: ..." -> step
        checker.fail("video", key, err.key_message.split(": ", 1)[1])
