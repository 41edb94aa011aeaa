"""Where bpviz keeps its caches: the user's cache folder, from :mod:`platformdirs`.

On Linux that is ``$XDG_CACHE_HOME/bpviz`` (``~/.cache/bpviz`` when unset), on macOS
``~/Library/Caches/bpviz``, on Windows the local application data folder. Each cache has its own
sub-folder: ``tex/`` and ``text/`` (typeset SVGs), ``svg/`` (their parsed shapes), ``renders/``
(finished chapters), ``stills/`` (finished stills, by what each shows).
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path


def cache_dir() -> Path:
    """The root of bpviz's caches (read at every call: tests and users may change the environment)."""
    return user_cache_path("bpviz", appauthor=False)
