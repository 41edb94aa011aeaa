"""The pipeline's figures against issue 5's targets: jobs, render cache, learning-rate change,
stills cold and warm, peak memory. Each line says its target and PASS or FAIL.

Every command is a fresh ``bpviz`` process with ``XDG_CACHE_HOME`` pointing to an empty
temporary folder, so the first ``frames`` run is cold (no typeset LaTeX, no renders) and the
later ones find what the earlier ones left. In order:

1. ``frames mazur --quality high --jobs J``: cold, then warm (targets 30 s and 10 s);
2. ``render mazur --quality Q --jobs 1 --no-cache`` then ``--jobs 2 --no-cache``: wall ratio
   (target 0.6 on 2 cores), and the peak memory of each (the sum of the PSS of the process tree,
   sampled every 0.1 s, so pages a forked worker shares with its parent count once; target 1 GB
   at high, 2.5 GB at 4k);
3. the same render again (cache hits; target 15 % of the first);
4. a copy of mazur with another learning rate: which chapters render again, and the time ratio;
5. with ``--memory-4k SCENE``, peak memory of ``render mazur --scene SCENE --quality 4k --jobs 1``
   (target 2.5 GB for ``full``).

The machine may be shared: figures move with its load, so say so with them.

    .venv/bin/python benchmarks/bench_pipeline.py                 # 1080p60, as in the issue
    .venv/bin/python benchmarks/bench_pipeline.py --quality low   # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import tool, verdict

GB = 1024 ** 3
MEMORY_TARGET = {"low": 1 * GB, "medium": 1 * GB, "high": 1 * GB, "4k": 2.5 * GB}


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes.

    Its resident memory, with the pages it shares with other processes (a forked worker shares
    its parent's) counted once across them.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss(root: int) -> int:
    """Memory of process ``root`` and all its descendants: the sum of their PSS (from /proc)."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
        except (OSError, IndexError, ValueError):
            continue
    family, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in family} - family
        family |= more
        grew = bool(more)
    return sum(_pss(pid) for pid in family)


CPU: dict[str, float] = {}
"""CPU seconds (user + system, the process and the workers it waited for) of each run, by label."""


def run(args: list[str], env: dict, label: str = "") -> tuple[float, int]:
    """Run ``bpviz args``; its wall time (s) and the peak of its process tree's resident memory.

    Its CPU time goes to :data:`CPU` under ``label``: on a loaded machine the wall time grows
    with the others' work, the CPU time much less.
    """
    start, peak = time.perf_counter(), 0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([tool("bpviz"), *args], env=env, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            out.seek(0)
            sys.exit(f"failed ({proc.returncode}): bpviz {' '.join(args)}\n{out.read()[-3000:].decode()}")
    CPU[label or " ".join(args)] = usage.ru_utime + usage.ru_stime
    return seconds, peak


def renders(cache: Path) -> dict[str, str]:
    """Render cache entries (fingerprint -> chapter)."""
    found = {}
    for done in (cache / "bpviz" / "renders").glob("*/beats.json"):
        beats = json.loads(done.read_text(encoding="utf-8"))
        found[done.parent.name] = beats[0]["chapter"] if beats else "?"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="high", help="render quality (low, medium, high, 4k)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel runs")
    parser.add_argument("--rate", type=float, default=0.6, help="the changed learning rate")
    parser.add_argument("--memory-4k", metavar="SCENE", default=None,
                        help="also render SCENE (full: the film) at 4k with --jobs 1 for its peak memory")
    measure(parser.parse_args())


