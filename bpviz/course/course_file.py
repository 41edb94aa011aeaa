"""The course file: a TOML list of entries, each a config or preset with what to make of it.

::

    [course]                      # optional: a title and defaults for every entry
    title = "Backpropagation, step by step"
    qualities = ["low"]

    [[entry]]
    name = "mazur"                # the entry's folder (default: the source's name)
    source = "mazur"              # a preset, or a config / trace file (relative to this file)
    scenes = ["forward", "backward"]   # default: the config's [video] scenes
    languages = ["en", "es"]      # default: the config's [video] language
    aspects = ["16:9", "4:3"]     # default: 16:9
    themes = ["dark"]             # default: the config's [video] theme
    qualities = ["low"]           # default: medium
    formats = ["mp4"]             # video containers; default: mp4
    make = ["video", "stills"]    # of video, sections, stills, slides, script; default: video

Every list key may also be given as one string. :func:`read_course` checks the whole file before
anything renders; what is wrong is one line naming the file, the line, the entry and the key. The
configs themselves are read later, one entry at a time: a bad config fails its own entry's jobs
and the rest of the course goes on.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from backprop_core.config_checks import did_you_mean
from backprop_core.errors import ConfigError
from backprop_core.presets import PRESETS
from bpviz.choices import ASPECTS, QUALITIES, VIDEO_FORMATS
from scenes.chapters.registry import SCENES
from scenes.text import languages
from scenes.themes import THEMES

MAKES = ("video", "sections", "stills", "slides", "script")
"""What an entry can make: the videos, a clip per beat, a still per beat, a deck, the narration."""


def list_keys() -> dict[str, tuple[str, ...]]:
    """The list keys of an entry and the values each may hold (languages are the catalogue files)."""
    return {"scenes": SCENES, "languages": languages(), "aspects": tuple(ASPECTS),
            "themes": tuple(THEMES), "qualities": tuple(QUALITIES), "formats": VIDEO_FORMATS,
            "make": MAKES}


DEFAULTS = {"aspects": ("16:9",), "qualities": ("medium",), "formats": ("mp4",), "make": ("video",)}
"""Defaults of the list keys that do not come from the config (the others default to ``None``)."""
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""An entry's name: its folder in the course tree."""


@dataclass(frozen=True)
class Entry:
    """One entry of a course: a source and the lists its outputs are the product of.

    ``None`` in ``scenes``, ``languages`` or ``themes``: the config's own ``[video]`` value.
    """

    name: str
    source: str
    scenes: tuple[str, ...] | None
    languages: tuple[str, ...] | None
    aspects: tuple[str, ...]
    themes: tuple[str, ...] | None
    qualities: tuple[str, ...]
    formats: tuple[str, ...]
    make: tuple[str, ...]


@dataclass(frozen=True)
class Course:
    """A course file, checked: its title and entries."""

    path: Path
    title: str
    entries: tuple[Entry, ...]


class _Places:
    """Lines of the course file where an entry's keys are written (for the error messages)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*entry\s*\]\]", line)]
        course = [i for i, line in enumerate(self.lines) if re.match(r"^\s*\[\s*course\s*\]", line)]
        self.course = course[0] if course else None

    def line(self, entry: int | None, key: str | None) -> int | None:
        start = self.course if entry is None else (self.headers[entry] if entry < len(self.headers) else None)
        if start is None:
            return None
        if key is None:
            return start + 1
        for i in range(start + 1, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[i]):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[i]):
                return i + 1
        return start + 1


def read_course(path: str | Path) -> Course:
    """Read and check the course file at ``path``; a :class:`ConfigError` names what is wrong and where."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"course file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read course file {path}: {err}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", str(path)) from None
    places = _Places(text)

    def fail(entry: int | None, label: str, key: str | None, what: str):
        where = "[course]" if entry is None else f"[[entry]] {entry + 1}{label}"
        raise ConfigError(f"{where}{': ' + key if key else ''}: {what}", str(path), places.line(entry, key))

    unknown = [k for k in raw if k not in ("course", "entry")]
    if unknown:
        raise ConfigError(f"unknown table [{unknown[0]}]{did_you_mean(unknown[0], ('course', 'entry'))}; "
                          "a course file has [course] and [[entry]] tables", str(path))
    head = raw.get("course", {})
    if not isinstance(head, dict):
        raise ConfigError("course: must be a table [course]", str(path))
    keys = list_keys()
    defaults = dict(DEFAULTS)
    for key, value in head.items():
        if key == "title":
            if not isinstance(value, str):
                fail(None, "", key, "must be a string")
        elif key in keys:
            defaults[key] = _checked_list(value, keys[key], lambda what, k=key: fail(None, "", k, what))
        else:
            fail(None, "", key, f"unknown key{did_you_mean(key, ('title', *keys))}; "
                                f"[course] has title and the defaults {', '.join(keys)}")
    entries = raw.get("entry", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError("a course needs at least one [[entry]] table with a source", str(path))
    checked: list[Entry] = []
    for i, table in enumerate(entries):
        label = f" ({table['name']})" if isinstance(table.get("name"), str) else (
            f" ({table['source']})" if isinstance(table.get("source"), str) else "")
        checked.append(_entry(i, label, table, keys, defaults, path.parent,
                              lambda key, what, i=i, label=label: fail(i, label, key, what)))
    seen: dict[str, int] = {}
    for i, entry in enumerate(checked):
        if entry.name in seen:
            fail(i, f" ({entry.name})", "name", f"{entry.name!r} is already the name of entry "
                                                 f"{seen[entry.name] + 1}; each entry needs its own folder")
        seen[entry.name] = i
    return Course(path, head.get("title", path.stem), tuple(checked))


def _checked_list(value, choices: tuple[str, ...], fail) -> tuple[str, ...]:
    """``value`` (a string or a list of strings, each one of ``choices``) as a tuple without repeats."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        fail("must be a list of strings")
    if not items:
        fail("must not be empty")
    for item in items:
        if item not in choices:
            fail(f"unknown {item!r}{did_you_mean(item, choices)}; choose from {', '.join(choices)}")
    return tuple(dict.fromkeys(items))


def _entry(index: int, label: str, table, keys: dict, defaults: dict, folder: Path, fail) -> Entry:
    if not isinstance(table, dict):
        fail(None, "must be a table")
    for key in table:
        if key not in ("name", "source", *keys):
            fail(key, f"unknown key{did_you_mean(key, ('name', 'source', *keys))}; "
                      f"an entry has name, source, {', '.join(keys)}")
    source = table.get("source")
    if source is None:
        fail(None, "source is missing: give a preset name or a config file")
    if not isinstance(source, str) or not source:
        fail("source", "must be a preset name or a file path (a string)")
    located = folder / source
    if located.is_file():
        source = str(located)
    elif source not in PRESETS:
        kind = "file" if (Path(source).suffix or "/" in source) else "preset"
        hint = did_you_mean(source, PRESETS) if kind == "preset" else ""
        fail("source", f"{kind} {source!r} does not exist{hint} (files are relative to the course file; "
                       f"presets: {', '.join(PRESETS)})")
    name = table.get("name", Path(source).stem)
    if not isinstance(name, str) or not NAME.match(name):
        fail("name", f"{name!r} is not a folder name (letters, digits, '_', '.', '-')")
    values = {key: defaults.get(key) for key in keys}
    for key in keys:
        if key in table:
            values[key] = _checked_list(table[key], keys[key], lambda what, k=key: fail(k, what))
    return Entry(name=name, source=source, **values)
