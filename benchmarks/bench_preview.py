"""Time to first look (issue 19): ``bpviz frames`` of an edited config, before and after, and the watch mode.

For each preset (``mazur``, ``digits``) and each version of bpviz (``before``: the tree of a git
ref, by default the commit this work started from; ``after``: this tree), every command is a
fresh ``bpviz frames PRESET --quality high`` process with ``XDG_CACHE_HOME`` pointing to an empty
temporary folder of its own, run in this order so each finds what the earlier ones left:

1. all caches empty (a copy of the preset as a config file);
2. the same again, nothing changed;
3. new inputs and targets in the copy (inline ``[data]``: mazur 0.06, 0.12 -> 0.02, 0.98; digits
   one-hot 0.9, codes 0.05/0.95), other caches warm;
4. one learning rate changed (mazur 0.5 -> 0.45, digits 1.0 -> 0.9);
5. one word of ``[video]`` changed (``notation = "delta_rule"``).

Then, for ``after`` only, the watch mode: ``frames --watch`` on the edited copy, the config saved
with new inputs again, and the seconds from the save to the line listing ``frames.json`` (its
CPU read from ``/proc``: the watching process and the children it waited for).
The table at the end gives every row, wall / CPU, before and after.
Each row prints its wall time and its CPU time (user + system of the ``bpviz`` process and
of every process it waited for: LaTeX, ``dvisvgm``, the look-ahead): on a shared machine the CPU
time moves less with the load. Targets (issue 19,
this machine at --quality high): mazur cold 8 s, edited inputs 5 s, unchanged
1 s; digits edited inputs 12 s; the watch no slower than the edited run. The machine may be
shared: figures move with its load (the script prints the load average), so say so with them.

    .venv/bin/python benchmarks/bench_preview.py                  # both presets, before and after
    .venv/bin/python benchmarks/bench_preview.py --presets mazur --quality low   # a quick look
"""

from __future__ import annotations

import argparse
import os
import queue
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import timed, verdict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASE = "4a46288"
"""The commit issue 19's work started from: the 'before' column."""
EDITS = {
    "mazur": {"inputs": ([[0.06, 0.12]], [[0.02, 0.98]]),
              "rate": ("learning_rate = 0.5", "learning_rate = 0.45")},
    "digits": {"rate": ("learning_rate = 1.0", "learning_rate = 0.9")},
}
TARGETS = {("mazur", "cold"): 8.0, ("mazur", "inputs"): 5.0, ("mazur", "unchanged"): 1.0,
           ("digits", "inputs"): 12.0}
ROWS = (("cold", "all caches empty"), ("unchanged", "the same again, nothing changed"),
        ("inputs", "new inputs and targets, other caches warm"), ("rate", "one learning rate changed"),
        ("word", "one word of [video] changed"))


def _matrix(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in rows) + "]"


def configs(preset: str) -> dict[str, str]:
    """The config text of each row: the preset, new inputs, a new learning rate, a new [video] word."""
    from backprop_core.config import load
    from backprop_core.presets import preset_text

    text = preset_text(preset)
    cfg = load(preset)
    if preset in EDITS and "inputs" in EDITS[preset]:
        inputs, targets = EDITS[preset]["inputs"]
    else:  # one-hot 1 -> 0.9, codes 0/1 -> 0.05/0.95
        inputs = (cfg.inputs * 0.9).tolist()
        targets = (0.05 + 0.9 * cfg.targets).tolist()
    data = f'inputs = {_matrix(inputs)}\ntargets = {_matrix(targets)}'
    edited = text.replace(f'preset = "{preset}"', data)
    assert edited != text, "the preset's [data] preset line was not found"
    old, new = EDITS[preset]["rate"]
    rate = edited.replace(old, new)
    assert rate != edited, f"{old!r} not in the {preset} preset"
    word = rate + '\n[video]\nnotation = "delta_rule"\n'
    return {"cold": text, "unchanged": text, "inputs": edited, "rate": rate, "word": word}


