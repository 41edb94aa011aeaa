"""The scene tests' chapter runs alone: every (variant, chapter, mode) of ``tests/scenes``, timed.

Runs the jobs the scene tests read (``cases("stills")``, ``cases("dry_run")``) in a pool of
spawned processes as ``tests/scenes/conftest.py`` does, longest first, and prints each run's
wall and CPU seconds (CPU: the worker process's user + system time; LaTeX's subprocesses are not
in it), slowest first, and the totals. LaTeX and Pango output is kept in ``--cache`` (default a
folder under the system's temporary folder), so a second run measures the warm case.

    .venv/bin/python benchmarks/bench_chapter_runs.py --workers 2 --json runs.json
    .venv/bin/python benchmarks/bench_chapter_runs.py --only "backward[mazur" --profile prof/
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _run(job, cache_dir: str, profile_dir: str | None):
    from tests.scenes import runner

    if profile_dir is None:
        return runner.run_job(job, cache_dir)
    import cProfile

    profiler = cProfile.Profile()
    report = profiler.runcall(runner.run_job, job, cache_dir)
    profiler.dump_stats(str(Path(profile_dir) / f"{job}.prof"))
    return report


def main() -> int:
    from tests.scenes.runner import Job, cases

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "bpviz-bench-chapter-runs"))
    parser.add_argument("--only", nargs="*", help="run only jobs whose name contains one of these")
    parser.add_argument("--profile", help="write a cProfile file per run into this folder")
    parser.add_argument("--json", help="write {job: [wall, cpu]} here")
    args = parser.parse_args()
    jobs = [Job(v, c, mode) for mode in ("stills", "dry_run") for v, c in cases(mode)]
    if args.only:
        jobs = [j for j in jobs if any(part in str(j) for part in args.only)]
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    guess = {"full": 1000, "training": 60}
    jobs.sort(key=lambda j: -(guess.get(j.chapter, 10) * (10 if j.variant == "digits" else 1)))
    print(f"{len(jobs)} runs in {args.workers} worker(s); load average {os.getloadavg()[0]:.2f}", flush=True)
    start = time.perf_counter()
    reports = []
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_run, job, args.cache, args.profile) for job in jobs]
        for future in as_completed(futures):
            report = future.result()
            reports.append(report)
            mark = "  ERROR" if report.error else ""
            print(f"  {report.seconds:7.1f} s {report.cpu_seconds:7.1f} s CPU  {report.job}{mark}",
                  flush=True)
    wall = time.perf_counter() - start
    print("\nslowest first (wall, CPU):")
    for report in sorted(reports, key=lambda r: -r.cpu_seconds):
        print(f"  {report.seconds:7.1f} {report.cpu_seconds:7.1f}  {report.job}")
    print(f"total: {len(reports)} runs, {sum(r.seconds for r in reports):.0f} s of work, "
          f"{sum(r.cpu_seconds for r in reports):.0f} s CPU, {wall:.0f} s wall; "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    for report in reports:
        if report.error:
            print(f"{report.job} raised:\n{report.error}")
    if args.json:
        Path(args.json).write_text(json.dumps({str(r.job): [round(r.seconds, 2), round(r.cpu_seconds, 2)]
                                               for r in reports}, indent=1))
    return 1 if any(r.error for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
