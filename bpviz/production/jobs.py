"""Chapter renders as pure jobs: a :class:`JobSpec` (trace, ``[video]``, options, chapter) -> files.

A job holds everything its render depends on as plain, picklable values, so it runs the same in
this process, in a worker process (``bpviz render --jobs N``) or, later, on a cluster. Its result
is a folder: ``movie.<ext>`` (Manim's video, before any gif conversion), ``beats.json`` (the timed
beats: subtitles, the shift of the next chapter and, for presenter notes, the LaTeX of each
beat's equations with the trace's numbers), with sections ``clips/`` and with a voice
``voice.wav`` (the chapter's track, as long as its video; the videos and clips stay silent until
they are delivered, so joined chapters get one track encoded once).

Finished folders are kept in a render cache (``~/.cache/bpviz/renders/<fingerprint>``) and
reused while the job's :func:`fingerprint` is unchanged; see :mod:`bpviz.production.fingerprint`.
Each holds a manifest of its files (:mod:`bpviz.cache.entries`): an entry whose files are not
those written (cut, changed, missing) is reported in one line and rendered again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from backprop_core import io
from bpviz.cache.entries import entry_problem, warn, write_manifest
from bpviz.cache.paths import cache_dir
from bpviz.outputs.formats import encoder_config
from bpviz.outputs.subtitles import equation_lines
from bpviz.production import prefetch
from bpviz.production.cleanup import clean_stale
from bpviz.production.fingerprint import job_fingerprint
from bpviz.production.render import _move_clips, draw_stills
from bpviz.production.session import chapter as chapter_of
from bpviz.production.session import manim_session
from bpviz.production.workers import worker_pool
from bpviz.voice.audio import write_wav
from bpviz.voice.beats import TRACK, JobVoice, fingerprint_view
from scenes.chapters.registry import FULL, glossed_before
from scenes.story import Story

DONE = "beats.json"
"""The timed beats of a job folder, written before its manifest (:mod:`bpviz.cache.entries`)."""
TIMES = "seconds.json"
"""In the render cache: CPU seconds of each chapter last time, per options (longest starts first)."""


@dataclass(frozen=True)
class JobSpec:
    """One chapter render: what it shows and how, as plain values.

    Parameters
    ----------
    chapter : str
        A ``[video] scenes`` name other than ``full`` (the film is its chapters joined).
    trace : str
        The trace as JSON (:func:`backprop_core.io.dumps`).
    video : str
        The resolved ``[video]`` table as JSON (theme, notation, decimals, focus ...).
    language : str
        The catalogue language of every word on screen.
    options : str
        The render options as JSON: ``quality``, ``aspect``, ``fmt``, ``transparent``,
        ``sections`` (for videos) or ``image_format`` (for stills), ``voice`` (the chapter's
        voice option, :mod:`bpviz.production.voice`; none: silent), ``glossed`` (for a chapter
        of the full film, the symbols the chapters before it glossed: :func:`film_options`;
        none: the chapter glosses its own first uses), and any later ones.
    """

    chapter: str
    trace: str
    video: str
    language: str
    options: str

    @classmethod
    def of(cls, story: Story, chapter: str, **options) -> JobSpec:
        """The job rendering ``chapter`` of ``story`` with ``options``."""
        return cls(chapter, io.dumps(story.trace), json.dumps(story.video, sort_keys=True),
                   story.language, json.dumps(options, sort_keys=True))

    @property
    def opts(self) -> dict:
        """The render options as a dict."""
        return json.loads(self.options)

    def story(self) -> Story:
        """The Story this job explains (rebuilt from its values)."""
        return Story(io.loads(self.trace), {**json.loads(self.video), "language": self.language})

    def fingerprint(self) -> str:
        """Hash of everything the render depends on (:func:`bpviz.production.fingerprint.job_fingerprint`)."""
        opts = self.opts
        if opts.get("voice"):  # recordings count by their content, not by where they lie
            opts["voice"] = fingerprint_view(opts["voice"])
        return job_fingerprint(self.chapter, io.loads(self.trace), json.loads(self.video),
                               self.language, opts)


def film_options(story: Story, scene: str, chapter: str) -> dict:
    """The options a job of ``chapter`` takes as part of ``scene`` (``full``: the film's chapter).

    In the full film a chapter does not gloss again the symbols the chapters before it glossed
    (:func:`~scenes.chapters.registry.glossed_before`): they are its ``glossed`` option, so they
    are part of its fingerprint. A chapter rendered alone takes none (and glosses its own).
    """
    glossed = glossed_before(chapter, story) if scene == FULL else ()
    return {"glossed": list(glossed)} if glossed else {}


def run_job(spec: JobSpec, folder: Path, parallel: bool = False) -> Path:
    """Render ``spec`` into ``folder`` (created): ``movie.<ext>``, ``clips/`` and last ``beats.json``.

    ``parallel``: other jobs render at the same time, so the video encoder takes one thread.
    """
    opts, story = spec.opts, spec.story()
    fmt, transparent = opts["fmt"], opts["transparent"]
    voice = JobVoice(opts["voice"], story.language) if opts.get("voice") else None
    folder.mkdir(parents=True, exist_ok=True)
    with manim_session(opts["quality"], opts["aspect"], transparent=transparent,
                        save_sections=opts["sections"], output_file=spec.chapter,
                        **encoder_config(fmt, transparent, single_thread=parallel)):
        scene = chapter_of(spec.chapter, story, beat_voice=voice, glossed=opts.get("glossed"))
        scene.render()
        writer = scene.renderer.file_writer
        movie = Path(writer.movie_file_path)
        if voice is not None:
            write_wav(voice.track(scene.beats), folder / TRACK)
        shutil.move(str(movie), folder / f"movie{movie.suffix}")
        if opts["sections"]:
            _move_clips(writer, folder / "clips")
    beats = [{**asdict(b), "equations": equation_lines(story, b)} for b in scene.beats]
    (folder / DONE).write_text(json.dumps(beats, ensure_ascii=False), encoding="utf-8")
    write_manifest(folder)
    return folder


RENDER_CACHE_VARIABLE = "BPVIZ_RENDER_CACHE"
"""When set, the render cache's folder (``bpviz course --cache DIR``: a folder shared by machines)."""


def renders_dir() -> Path:
    """The render cache: one folder per finished job, named by its fingerprint.

    ``$BPVIZ_RENDER_CACHE`` when set, else ``renders/`` in bpviz's cache folder.
    """
    shared = os.environ.get(RENDER_CACHE_VARIABLE)
    return Path(shared) if shared else cache_dir() / "renders"


def run_stills_job(spec: JobSpec, folder: Path, parallel: bool = False) -> Path:
    """Draw the stills of ``spec`` (options with ``image_format``) into ``folder``, ``beats.json`` last.

    ``folder`` gets one still per beat (:func:`bpviz.production.render.draw_stills`);
    ``beats.json`` lists them, and the manifest is written last.
    """
    opts = spec.opts
    folder.mkdir(parents=True, exist_ok=True)
    stills = draw_stills(spec.story(), [spec.chapter], folder, opts["quality"], opts["aspect"],
                         opts["image_format"], look_ahead=False,
                         glossed={spec.chapter: opts.get("glossed", ())}).stills
    (folder / DONE).write_text(json.dumps([vars(s) for s in stills], ensure_ascii=False), encoding="utf-8")
    write_manifest(folder)
    return folder


def _cached_run(spec: JobSpec, fingerprint: str, use_cache: bool, root: Path,
                parallel: bool = False) -> tuple[Path, bool]:
    """The finished folder of ``spec`` and whether it was rendered now (``False``: a cache hit).

    A render goes into a private temporary folder beside the cache entry, then is renamed into
    place (atomic), so concurrent jobs never see or corrupt a half-written entry.
    """
    entry = root / fingerprint
    if use_cache and _usable(entry, spec):
        return entry, False
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{fingerprint[:16]}.", dir=root))
    try:
        start = time.process_time()  # the job's CPU (all threads): steadier than wall time under load
        (run_stills_job if "image_format" in spec.opts else run_job)(spec, work, parallel)
        _note_time(root, spec, time.process_time() - start)
        if entry.exists():  # --no-cache, or another process finished it first: replace it
            old = Path(tempfile.mkdtemp(prefix=".old.", dir=root))
            os.replace(entry, old / "entry")
            shutil.rmtree(old, ignore_errors=True)
        os.replace(work, entry)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return entry, True


def render_into_cache(spec: JobSpec, fingerprint: str, root: Path, use_cache: bool = True,
                      parallel: bool = False) -> tuple[Path, bool]:
    """The finished folder of ``spec`` in the render cache ``root``, rendered first when missing.

    Returns the folder and whether it was rendered now. Written into a private temporary folder
    and renamed into place, so a reader (another process, another machine on a shared folder)
    never sees half a render. Other executors (``bpviz course``) call this.
    """
    return _cached_run(spec, fingerprint, use_cache, Path(root), parallel)


def last_seconds(root: Path, spec: JobSpec) -> float:
    """The CPU seconds ``spec``'s chapter took with the same options last time (0 when unknown)."""
    return _times(Path(root)).get(_time_key(spec), 0.0)
def _usable(entry: Path, spec: JobSpec) -> bool:
    """Whether ``entry`` is a finished render to reuse; a damaged one is reported (then rendered again)."""
    if not entry.is_dir():
        return False
    problem = entry_problem(entry)
    if problem is None:
        try:
            beats = json.loads((entry / DONE).read_text(encoding="utf-8"))
            if isinstance(beats, list) and all(isinstance(b, dict) for b in beats) \
                    and ("image_format" in spec.opts or any(entry.glob("movie.*"))):  # stills: no movie
                return True
            problem = f"{DONE} does not list beats, or the movie is missing"
        except (OSError, ValueError) as err:
            problem = f"{DONE} cannot be read ({type(err).__name__})"
    warn(f"the render cache entry of {spec.chapter} ({entry}) is damaged: {problem}; rendering it again")
    return False


def _time_key(spec: JobSpec) -> str:
    return f"{spec.chapter} {spec.options}"


def _times(root: Path) -> dict:
    try:
        return json.loads((root / TIMES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _note_time(root: Path, spec: JobSpec, seconds: float) -> None:
    """Remember the CPU seconds ``spec`` took (written atomically; with parallel jobs the last wins)."""
    times = {**_times(root), _time_key(spec): round(seconds, 2)}
    io.write_atomically(root / TIMES, json.dumps(times).encode("utf-8"), sync=False)


def _job_worker(args: tuple[JobSpec, str, bool, str]) -> tuple[str, bool]:
    spec, fingerprint, use_cache, root = args
    entry, rendered = _cached_run(spec, fingerprint, use_cache, Path(root), parallel=True)
    return str(entry), rendered


def run_jobs(specs: list[JobSpec], jobs: int = 1, use_cache: bool = True,
             progress: Callable[[int, int], None] | None = None) -> list[tuple[Path, bool]]:
    """Run ``specs`` (cache hits are not rendered), at most ``jobs`` at a time in worker processes.

    ``progress(done, total)`` is told of every finished chapter (:class:`bpviz.progress.Progress`).

    Returns, in the order of ``specs``, each finished folder and whether it was rendered now.
    With ``jobs == 1`` (or a single render to do) everything renders in this process, while a
    second process typesets the chapters' LaTeX ahead (:mod:`bpviz.production.prefetch`).
    """
    prints, root = [spec.fingerprint() for spec in specs], renders_dir()
    clean_stale(root)
    todo = [i for i, fp in enumerate(prints) if not (use_cache and _usable(root / fp, specs[i]))]
    last = _times(root)
    todo.sort(key=lambda i: -last.get(_time_key(specs[i]), 0.0))  # longest first: no idle tail
    results: dict[int, tuple[Path, bool]] = {}

    def done() -> None:
        if progress is not None:
            progress(sum(i in results for i in todo) + len(specs) - len(todo), len(specs))

    done()
    if jobs > 1 and len(todo) > 1:
        with worker_pool(min(jobs, len(todo))) as pool:
            work = [(specs[i], prints[i], use_cache, str(root)) for i in todo]
            for i, (entry, rendered) in zip(todo, pool.map(_job_worker, work)):
                results[i] = (Path(entry), rendered)
                done()
    ahead = prefetch.start([specs[i] for i in sorted(todo)]) if len(results) < len(todo) else None
    try:  # in this process: a second one typesets the LaTeX ahead
        for i, spec in enumerate(specs):
            if i not in results:
                results[i] = _cached_run(spec, prints[i], use_cache, root)
                if i in todo:
                    done()
    finally:
        prefetch.finish(ahead)
    return [results[i] for i in range(len(specs))]
