"""A course of 12 chapter jobs at 1080p60 on local processes and on local Dask workers.

The course is mazur's six chapters before training (neuron ... chain_rule) in 16:9 and 4:3: 12
chapter jobs. It is made four ways, each into an empty render cache (typeset LaTeX from the user's
cache; ``--warm`` first fills it with an untimed run): ``--jobs 1``, ``--jobs 2``, ``--cluster local:1`` and
``--cluster local:2`` (a LocalCluster on 127.0.0.1 started by the run, so its start-up counts).
For each it prints the wall time, the CPU of every process (this one and its children), the sum
of the jobs' own render times, and the ratio to ``--jobs 1``. Then the scheduler's own cost: 200
empty tasks asking for one ``render`` resource, on two workers, timed end to end.

The per-job times it prints (``job seconds``) are what ``docs/scaling.md``'s model is fitted to.
The machine may be shared: say its load with the figures.

    .venv/bin/python benchmarks/bench_course.py                 # 1080p60, as in the issue
    .venv/bin/python benchmarks/bench_course.py --quality low   # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpviz.course.build import make_course  # noqa: E402

CHAPTERS = ["neuron", "forward", "loss", "backward", "update", "chain_rule"]
RUNS = [("--jobs 1", {"jobs": 1}), ("--jobs 2", {"jobs": 2}),
        ("--cluster local:1", {"cluster": "local:1"}), ("--cluster local:2", {"cluster": "local:2"})]


def cpu() -> float:
    """CPU seconds of this process and its waited-for children (all threads)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def course_file(folder: Path, quality: str) -> Path:
    path = folder / "course.toml"
    path.write_text(f'[[entry]]\nsource = "mazur"\nscenes = {json.dumps(CHAPTERS)}\n'
                    f'qualities = ["{quality}"]\naspects = ["16:9", "4:3"]\n')
    return path


def timed(course: Path, folder: Path, **how) -> dict:
    start, cpu0 = time.perf_counter(), cpu()
    run = make_course(course, folder / "out", cache=folder / "cache", fancy=False, **how)
    wall, used = time.perf_counter() - start, cpu() - cpu0
    log = [json.loads(line) for line in (folder / "cache" / "renders.log").read_text().splitlines()]
    assert run.rendered == 12 and not run.failed, (run.rendered, run.failed)
    return {"wall": wall, "cpu": used, "jobs": sorted(entry["seconds"] for entry in log)}


def scheduler_overhead(tasks: int = 200) -> float:
    """Seconds per empty task asking for one ``render`` resource, on a 2-worker LocalCluster."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      resources={"render": 1}, silence_logs=40) as cluster, Client(cluster) as client:
        client.submit(len, "warm", resources={"render": 1}).result()
        start = time.perf_counter()
        futures = [client.submit(len, "x" * i, resources={"render": 1}, pure=False) for i in range(tasks)]
        client.gather(futures)
        return (time.perf_counter() - start) / tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="high", help="low, medium, high (1080p60) or 4k")
    parser.add_argument("--warm", action="store_true", help="an untimed run first, to typeset the LaTeX")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        course = course_file(Path(tmp), args.quality)
        if args.warm:
            make_course(course, Path(tmp) / "warm", cache=Path(tmp) / "warm-cache", fancy=False)
        results = {}
        for name, how in RUNS:
            folder = Path(tmp) / name.replace(" ", "_").replace(":", "")
            results[name] = timed(course, folder, **how)
            r = results[name]
            cores = r["cpu"] / r["wall"]
            print(f"{name:<18} wall {r['wall']:6.1f} s  CPU {r['cpu']:6.1f} s ({cores:.2f} cores)"
                  f"  sum of job times {sum(r['jobs']):6.1f} s  ratio to --jobs 1 "
                  f"{r['wall'] / results['--jobs 1']['wall']:.2f}", flush=True)
        base = results["--jobs 1"]
        print(f"job seconds (--jobs 1, sorted): {', '.join(f'{s:.1f}' for s in base['jobs'])}")
        for name in ("--cluster local:1", "--cluster local:2"):
            r = results[name]
            workers = int(name[-1])
            beyond = r["wall"] - sum(r["jobs"]) / workers
            print(f"{name}: wall beyond its jobs' time per worker {beyond:.1f} s "
                  f"(cluster start-up, spawn and imports, assembly)")
        dask = results["--cluster local:2"]["wall"] / results["--cluster local:1"]["wall"]
        print(f"{'local:2 / local:1':<18} {dask:.2f}")
        print(f"{'--jobs 2 / --jobs 1':<18} {results['--jobs 2']['wall'] / base['wall']:.2f}")
    print(f"scheduler overhead per task (200 empty tasks, 2 workers): {scheduler_overhead() * 1000:.1f} ms")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