def checkout(ref: str, into: Path) -> Path:
    """The tree of ``ref`` (git archive) in ``into``."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def env_for(tree: Path, caches: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(caches)}


def frames(tree: Path, caches: Path, config: Path, out: Path, quality: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the process and the children it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed([sys.executable, "-m", "bpviz", "frames", str(config), "--quality", quality, "-o", str(out)],
                 env=env_for(tree, caches))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _cpu_of(pid: int) -> float | None:
    """CPU seconds of process ``pid`` and of its children it has waited for (Linux ``/proc``), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def watch_seconds(tree: Path, caches: Path, config: Path, text: str, out: Path,
                  quality: str) -> tuple[float, float | None]:
    """Wall and CPU seconds from a save of ``config`` (with ``text``) to the line listing frames.json."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "bpviz", "frames", "--watch", str(config),
                                "--quality", quality, "-o", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env_for(tree, caches),
                               # a script started in the background (cmd &) ignores SIGINT, and so
                               # would the watch: it must hear the Ctrl-C sent below
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()

    def until(start: str) -> None:
        while not lines.get(timeout=600).startswith(start):
            pass

    try:
        until("watching")
        time.sleep(0.3)
        cpu = _cpu_of(process.pid)
        saved = time.perf_counter()
        config.write_text(text, encoding="utf-8")
        until(f"wrote {out / 'frames.json'}")
        wall, after = time.perf_counter() - saved, _cpu_of(process.pid)
        return wall, (after - cpu if cpu is not None and after is not None else None)
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            process.wait(timeout=600)
        except subprocess.TimeoutExpired:  # a loaded machine: the figure above still stands
            process.kill()
            process.wait()


def run(preset: str, tree: Path, work: Path, quality: str, watch: bool) -> dict[str, tuple]:
    """The rows' (wall, CPU) seconds for ``preset`` with the bpviz in ``tree`` (one fresh cache folder)."""
    caches, config, out = work / "caches", work / f"{preset}_copy.toml", work / "frames"
    work.mkdir(parents=True)
    seconds = {}
    for row, text in configs(preset).items():
        config.write_text(text, encoding="utf-8")
        seconds[row] = wall, cpu = frames(tree, caches, config, out, quality)
        print(f"  {row:10} {wall:7.2f} s wall, {cpu:7.2f} s CPU", flush=True)
    if watch:  # the edited inputs again, one step further, while watching
        word = configs(preset)["word"]
        again = word.replace("0.06, 0.12", "0.07, 0.12").replace("0.95", "0.94")
        assert again != word
        seconds["watch"] = wall, cpu = watch_seconds(tree, caches, config, again, out, quality)
        print(f"  {'watch':10} {wall:7.2f} s wall, {_shown(cpu)} s CPU", flush=True)
    return seconds


def _shown(seconds: float | None, width: int = 7) -> str:
    return f"{seconds:{width}.2f}" if seconds is not None else f"{'-':>{width}}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["mazur", "digits"])
    parser.add_argument("--quality", default="high")
    parser.add_argument("--before", default=BASE, help="git ref of the 'before' column (none: skip it)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; --quality {args.quality}")
    results: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        tmp = Path(tmp)
        trees = {"after": ROOT}
        if args.before != "none":
            trees = {"before": checkout(args.before, tmp / "before-tree"), **trees}
        for preset in args.presets:
            for version, tree in trees.items():
                print(f"{preset}, {version}:", flush=True)
                results[(preset, version)] = run(preset, tree, tmp / f"{preset}-{version}", args.quality,
                                                 watch=version == "after")
    before_label = f"before ({args.before})" if args.before != "none" else "before (not run)"
    print(f"\nseconds, wall / CPU (user + system of bpviz and its children); before: the tree of "
          f"{args.before} (issue 19's starting point), after: this tree")
    print(f"{'preset':7} {'run':46} {before_label:>17} {'after':>15}  target (wall)")
    for preset in args.presets:
        for row, label in (*ROWS, ("watch", "watch: save to the last changed still written")):
            before = results.get((preset, "before"), {}).get(row)
            after = results[(preset, "after")].get(row)
            if after is None:
                continue
            target = TARGETS.get((preset, row))
            if row == "watch":  # no slower than the edited run's target
                target = TARGETS.get((preset, "inputs"))
            mark = ""
            if target is not None:
                mark = f"{target:.1f} s " + verdict(f"{preset} {row}", f"{after[0]:.2f} s", f"{target:.1f} s",
                                                   after[0] <= target)
            was = f"{_shown(before[0])} / {_shown(before[1])}" if before is not None else f"{'-':>17}"
            print(f"{preset:7} {label:46} {was:>17} {_shown(after[0])} / {_shown(after[1])}  {mark}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
