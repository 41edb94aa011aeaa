"""A whole course run: read, expand, render what is missing, write the tree, the listing and the index."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bpviz.course.course_file import read_course
from bpviz.course.executors import run_local, run_on_cluster, worker_versions
from bpviz.course.plan import expand
from bpviz.course.progress import CourseProgress
from bpviz.course.site import assemble, write_index, write_listing
from bpviz.production.jobs import DONE, RENDER_CACHE_VARIABLE, renders_dir


@dataclass
class CourseRun:
    """What a course run did.

    Jobs in all, found in a render cache (this machine's or, sent back, a worker's), rendered now,
    failed; the outputs and failures; the listing and index written.
    """

    jobs: int
    cached: int
    rendered: int
    failed: list[dict]
    outputs: list[dict]
    failures: list[dict]
    listing: Path
    index: Path


def label(plan, fingerprint: str) -> str:
    """``mazur loss en 16:9 low`` (``stills`` added for a stills job): what a job is, for people."""
    spec = plan.specs[fingerprint]
    opts = spec.opts
    entry = next((o.entry for o in plan.outputs if fingerprint in o.jobs), "")
    kind = " stills" if "image_format" in opts else ""
    return f"{entry} {spec.chapter} {spec.language} {opts['aspect']} {opts['quality']}{kind}".strip()


def make_course(course_file: str | Path, out: Path, jobs: int = 1, cluster: str | None = None,
                cache: Path | None = None, fancy: bool | None = None) -> CourseRun:
    """Make the course of ``course_file`` in ``out``; only the jobs no render cache holds are rendered.

    ``jobs``: local processes; ``cluster``: a Dask scheduler's address or ``local:N`` (then
    ``jobs`` is not used). ``cache``: the render cache folder (on a cluster, one every worker
    mounts; without it, workers send their files back to this machine's render cache).
    A bad course file raises before anything renders.
    """
    course = read_course(course_file)
    before = os.environ.get(RENDER_CACHE_VARIABLE)
    if cache is not None:
        os.environ[RENDER_CACHE_VARIABLE] = str(Path(cache).resolve())  # local processes inherit it
    try:
        root = renders_dir()
        plan = expand(course)
        todo = {fp: spec for fp, spec in plan.specs.items() if not (root / fp / DONE).is_file()}
        workers = _workers(cluster, jobs)
        with CourseProgress({fp: label(plan, fp) for fp in todo}, workers, fancy) as progress:
            if todo and cluster:
                run_on_cluster(todo, cluster, root if cache is not None else None, root, progress)
            elif todo:
                run_local(todo, jobs, root, progress)
        failed = {r["fingerprint"]: r["error"] for r in progress.failed}
        records, failures = assemble(plan, out, root, failed)
        listing = write_listing(out, course.title, course.path, worker_versions(), records, failures)
        index = write_index(out, course.title, records, failures)
    finally:
        if cache is not None:
            if before is None:
                os.environ.pop(RENDER_CACHE_VARIABLE, None)
            else:
                os.environ[RENDER_CACHE_VARIABLE] = before
    cached = len(plan.specs) - progress.rendered - len(progress.failed)  # this cache's or a worker's
    return CourseRun(len(plan.specs), cached, progress.rendered, progress.failed, records, failures,
                     listing, index)


def _workers(cluster: str | None, jobs: int) -> int:
    if cluster and cluster.startswith("local:") and cluster[6:].isdigit():
        return int(cluster[6:])
    return jobs if not cluster else 1
