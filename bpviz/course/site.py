"""A course's tree: each output made from its finished jobs, then ``course.json`` and ``index.html``.

Every output is put together in a private staging folder under the course folder and its files
renamed into ``DIR/<entry>/<lang>-<aspect>/`` one by one, so a file in the tree is whole or
absent; ``course.json`` is written last, atomically, and lists only what is in place. An output
whose fingerprint and files are those ``course.json`` already lists is left as it is, so a run
with nothing new writes nothing but the listing.

``index.html`` is a plain page: per entry and folder, every clip with a poster still (a frame of
the clip's last settled beat, drawn out of the video by ffmpeg), its subtitles, beat clips,
stills, deck and script.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from backprop_core import io
from bpviz.course.plan import SCRIPT, SLIDES, STILLS, VIDEO, Output, Plan
from bpviz.production.concat import joined_beats, write_film
from bpviz.production.jobs import DONE

LISTING = "course.json"
INDEX = "index.html"


def poster(video: Path, beats: list, target: Path) -> Path:
    """A PNG of ``video`` at the settled frame of its last beat (ffmpeg), written to ``target``."""
    hold = next((b.hold for b in reversed(beats) if b.hold), None) or 0.0
    result = subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{max(hold - 0.1, 0.0):.3f}", "-i",
                             str(video), "-frames:v", "1", str(target)], capture_output=True, text=True)
    if result.returncode or not target.is_file():
        raise RuntimeError(f"ffmpeg drew no poster from {video}: {result.stderr.strip()}")
    return target


def _make(output: Output, plan: Plan, root: Path, stage: Path) -> list[Path]:
    """Write ``output`` into ``stage`` (the staging copy of its folder) from the cache ``root``."""
    from scenes.chapters.base import Beat

    story = plan.stories[output.story_key]
    folders = [root / fp for fp in output.jobs]
    opts = output.options
    if output.kind == VIDEO:
        beats: list = []
        written = write_film(folders, output.scene, stage, opts["format"], False, opts["sections"], beats)
        return [*written, poster(written[0], beats, stage / f"{output.scene}.poster.png")]
    if output.kind == STILLS:
        frames = stage / "frames"
        frames.mkdir()
        stills = []
        for folder in folders:
            for still in json.loads((folder / DONE).read_text(encoding="utf-8")):
                name = f"{len(stills) + 1:03d}_{still['file'].split('_', 1)[1]}"
                shutil.copyfile(folder / still["file"], frames / name)
                stills.append({**still, "file": name})
        (frames / "frames.json").write_text(json.dumps(stills, indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
        return [*(frames / s["file"] for s in stills), frames / "frames.json"]
    if output.kind == SCRIPT:
        from bpviz.outputs.subtitles import script_markdown
        from bpviz.production.concat import film_of

        scenes, at = {}, 0
        for scene in opts["scenes"]:
            count = len(film_of(story, scene))
            chapter_beats = [json.loads((f / DONE).read_text(encoding="utf-8"))
                             for f in folders[at:at + count]]
            scenes[scene] = [Beat(**{**b, "equations": tuple(b["equations"])})
                             for b in joined_beats(chapter_beats)]
            at += count
        path = stage / "script.md"
        path.write_text(script_markdown(story, scenes), encoding="utf-8")
        return [path]
    if output.kind == SLIDES:
        from bpviz.production.decks import build_deck
        from bpviz.production.jobs import RENDER_CACHE_VARIABLE

        before = os.environ.get(RENDER_CACHE_VARIABLE)
        os.environ[RENDER_CACHE_VARIABLE] = str(root)  # the deck's jobs are in this cache, all done
        try:
            chapters = [c for c in dict.fromkeys(s.chapter for s in [plan.specs[fp] for fp in output.jobs])]
            deck = build_deck(story, chapters, stage / "slides.html", "html", opts["quality"], opts["aspect"])
        finally:
            if before is None:
                os.environ.pop(RENDER_CACHE_VARIABLE, None)
            else:
                os.environ[RENDER_CACHE_VARIABLE] = before
        return [deck, *sorted(p for p in (stage / "slides_assets").rglob("*") if p.is_file())]
    raise ValueError(f"unknown output kind {output.kind!r}")


def _record(output: Output, files: list[str]) -> dict:
    return {"entry": output.entry, "kind": output.kind, "scene": output.scene, "folder": output.folder,
            "files": files, "options": output.options, "fingerprint": output.fingerprint,
            "jobs": list(output.jobs)}


def previous_records(out: Path) -> dict[tuple, dict]:
    """The outputs the last run listed in ``course.json``, by (folder, kind, scene); ``{}`` if none."""
    try:
        listing = json.loads((out / LISTING).read_text(encoding="utf-8"))
        return {(r["folder"], r["kind"], r["scene"]): r for r in listing["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def assemble(plan: Plan, out: Path, root: Path,
             failed_jobs: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Write every output of ``plan`` whose jobs all finished; return the records and the failures.

    ``failed_jobs`` maps a job's fingerprint to its one-line error: an output needing it fails
    with that line. Outputs listed unchanged in the last ``course.json`` are kept as they are.
    """
    before = previous_records(out)
    records, failures = [], []
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".staging-*"):  # left by a run that was stopped
        shutil.rmtree(stale, ignore_errors=True)
    for output in plan.outputs:
        where = {"entry": output.entry, "kind": output.kind, "scene": output.scene, "folder": output.folder}
        error = output.error or next((failed_jobs[fp] for fp in output.jobs if fp in failed_jobs), None)
        if error is None and not all((root / fp / DONE).is_file() for fp in output.jobs):
            error = "a job of it did not finish"
        if error is not None:
            failures.append({**where, "error": error})
            continue
        old = before.get((output.folder, output.kind, output.scene))
        unchanged = old and old["fingerprint"] == output.fingerprint
        if unchanged and all((out / f).is_file() for f in old["files"]):
            records.append(old)
            continue
        stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
        try:
            made = _make(output, plan, root, stage)
            files = []
            for path in made:
                relative = path.relative_to(stage)
                final = out / output.folder / relative
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, final)
                files.append(str(Path(output.folder) / relative))
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        records.append(_record(output, files))
    return records, failures


