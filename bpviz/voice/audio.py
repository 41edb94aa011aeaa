"""Sound: decoding any recording (PyAV), loudness (EBU R128), a chapter's track, audio in videos.

Every voice is decoded to mono 32-bit float samples at :data:`SAMPLE_RATE`, brought to the EBU
R128 programme loudness :data:`TARGET_LUFS` (integrated loudness of ITU-R BS.1770-4, measured by
pyloudnorm) and kept under :data:`PEAK_DBFS` (a quieter gain where the peak would pass it, so
nothing clips). A chapter's track is its beats' voices, each placed at its beat's start, as long
as the chapter's video to the sample; 48 kHz is a whole number of samples per frame at 15, 30
and 60 frames a second, so tracks joined back to back stay on their frames. Tracks are kept as
16-bit PCM WAV files and encoded once, into the finished video (ffmpeg: AAC in mp4 and mov,
Opus in webm); the explorer page holds each beat's voice alone as a small Opus clip in WebM
(:func:`compact_clip`).
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import av
import numpy as np

from backprop_core.errors import BpvizError

SAMPLE_RATE = 48_000
"""Samples a second of every track."""
TARGET_LUFS = -23.0
"""EBU R128's programme loudness, in LUFS: every beat's voice is brought to it."""
PEAK_DBFS = -1.0
"""The highest sample peak allowed after the gain, in dBFS: no clipping."""
AUDIO_CODECS = {".mp4": ["-c:a", "aac", "-b:a", "128k"], ".mov": ["-c:a", "aac", "-b:a", "128k"],
                ".webm": ["-c:a", "libopus", "-b:a", "96k"]}
"""ffmpeg's audio encoder per video container; other containers (gif) carry no sound."""
CLIP_BITRATE = "24k"
"""Opus's bitrate for a beat's clip on the explorer page: mono speech, clear at a tenth of AAC's."""
CLIP_MIME = "audio/webm;codecs=opus"
"""What a beat's clip is (:func:`compact_clip`), as the page's ``data:`` URI says it."""
FORMATS = (".wav", ".flac", ".mp3", ".m4a", ".ogg")
"""Suffixes of the recordings read (whatever PyAV decodes inside them)."""


class AudioError(BpvizError):
    """A recording that cannot be decoded."""


def decode(path: str | Path) -> np.ndarray:
    """The sound of ``path`` as mono float32 samples at :data:`SAMPLE_RATE` (PyAV resamples).

    Raises :class:`AudioError` naming the file when it holds no decodable audio.
    """
    chunks = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError(f"{path}: no audio stream in the file")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(container.streams.audio[0]):
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as err:
        raise AudioError(f"{path}: cannot decode it as audio ({err})") from None
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if not samples.size:
        raise AudioError(f"{path}: the audio stream holds no samples")
    return samples


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness of ``samples`` in LUFS (BS.1770-4; ``-inf`` for silence).

    A sound shorter than BS.1770's 400 ms block is measured looped to one block.
    """
    import pyloudnorm

    block = int(0.4 * SAMPLE_RATE) + 1
    if samples.size < block:
        samples = np.resize(samples, block)
    with np.errstate(divide="ignore"):
        return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(samples.astype(np.float64)))


def normalised(samples: np.ndarray) -> np.ndarray:
    """``samples`` at :data:`TARGET_LUFS`, turned down where the peak would pass :data:`PEAK_DBFS`."""
    level = loudness(samples)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if not np.isfinite(level) or peak == 0.0:
        return samples
    gain_db = min(TARGET_LUFS - level, PEAK_DBFS - 20 * np.log10(peak))
    return (samples * 10 ** (gain_db / 20)).astype(np.float32)


def chapter_track(placed: list[tuple[float, np.ndarray]], seconds: float) -> np.ndarray:
    """A track of ``seconds`` with each ``(start, samples)`` placed at ``start`` seconds.

    A voice running past the end is cut there (a beat lasts at least its voice, so only the
    pause can be lost); a later voice overwrites an earlier one's tail.
    """
    track = np.zeros(round(seconds * SAMPLE_RATE), np.float32)
    for start, samples in placed:
        at = round(start * SAMPLE_RATE)
        piece = samples[: max(0, track.size - at)]
        track[at:at + piece.size] = piece
    return track


def write_wav(samples: np.ndarray, path: Path) -> Path:
    """``samples`` (float, -1..1) as a mono 16-bit PCM WAV file at :data:`SAMPLE_RATE`."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> np.ndarray:
    """The samples of a track written by :func:`write_wav`, as float32."""
    with wave.open(str(path), "rb") as src:
        pcm = np.frombuffer(src.readframes(src.getnframes()), "<i2")
    return (pcm / 32767).astype(np.float32)


def with_sound(video: Path, samples: np.ndarray, target: Path) -> Path:
    """``video`` (frames copied, not re-encoded) with ``samples`` as its sound, written to ``target``.

    The container of ``target`` chooses the audio codec (:data:`AUDIO_CODECS`); the track is
    as long as the video, so both streams end together.
    """
    wav = target.with_name(f".{target.stem}.voice.wav")
    write_wav(samples, wav)
    try:
        result = subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-i", str(wav),
                                 "-map", "0:v", "-map", "1:a", "-c:v", "copy",
                                 *AUDIO_CODECS[target.suffix], str(target)],
                                capture_output=True, text=True)
    finally:
        wav.unlink(missing_ok=True)
    if result.returncode:
        raise BpvizError(f"ffmpeg could not add the voice to {target}: {result.stderr.strip()}")
    return target


def compact_clip(samples: np.ndarray) -> bytes:
    """``samples`` as a small Opus clip in WebM (:data:`CLIP_BITRATE`, mono): one beat's voice on a page.

    The samples are encoded as given (already normalised); the clip lasts as long as they do
    (WebM's duration, which a browser reports, is written because the file is seekable).
    """
    with tempfile.TemporaryDirectory(prefix="bpviz-clip-") as folder:
        target = Path(folder) / "clip.webm"
        result = subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(SAMPLE_RATE),
                                 "-ac", "1", "-i", "pipe:0", "-c:a", "libopus", "-b:a", CLIP_BITRATE,
                                 "-application", "voip", str(target)],
                                input=np.ascontiguousarray(samples, "<f4").tobytes(), capture_output=True)
        if result.returncode:
            raise BpvizError(f"ffmpeg could not encode a voice clip: {result.stderr.decode().strip()}")
        return target.read_bytes()
