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


def dataset_names(dataset: str | None, names, language: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """``names`` of scikit-learn's bundled ``dataset`` as ``language`` writes them (``[datasets]``).

    ``"petal length (cm)"`` of ``iris`` is ``"largo del pétalo (cm)"`` in Spanish; a name the
    catalogue does not list (a CSV's column, a species) stays as written, as every name does when
    ``dataset`` is ``None``.

    >>> dataset_names("breast_cancer", ["malignant", "benign"], "es")
    ('maligno', 'benigno')
    """
    words = catalogue(language)
    return tuple(words.get(f"datasets.{dataset}.{name}", name) if dataset else name for name in names)


NAME_CHARS = 16
"""The most characters a feature or class name keeps on screen (:func:`short_names`)."""

_UNIT = re.compile(r"\s*\([^()]*\)\s*$")


def short_name(name: str, limit: int = NAME_CHARS) -> str:
    """``name`` as a neuron's label: without a trailing unit, words not underscores, at most ``limit``.

    ``"sepal length (cm)"`` is ``"sepal length"``; ``"hours_studied_per_week"`` at 16 characters
    ``"hours studied…"``: whole words while they fit, else the first word cut, with an ellipsis.

    >>> short_name("sepal length (cm)"), short_name("hours_studied_per_week")
    ('sepal length', 'hours studied…')
    """
    words = " ".join(_UNIT.sub("", name).replace("_", " ").split()) or name.strip()
    if len(words) <= limit:
        return words
    kept = ""
    for word in words.split(" "):
        if len(f"{kept} {word}".strip()) + 1 > limit:
            break
        kept = f"{kept} {word}".strip()
    return (kept or words[:limit - 1]) + "…"


def short_names(names, limit: int = NAME_CHARS) -> tuple[str, ...]:
    """:func:`short_name` of each of ``names``, cut by characters where two would read the same.

    Two names still alike after that keep their 1-based position (``"pixel…1"``, ``"pixel…2"``).

    >>> short_names(["hours_studied_per_week", "hours_studied_in_total"])
    ('hours studied p…', 'hours studied i…')
    """
    names = list(names)
    short = [short_name(n, limit) for n in names]
    twins = {s for s in short if short.count(s) > 1}
    for pos, s in enumerate(short):
        if s in twins:
            words = " ".join(names[pos].replace("_", " ").split())
            short[pos] = words if len(words) <= limit else words[:limit - 1] + "…"
    if len(set(short)) < len(short):
        short = [s if short.count(s) == 1 else f"{s}{pos + 1}" for pos, s in enumerate(short)]
    return tuple(short)
