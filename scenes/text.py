"""The catalogue of every word on screen: ``scenes/locales/<language>.toml``.

Scenes never hold string literals for the viewer; they call :func:`tr` with a key such as
``"forward.layer"`` (table ``[forward]``, key ``layer``) and the values to fill in. A second
language is a second file with the same keys.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

DEFAULT_LANGUAGE = "en"


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every key of ``language`` flattened to ``"table.key"``."""
    text = resources.files("scenes.locales").joinpath(f"{language}.toml").read_text(encoding="utf-8")
    flat: dict[str, str] = {}

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[f"{prefix}{key}"] = value

    walk("", tomllib.loads(text))
    return flat


def languages() -> list[str]:
    """Languages that have a catalogue file."""
    return sorted(p.name[:-5] for p in resources.files("scenes.locales").iterdir()
                  if p.name.endswith(".toml"))


def tr(key: str, language: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text of ``key`` in ``language`` with ``values`` filled in (``str.format``)."""
    try:
        template = catalogue(language)[key]
    except KeyError:
        raise KeyError(f"no text for {key!r} in scenes/locales/{language}.toml") from None
    return template.format(**values)