def write_listing(out: Path, title: str, course_file: Path, versions: dict, records: list[dict],
                  failures: list[dict]) -> Path:
    """``course.json``: every output with its entry, options, fingerprint and files; the failures."""
    listing = {"format": "bpviz-course", "version": 1, "title": title, "course_file": str(course_file),
               "versions": versions, "outputs": records, "failed": failures}
    text = json.dumps(listing, indent=2, ensure_ascii=False) + "\n"
    return io.write_atomically(out / LISTING, text.encode("utf-8"))


def write_index(out: Path, title: str, records: list[dict], failures: list[dict]) -> Path:
    """``index.html``: every clip with its poster still, and links to everything else, per folder."""
    esc = html.escape
    by_folder: dict[str, list[dict]] = {}
    for record in [*records, *failures]:
        by_folder.setdefault(record["folder"], []).append(record)
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em}"
             "figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top;width:22em}"
             "figure img{width:100%;border:1px solid #ccc}figcaption{font-size:.9em}"
             ".failed{color:#b00}</style></head><body>", f"<h1>{esc(title)}</h1>"]
    entry = None
    for folder in sorted(by_folder):
        name = folder.split("/", 1)[0]
        if name != entry:
            parts.append(f"<h2>{esc(name)}</h2>")
            entry = name
        parts.append(f"<h3>{esc(folder)}</h3><div>")
        for record in by_folder[folder]:
            what = record["scene"] or record["kind"]
            if "error" in record:
                parts.append(f"<p class='failed'>{esc(what)}: failed: {esc(record['error'])}</p>")
                continue
            files = record["files"]
            if record["kind"] == VIDEO:
                video, posters = files[0], [f for f in files if f.endswith(".poster.png")]
                clips = [f for f in files if "_beats/" in f]
                links = [f"<a href='{esc(video)}'>{esc(Path(video).name)}</a>",
                         *(f"<a href='{esc(f)}'>subtitles</a>" for f in files if f.endswith(".srt"))]
                if clips:
                    links.append(f"{len(clips)} beat clips in <a href='{esc(str(Path(clips[0]).parent))}/'>"
                                 f"{esc(Path(clips[0]).parent.name)}/</a>")
                img = (f"<a href='{esc(video)}'><img src='{esc(posters[0])}' alt='{esc(what)}'></a>"
                       if posters else "")
                quality = esc(record["options"].get("quality", ""))
                parts.append(f"<figure>{img}<figcaption><b>{esc(what)}</b> ({quality}): "
                             f"{' · '.join(links)}</figcaption></figure>")
            elif record["kind"] == STILLS:
                parts.append(f"<p><a href='{esc(str(Path(files[0]).parent))}/'>{len(files) - 1} stills</a> "
                             f"(<a href='{esc(files[-1])}'>frames.json</a>)</p>")
            else:
                label = {SLIDES: "slides", SCRIPT: "narration script"}.get(record["kind"], record["kind"])
                parts.append(f"<p><a href='{esc(files[0])}'>{esc(label)}</a></p>")
        parts.append("</div>")
    parts.append("</body></html>\n")
    return io.write_atomically(out / INDEX, "\n".join(parts).encode("utf-8"))
