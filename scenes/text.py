"""The catalogue of every word on screen: ``scenes/locales/<language>.toml``.

Scenes never hold string literals for the viewer; they call :func:`tr` with a key such as
``"forward.layer"`` (table ``[forward]``, key ``layer``) and the values to fill in. A second
language is a second file with the same keys. Its ``[format]`` table says how the language writes
numbers and lists (:func:`plain_number`, :func:`localized_tex`, :func:`join`), which
:class:`~scenes.story.Story` applies to every number it shows.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"
"""The word catalogues, one ``<language>.toml`` per language."""


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


def languages() -> tuple[str, ...]:
    """Languages with a catalogue ``scenes/locales/<language>.toml``: adding a file adds a language.

    The choices of ``[video] language`` and ``--lang``.
    """
    return tuple(sorted(path.stem for path in LOCALES.glob("*.toml"))) or (DEFAULT_LANGUAGE,)


def tr(key: str, language: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text of ``key`` in ``language`` with ``values`` filled in (``str.format``)."""
    try:
        template = catalogue(language)[key]
    except KeyError:
        raise KeyError(f"no text for {key!r} in scenes/locales/{language}.toml") from None
    return template.format(**values)


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def plain_number(number: str, language: str = DEFAULT_LANGUAGE) -> str:
    r"""A number written by :func:`~backprop_core.equations.format_number`, as plain text in ``language``.

    ``1.234 \times 10^{-7}`` becomes ``1.234e-7``; the decimal point becomes ``[format] decimal``.
    """
    if r"\times" in number:
        mantissa, exponent = number.split(r" \times 10^{")
        number = f"{mantissa}e{exponent.rstrip('}')}"
    return number.replace(".", tr("format.decimal", language))


def localized_tex(latex: str, language: str = DEFAULT_LANGUAGE) -> str:
    """LaTeX with numbers, each decimal point replaced by ``[format] decimal`` of ``language``.

    A decimal comma is written ``{,}`` so that LaTeX does not add the space of a list comma. Only
    a point between two digits is a decimal point (indices never hold one).
    """
    decimal = tr("format.decimal", language)
    return latex if decimal == "." else _DECIMAL_POINT.sub("{" + decimal + "}", latex)


def join(items, language: str = DEFAULT_LANGUAGE, last: bool = True) -> str:
    """Formatted ``items`` as a list in running text (``0,01; 0,5 y 0,99`` in Spanish).

    ``[format] separator`` between them and, with ``last``, ``[format] and`` before the last one.
    """
    items = [str(i) for i in items]
    sep = tr("format.separator", language)
    if not last or len(items) < 2:
        return sep.join(items)
    return sep.join(items[:-1]) + tr("format.and", language) + items[-1]
