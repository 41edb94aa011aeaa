"""Chapter runs shared by the scene tests: each (variant, chapter, mode) is played once per session.

Tests marked ``chapter_run(mode)`` and parametrized with ``variant`` and ``chapter`` read the
report of that run from the ``chapter_runs`` fixture. The runs needed by the collected tests
start in a pool of worker processes as soon as the tests are collected (``BPVIZ_TEST_WORKERS``,
default up to 2; ``1`` plays them in the test process when a test asks), longest first, and each
test waits only for its own. LaTeX and Pango output stays cached in ``.pytest_cache`` so later
sessions are faster.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from . import runner
from .runner import Job, RunReport

_JOBS = pytest.StashKey[list]()
_REPORTS = pytest.StashKey[dict]()
_RUNS = pytest.StashKey["ChapterRuns"]()
_SECONDS = "bpviz/chapter_run_seconds"
"""Cache key: how long each run took last time (to start the longest first)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "chapter_run(mode): the test reads the report of playing "
                                       "its (variant, chapter) in mode 'stills' or 'dry_run'")


def pytest_collection_finish(session):
    """Note the runs the selected tests need (after ``-k`` and ``-m`` deselected the others)."""
    jobs = []
    for item in session.items:
        marker = item.get_closest_marker("chapter_run")
        params = getattr(getattr(item, "callspec", None), "params", {})
        if marker and "variant" in params and "chapter" in params:
            job = Job(params["variant"], params["chapter"], marker.args[0])
            if job not in jobs:
                jobs.append(job)
    session.config.stash[_JOBS] = jobs
    cache = session.config.cache
    if jobs and cache is not None and workers() > 1:
        # started now, not when the first scene test asks: the runs share the cores with the tests
        # before them (a test process that mostly waits on its subprocesses)
        session.config.stash[_RUNS] = ChapterRuns(jobs, shared_cache(), workers(),
                                                  cache.get(_SECONDS, {}))


def pytest_sessionfinish(session):
    runs = session.config.stash.get(_RUNS, None)
    if runs is not None:
        runs.close()


def shared_cache() -> Path:
    """The chapter runs' typeset and shape cache: bpviz's own cache of the session (tests/conftest.py
    points ``XDG_CACHE_HOME`` into pytest's cache folder), shared with the commands the tests run."""
    from bpviz.cache.paths import cache_dir

    return cache_dir()


def workers() -> int:
    """Worker processes for the chapter runs."""
    wanted = os.environ.get("BPVIZ_TEST_WORKERS")
    return max(1, int(wanted)) if wanted else max(1, min(2, os.cpu_count() or 1))


def expected_seconds(job: Job, last_seconds: dict) -> float:
    """How long ``job`` took last time; without a record, ``full`` and digits count as long."""
    guess = 1000 if job.chapter == "full" else 100 if job.variant == "digits" else 10
    return last_seconds.get(str(job), guess)


class ChapterRuns:
    """Reports of chapter runs, computed once each, in a process pool when there is more than one worker."""

    def __init__(self, jobs: list[Job], cache_dir: Path, n_workers: int, last_seconds: dict):
        self.cache_dir = cache_dir
        self.reports: dict[Job, RunReport] = {}
        self.futures = {}
        self.pool = None
        if n_workers > 1 and len(jobs) > 1:
            self.pool = ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("spawn"))
            # the longest runs first, so that no worker is left with a long one at the end
            for job in sorted(jobs, key=lambda j: -expected_seconds(j, last_seconds)):
                self.futures[job] = self.pool.submit(runner.run_job, job, str(cache_dir))

    def get(self, variant: str, chapter: str, mode: str) -> RunReport:
        """The report of playing ``chapter`` of ``variant`` in ``mode``."""
        job = Job(variant, chapter, mode)
        if job not in self.reports:
            if self.pool is not None:
                if job not in self.futures:
                    self.futures[job] = self.pool.submit(runner.run_job, job, str(self.cache_dir))
                self.reports[job] = self.futures[job].result()
            else:
                self.reports[job] = runner.run_job(job, str(self.cache_dir))
        return self.reports[job]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="session")
def chapter_runs(request):
    cache = request.config.cache
    seconds = cache.get(_SECONDS, {})
    runs = request.config.stash.get(_RUNS, None) or ChapterRuns(
        request.config.stash.get(_JOBS, []), shared_cache(), workers(), seconds)
    request.config.stash[_REPORTS] = runs.reports
    yield runs
    runs.close()
    cache.set(_SECONDS, {**seconds, **{str(job): round(r.seconds, 1) for job, r in runs.reports.items()}})


def pytest_terminal_summary(terminalreporter, config):
    reports = config.stash.get(_REPORTS, {})
    if not reports:
        return
    total = sum(r.seconds for r in reports.values())
    cpu = sum(r.cpu_seconds for r in reports.values())
    slowest = sorted(reports.values(), key=lambda r: -r.seconds)[:5]
    terminalreporter.write_line(
        f"chapter runs: {len(reports)} runs, {total:.0f} s of work ({cpu:.0f} s CPU) in {workers()} "
        "worker(s); slowest: " + ", ".join(f"{r.job} {r.seconds:.1f} s ({r.cpu_seconds:.1f} s CPU)"
                                           for r in slowest))

