"""What tracing costs: training steps per second of bpviz against a bare NumPy loop and PyTorch.

Run ``.venv/bin/python benchmarks/bench_core.py`` (under a minute) or ``--quick`` (seconds:
a sanity run with short trainings and no repeats; its ratios are not the real ones).

For each config preset in ``backprop_core.presets.PRESETS`` with ``[training] record = "all"``
(every number of every step kept), and for a 784-16-16-10 sigmoid network (half_sse, online,
``record = "epochs"``, 32 seeded random 28x28 inputs, 3 epochs), it times, on the same initial
parameters, data and sample order:

``bpviz``   ``backprop_core.train.train(cfg)``: the forward and backward passes, the finite
            checks, the per-epoch evaluation, the frozen trace records and their invariant checks.
``bare``    the same gradient descent written minimally in NumPy, without tracing: forward,
            deltas, outer-product gradients, update (``W -= lr * outer(delta, a)`` after each
            sample online; a batch step sums the per-sample gradients and applies their mean).
            Its sigmoid is the overflow-free one bpviz uses, so its numbers are bpviz's.
``torch``   the same gradient descent in PyTorch on the CPU (float64, autograd and
            ``torch.optim.SGD``; a batch step is one batched forward), with one thread and with
            PyTorch's default number of threads. Skipped with a note when ``import torch`` fails.

The two loops without tracing are in ``reference_loops.py``.

A step is one parameter update (one sample online, the whole set in batch mode). Each time is
the best of ``--repeats`` runs (``time.perf_counter``). ``bpviz/bare`` is the cost of tracing;
targets: ``tracing <= 1.5x bare`` and ``bpviz faster than PyTorch`` (than its faster thread
setting). ``|dW|`` is the largest difference between the final weights of bare (of torch) and
those of bpviz, to show that they compute the same thing (bare: 0, the same bits). Finally the
peak memory (``tracemalloc``) of tracing the digits preset.

Mazur's preset has one step; it is timed with 2000 epochs so there is something to measure.
The ``mnist_like`` preset (784-16-16-10 on ten 28x28 digit images) is timed over 20 epochs with
every step recorded, beside the ``784-16-16-10`` row that records epochs only.
"""

from __future__ import annotations

import argparse
import time
import tomllib
import tracemalloc

import numpy as np
from reference_loops import bare_numpy, torch_sgd

from backprop_core.config import Config, from_dict
from backprop_core.presets import PRESETS, preset_text
from backprop_core.train import batches, initial_params, train

TRACING_TARGET = 1.5
EPOCHS_OVERRIDE = {"mazur": 2000, "mnist_like": 20}
"""Mazur's one step repeated to be measurable; mnist_like (784-16-16-10) cut to 200 steps, whose
full trace (every number of every step) stays under ``MAX_TRACE_NUMBERS``."""
QUICK_STEPS = 300


# -- configs --------------------------------------------------------------------------------
def preset_config(name: str, quick: bool) -> Config:
    """Preset ``name`` with every step recorded (and Mazur's one step repeated)."""
    raw = tomllib.loads(preset_text(name))
    raw["training"]["record"] = "all"
    raw["training"]["epochs"] = EPOCHS_OVERRIDE.get(name, raw["training"]["epochs"])
    if quick:
        raw["training"]["epochs"] = _quick_epochs(from_dict(raw, name))
    return from_dict(raw, name)


def mnist_like_config(quick: bool) -> Config:
    """784-16-16-10 sigmoid network on 32 seeded random 28x28 images, 3 epochs, epochs recorded."""
    rng = np.random.default_rng(1234)
    n = 8 if quick else 32
    images = rng.random((n, 28 * 28))
    targets = np.eye(10)[rng.integers(0, 10, size=n)]
    return from_dict({
        "network": {"layers": [784, 16, 16, 10], "activations": ["sigmoid"] * 3, "init": "xavier",
                    "seed": 0},
        "training": {"loss": "half_sse", "learning_rate": 0.5, "mode": "online",
                     "epochs": 1 if quick else 3, "record": "epochs"},
        "data": {"inputs": images.tolist(), "targets": targets.tolist()},
    }, "784-16-16-10")