def measure(opts: argparse.Namespace) -> None:
    """Run and print every figure (``opts``: quality, jobs, rate, memory_4k)."""
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        stills = ["frames", "mazur", "--quality", "high", "--jobs", str(opts.jobs), "-o", str(tmp / "f")]
        cold, _ = run(stills, env, "cold")
        warm, _ = run(stills, env, "warm")
        for name, seconds, limit in (("cold", cold, 30), ("warm", warm, 10)):
            result = verdict(f"frames mazur high, {name}", f"{seconds:.1f} s", f"<= {limit} s",
                             seconds <= limit)
            print(f"frames mazur high --jobs {opts.jobs}: {name} {seconds:6.1f} s (target <= {limit})  "
                  f"{result}  [CPU {CPU[name]:.1f} s]")

        film = ["render", "mazur", "--quality", opts.quality, "-o", str(tmp / "v")]
        one, mem_one = run([*film, "--jobs", "1", "--no-cache"], env, "one")
        many, mem_many = run([*film, "--jobs", str(opts.jobs), "--no-cache"], env, "many")
        ratio = many / one
        result = verdict(f"--jobs {opts.jobs} / --jobs 1, mazur {opts.quality}",
                         f"{many:.1f} / {one:.1f} s = {ratio:.2f}", "<= 0.6", ratio <= 0.6)
        print(f"render mazur {opts.quality}: --jobs 1 {one:.1f} s, --jobs {opts.jobs} {many:.1f} s, "
              f"ratio {ratio:.2f} (target <= 0.6)  {result}  "
              f"[CPU {CPU['one']:.1f} s and {CPU['many']:.1f} s]")
        target = MEMORY_TARGET[opts.quality]
        for jobs, mem in ((1, mem_one), (opts.jobs, mem_many)):
            result = verdict(f"peak memory, mazur {opts.quality} --jobs {jobs}", f"{mem / GB:.2f} GB",
                             f"<= {target / GB:.1f} GB", mem <= target)
            print(f"peak memory {opts.quality} --jobs {jobs}: {mem / GB:.2f} GB (target <= "
                  f"{target / GB:.1f})  {result}")

        again, _ = run([*film, "--jobs", str(opts.jobs)], env, "again")
        result = verdict("second render, nothing changed", f"{again / many:.2f} of the first", "<= 0.15",
                         again / many <= 0.15)
        print(f"second render, nothing changed: {again:.1f} s = {again / many:.2f} of the first "
              f"(target <= 0.15)  {result}  [CPU {CPU['again']:.1f} s]")

        before = renders(tmp / "cache")
        config = tmp / "mazur_rate.toml"
        preset = Path(__file__).resolve().parent.parent / "backprop_core" / "presets" / "mazur.toml"
        text = preset.read_text(encoding="utf-8")
        config.write_text(text.replace("learning_rate = 0.5", f"learning_rate = {opts.rate}"),
                          encoding="utf-8")
        assert f"learning_rate = {opts.rate}" in config.read_text(encoding="utf-8")
        changed, _ = run(["render", str(config), "--quality", opts.quality, "--jobs", str(opts.jobs),
                          "-o", str(tmp / "v")], env, "rate")
        new = sorted(set(renders(tmp / "cache").items()) - set(before.items()), key=lambda kv: kv[1])
        again_names = [name for _, name in new]
        only = set(again_names) <= {"update", "training"}
        result = verdict(f"learning rate 0.5 -> {opts.rate}: renders again", ", ".join(again_names),
                         "update, training", only)
        print(f"learning rate 0.5 -> {opts.rate}: rendered again {again_names} in {changed:.1f} s = "
              f"{changed / many:.2f} of the first (target: only update and training)  {result}  "
              f"[CPU {CPU['rate']:.1f} s]")

        if opts.memory_4k:
            _, mem_4k = run(["render", "mazur", "--scene", opts.memory_4k, "--quality", "4k", "--jobs", "1",
                             "--no-cache", "-o", str(tmp / "k")], env)
            result = verdict(f"peak memory, mazur {opts.memory_4k} 4k", f"{mem_4k / GB:.2f} GB", "<= 2.5 GB",
                             mem_4k <= 2.5 * GB)
            print(f"peak memory 4k {opts.memory_4k} --jobs 1: {mem_4k / GB:.2f} GB (target <= 2.5)  "
                  f"{result}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
