"""The narration spoken by an offline speech engine, espeak-ng (a Debian package; no network).

:func:`spoken_text` rewrites a beat's narration as the language reads it aloud, with the words of
the catalogue's ``[speech]`` table: a number is its whole part, the decimal word and then its
digits one by one ("cero coma cinco nueve tres tres"), a minus sign a word, the symbols
(δ, η, =, ...) words, superscript and subscript digits (w²₁₁) digits. :func:`synthesize` speaks it
with the language's espeak-ng voice at ``voice_rate`` words a minute into a WAV file, kept in
``~/.cache/bpviz/speech`` under a hash of engine, voice, rate and text (a render and the
timing run before it share one synthesis).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz.cache.paths import cache_dir
from scenes.text import catalogue, tr

ENGINE = "espeak-ng"
SPEECH_HINT = ("--voice speech needs the speech engine espeak-ng; install it: "
               "apt-get install espeak-ng (make setup does)")
_SCRIPTS = str.maketrans({**{c: f" {d}" for d, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
                          **{c: f" {d}" for d, c in enumerate("₀₁₂₃₄₅₆₇₈₉")}})


@lru_cache(maxsize=1)
def engine_version() -> str:
    """``espeak-ng 1.51`` (the engine's version line, for the render cache's fingerprint)."""
    if shutil.which(ENGINE) is None:
        raise BpvizError(SPEECH_HINT)
    out = subprocess.run([ENGINE, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\d+(\.\d+)+", out)
    return f"{ENGINE} {match.group(0) if match else out.strip()}"


def voice_of(language: str) -> str:
    """The espeak-ng voice of ``language`` (its catalogue's ``speech.voice``)."""
    return tr("speech.voice", language)


def spoken_text(text: str, language: str) -> str:
    """``text`` as ``language`` reads it aloud (see the module docstring)."""
    words = catalogue(language)
    decimal = re.escape(words["format.decimal"])
    number = re.compile(rf"(?<![\w.,])([-−]?)(\d+)(?:{decimal}(\d+))?(?:e([-−]?)(\d+))?(?!\w)")

    def read(match: re.Match) -> str:
        sign, whole, digits, exp_sign, exp = match.groups()
        spoken = [words["speech.minus"]] if sign else []
        spoken.append(whole)
        if digits:
            spoken += [words["speech.decimal"], *digits]
        if exp:
            spoken += [words["speech.times_ten"], *([words["speech.minus"]] if exp_sign else []), exp]
        return " " + " ".join(spoken) + " "

    text = number.sub(read, text.translate(_SCRIPTS))
    for key, value in words.items():
        if key.startswith("speech.symbols."):
            text = text.replace(key.removeprefix("speech.symbols."), f" {value} ")
    text = text.replace("−", f" {words['speech.minus']} ")
    return re.sub(r" (?=[.,;:)])|(?<=\() ", "", " ".join(text.split()))


def synthesize(text: str, voice: str, rate: int) -> Path:
    """A WAV file of ``text`` spoken by espeak-ng's ``voice`` at ``rate`` words a minute (cached)."""
    key = hashlib.sha256(f"{engine_version()}\n{voice}\n{rate}\n{text}".encode()).hexdigest()
    folder = cache_dir() / "speech"
    wav = folder / f"{key}.wav"
    if wav.is_file():
        return wav
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", suffix=".wav", dir=folder)
    os.close(fd)
    try:
        result = subprocess.run([ENGINE, "-v", voice, "-s", str(rate), "-w", tmp, "--stdin"],
                                input=text, capture_output=True, text=True)
        if result.returncode or os.path.getsize(tmp) == 0:
            raise BpvizError(f"{ENGINE} could not speak with voice {voice!r}: "
                             f"{result.stderr.strip() or 'no sound written'}")
        os.replace(tmp, wav)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return wav