def _quick_epochs(cfg: Config) -> int:
    per_epoch = len(batches(cfg, None))
    return max(1, min(cfg.epochs, QUICK_STEPS // per_epoch))


def step_batches(cfg: Config) -> list[np.ndarray]:
    """The sample indices of every step of the run, in the order bpviz uses."""
    rng = np.random.default_rng(cfg.shuffle_seed) if cfg.shuffle else None
    return [b for _ in range(cfg.epochs) for b in batches(cfg, rng)]


# -- timing ---------------------------------------------------------------------------------
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


def measure(label: str, cfg: Config, repeats: int, torch) -> dict:
    steps = step_batches(cfg)
    weights, biases = initial_params(cfg)
    t_bp, trace = best_time(lambda: train(cfg), repeats)
    t_bare, w_bare = best_time(lambda: bare_numpy(cfg, weights, biases, steps), repeats)
    final = trace.final.weights
    row = {"label": label, "record": str(cfg.record), "n": len(steps), "bp": t_bp, "bare": t_bare,
           "diff_bare": max_diff(w_bare, final)}
    if torch is not None:
        default_threads = torch.get_num_threads()
        times = {}
        for threads in (1, default_threads):
            torch.set_num_threads(threads)
            torch_sgd(torch, cfg, weights, biases, steps[:20])  # warm up
            times[threads], w_torch = best_time(
                lambda: torch_sgd(torch, cfg, weights, biases, steps), repeats)
            row["diff_torch"] = max_diff(w_torch, final)
        torch.set_num_threads(default_threads)
        row["torch1"], row["torchN"] = times[1], times[default_threads]
    return row


def digits_memory() -> tuple[float, float, int]:
    """Peak traced memory (MB) of training the digits preset, MB of array data, array count."""
    cfg = preset_config("digits", quick=False)
    tracemalloc.start()
    trace = train(cfg)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrays = {id(a): a for a in _trace_arrays(trace)}  # records may share arrays
    return peak / 1e6, sum(a.nbytes for a in arrays.values()) / 1e6, len(arrays)


def _trace_arrays(trace):
    for p in [trace.initial] + [e.params for e in trace.epochs]:
        yield from (*p.weights, *p.biases)
    for s in trace.steps:
        yield from (*s.before.weights, *s.before.biases, *s.after.weights, *s.after.biases)
        yield from (*s.grad_weights, *s.grad_biases)
        for r in s.per_sample:
            yield from (r.x, r.y, *r.z, *r.a, *r.delta)


# -- report ---------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short trainings, one run each")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement (5; quick 1)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    try:
        import torch
    except ImportError as err:
        torch, torch_note = None, f"PyTorch columns skipped: import torch failed ({err})"
    else:
        torch_note = (f"PyTorch {torch.__version__}, float64 on the CPU; default threads: "
                      f"{torch.get_num_threads()}")

    rows = [measure(name, preset_config(name, args.quick), repeats, torch) for name in PRESETS]
    rows.append(measure("784-16-16-10", mnist_like_config(args.quick), repeats, torch))

    print(f"bpviz core benchmark: steps/s, best of {repeats}{' (quick)' if args.quick else ''}")
    print(torch_note)
    n_threads = torch.get_num_threads() if torch is not None else 0
    head = (f"{'config':<13}{'record':>7}{'steps':>7}{'bpviz':>9}{'bare':>9}{'bpviz/bare':>11}"
            f"  {'tracing<=1.5x':<14}")
    if torch is not None:
        head += f"{'torch x1':>9}{f'torch x{n_threads}':>9}{'torch/bpviz':>12}  {'bpviz>torch':<12}"
    head += f"{'|dW| bare':>10}" + (f"{'torch':>9}" if torch is not None else "")
    print(head)
    print("-" * len(head))
    failures = 0
    for r in rows:
        ratio = r["bp"] / r["bare"]
        ok = ratio <= TRACING_TARGET
        failures += not ok
        line = (f"{r['label']:<13}{r['record']:>7}{r['n']:>7}{r['n'] / r['bp']:>9.0f}"
                f"{r['n'] / r['bare']:>9.0f}{ratio:>10.2f}x  {'PASS' if ok else 'FAIL':<14}")
        if torch is not None:
            t_torch = min(r["torch1"], r["torchN"])
            faster = r["bp"] < t_torch
            failures += not faster
            line += (f"{r['n'] / r['torch1']:>9.0f}{r['n'] / r['torchN']:>9.0f}"
                     f"{t_torch / r['bp']:>11.2f}x  {'PASS' if faster else 'FAIL':<12}")
        line += f"{r['diff_bare']:>10.1e}" + (f"{r['diff_torch']:>9.1e}" if torch is not None else "")
        print(line)
    print("bpviz/bare: time of bpviz over time of the bare loop (the cost of tracing); torch/bpviz: "
          "time of the faster torch setting over time of bpviz (> 1: bpviz faster)")
    print("|dW|: largest difference of the final weights from bpviz's (0: the same bits)")
    print("circle trains in batch mode: torch runs its 24 samples as one matrix product per step, "
          "bpviz and bare one vector at a time (bpviz records each)")
    if not args.quick:
        print("mazur runs 2000 epochs instead of 1 so that its time is measurable")
    peak, data, count = digits_memory()
    print(f"digits preset, record = all: peak traced memory {peak:.1f} MB (tracemalloc); "
          f"the trace holds {count} distinct arrays, {data:.2f} MB of numbers")
    print(f"{failures} target(s) failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
