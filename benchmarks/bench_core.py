"""What tracing costs: ``bpviz trace mnist_like`` as a process, and training steps against a bare
NumPy loop and PyTorch.

Run ``.venv/bin/python benchmarks/bench_core.py`` (about a minute) or ``--quick`` (seconds: a
sanity run with short trainings and no repeats; its ratios are not the real ones).

Three bounds (the figures the engine is held to):

(a) ``bpviz trace mnist_like -o FILE``, the whole process (start, training, writing 20 MB of
    JSON), takes at most 1.5 s of wall time (best of ``--repeats`` runs).
(b) Per traced step, tracing costs at most 3 times a bare NumPy loop of the same math.
(c) Per step, tracing is faster than PyTorch (float64, on the CPU), on every preset.

For (b) and (c), each config preset in ``backprop_core.presets.PRESETS`` is trained as
``bpviz trace`` trains it (its own ``[training] record``; Mazur's one step is repeated for 2000
epochs so that there is something to measure), and the same gradient descent runs on the same
initial parameters, data and sample order in:

``bpviz``   ``backprop_core.train.train(cfg)``: the forward and backward passes, the finite
            checks, the evaluation after every epoch, the trace's records and their checks.
``bare``    the same math written minimally in NumPy, without tracing (``reference_loops.py``):
            forward, deltas, mean gradient of the step's samples (one per row), update, and
            after every epoch the mean loss over the training set (one batched forward).
``torch``   the same math in PyTorch on the CPU (float64, autograd and ``torch.optim.SGD``; a
            step's samples in one batched forward; the epoch loss under ``no_grad``), with one
            thread and with PyTorch's default number of threads (the faster counts). Reported
            as "PyTorch not installed" when ``import torch`` fails.

A step is one parameter update (one sample online, the whole set in batch mode). The times of (b)
and (c) are CPU times, the median of ``--repeats`` runs: the calling thread's
(``time.thread_time``) for bpviz and bare, the whole process's (``time.process_time``: all of
PyTorch's threads) for torch. bpviz and bare take turns, and ``bpviz/bare`` is the median of the
ratios of runs side by side, so that a machine shared with other work weighs on both alike.
``|dW|`` is the largest difference between the
final weights of bare (of torch) and those of bpviz, to show that they compute the same thing.
``--record-all`` adds, for information, the same table with every step recorded.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
from reference_loops import bare_numpy, torch_sgd

from backprop_core.config import Config, from_dict
from backprop_core.presets import PRESETS, preset_text
from backprop_core.train import batches, initial_params, train

PROCESS_BOUND = 1.5
"""(a): seconds of wall time for ``bpviz trace mnist_like``."""
TRACING_BOUND = 3.0
"""(b): time per step of bpviz over that of the bare loop."""
EPOCHS_OVERRIDE = {"mazur": 2000}
"""Mazur's one step repeated so that its time is measurable."""
QUICK_STEPS = 300
ENGINE = Path(__file__).resolve().parent.parent / "backprop_core"


# -- configs --------------------------------------------------------------------------------
def preset_config(name: str, quick: bool, record_all: bool = False) -> Config:
    """Preset ``name`` as ``bpviz trace`` trains it (Mazur's one step repeated)."""
    raw = tomllib.loads(preset_text(name))
    raw["training"]["epochs"] = EPOCHS_OVERRIDE.get(name, raw["training"]["epochs"])
    if record_all:
        raw["training"]["record"] = "all"
    if quick:
        raw["training"]["epochs"] = _quick_epochs(from_dict(raw, name))
    return from_dict(raw, name)


def _quick_epochs(cfg: Config) -> int:
    per_epoch = len(batches(cfg, None))
    return max(1, min(cfg.epochs, QUICK_STEPS // per_epoch))


def epoch_batches(cfg: Config) -> list[list[np.ndarray]]:
    """The sample indices of every step of the run, epoch by epoch, in the order bpviz uses."""
    rng = np.random.default_rng(cfg.shuffle_seed) if cfg.shuffle else None
    return [batches(cfg, rng) for _ in range(cfg.epochs)]


# -- timing ---------------------------------------------------------------------------------
def cpu_times(fns, repeats: int, clock=time.thread_time) -> list[tuple[list[float], object]]:
    """For each of ``fns``: the CPU times (``clock``) of ``repeats`` runs, and its last result.

    The functions take turns (one run of each, ``repeats`` times over).
    """
    times: list[list[float]] = [[] for _ in fns]
    results: list[object] = [None] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = clock()
            results[i] = fn()
            times[i].append(clock() - t0)
    return list(zip(times, results))


def best_time(fn, repeats: int) -> tuple[float, object]:
    """The shortest of ``repeats`` wall times of ``fn()``, and its last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def max_diff(a, b) -> float:
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def trace_process(repeats: int) -> float:
    """Best wall time of ``bpviz trace mnist_like -o FILE`` as a process of its own."""
    bpviz = Path(sys.executable).with_name("bpviz")
    command = [str(bpviz)] if bpviz.exists() else [sys.executable, "-m", "backprop_core.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mnist_like.json"
        run = [*command, "trace", "mnist_like", "-o", str(out)]
        return best_time(lambda: subprocess.run(run, check=True, capture_output=True), repeats)[0]


def measure(label: str, cfg: Config, repeats: int, torch) -> dict:
    epochs = epoch_batches(cfg)
    weights, biases = initial_params(cfg)
    (t_bp, trace), (t_bare, (w_bare, _)) = cpu_times(
        [lambda: train(cfg), lambda: bare_numpy(cfg, weights, biases, epochs)], repeats)
    final = trace.final.weights
    row = {"label": label, "record": str(cfg.record), "n": sum(map(len, epochs)),
           "bp": statistics.median(t_bp), "bare": statistics.median(t_bare),
           "ratio": statistics.median(b / r for b, r in zip(t_bp, t_bare)),  # of runs side by side
           "diff_bare": max_diff(w_bare, final)}
    if torch is not None:
        default_threads = torch.get_num_threads()
        times = {}
        for threads in sorted({1, default_threads}):
            torch.set_num_threads(threads)
            torch_sgd(torch, cfg, weights, biases, epochs[:3])  # warm up
            [(runs, (w_torch, _))] = cpu_times(
                [lambda: torch_sgd(torch, cfg, weights, biases, epochs)], repeats, time.process_time)
            times[threads] = statistics.median(runs)
            row["diff_torch"] = max_diff(w_torch, final)
        torch.set_num_threads(default_threads)
        row["torch"] = min(times.values())
    return row


def engine_lines() -> int:
    """Lines of the engine: backprop_core/*.py without the command line and the configuration."""
    skip = ("cli", "config", "video_config")
    return sum(len(p.read_text().splitlines()) for p in ENGINE.glob("*.py")
               if not p.stem.startswith(skip))


# -- report ---------------------------------------------------------------------------------
def print_table(rows: list[dict], torch, bounds: bool) -> int:
    """Print one row per config; returns how many bounds failed (0 unless ``bounds``)."""
    us = 1e6
    head = (f"{'preset':<11}{'record':>7}{'steps':>7}{'bpviz us':>10}{'bare us':>9}{'bpviz/bare':>11}"
            f"  {'<=3x' if bounds else '':<5}")
    if torch is not None:
        head += f"{'torch us':>9}{'torch/bpviz':>12}  {'faster' if bounds else '':<7}"
    head += f"{'|dW| bare':>10}" + (f"{'torch':>9}" if torch is not None else "")
    print(head)
    print("-" * len(head))
    failures = 0
    for r in rows:
        per_step, bare = r["bp"] / r["n"], r["bare"] / r["n"]
        ok = r["ratio"] <= TRACING_BOUND
        failures += bounds and not ok
        verdict = ("PASS" if ok else "FAIL") if bounds else ""
        line = (f"{r['label']:<11}{r['record']:>7}{r['n']:>7}{per_step * us:>10.1f}{bare * us:>9.1f}"
                f"{r['ratio']:>10.2f}x  {verdict:<5}")
        if torch is not None:
            t_torch = r["torch"] / r["n"]
            faster = per_step < t_torch
            failures += bounds and not faster
            verdict = ("PASS" if faster else "FAIL") if bounds else ""
            line += f"{t_torch * us:>9.1f}{t_torch / per_step:>11.2f}x  {verdict:<7}"
        line += f"{r['diff_bare']:>10.1e}" + (f"{r['diff_torch']:>9.1e}" if torch is not None else "")
        print(line)
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short trainings, one run each")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement (5; quick 1)")
    parser.add_argument("--record-all", action="store_true",
                        help="also time every preset with every step recorded (for information)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    try:
        import torch
    except ImportError:
        torch, torch_note = None, "PyTorch not installed: bound (c) not measured"
    else:
        torch_note = (f"PyTorch {torch.__version__}, float64 on the CPU, the faster of 1 and "
                      f"{torch.get_num_threads()} threads")

    print(f"bpviz core benchmark: (a) best of {repeats} wall times, (b) and (c) median of {repeats} "
          f"CPU times{' (quick)' if args.quick else ''}")
    failures = 0
    t_process = trace_process(repeats)
    ok = t_process <= PROCESS_BOUND
    failures += not ok
    print(f"(a) bpviz trace mnist_like -o FILE, whole process: {t_process:.2f} s "
          f"(bound {PROCESS_BOUND} s): {'PASS' if ok else 'FAIL'}")
    print(f"(b) per traced step, bpviz <= {TRACING_BOUND:g}x the bare NumPy loop; "
          f"(c) bpviz faster than PyTorch per step. {torch_note}")
    rows = [measure(name, preset_config(name, args.quick), repeats, torch) for name in PRESETS]
    failures += print_table(rows, torch, bounds=True)
    print("us: microseconds per step (one update); presets as `bpviz trace` trains them (their own "
          "record), mazur for 2000 epochs")
    print("|dW|: largest difference of the final weights from bpviz's")
    if args.record_all:
        print("\nfor information, every step recorded (record = \"all\"):")
        rows = [measure(name, preset_config(name, args.quick, record_all=True), repeats, torch)
                for name in PRESETS]
        print_table(rows, torch, bounds=False)
    print(f"engine: {engine_lines()} lines (backprop_core/*.py without cli*, config*, video_config)")
    print(f"{failures} target(s) failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
