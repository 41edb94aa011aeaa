"""A short human summary of a trace, as printed by ``bpviz trace`` and ``make demo``."""

from __future__ import annotations

from .trace import Trace


def _vec(values, decimals: int = 6) -> str:
    return "[" + ", ".join(f"{v:.{decimals}f}" for v in values) + "]"


def summary_lines(trace: Trace, name: str) -> list[str]:
    """Lines describing the network, the run, its first step and its loss per epoch."""
    net, tr = trace.config["network"], trace.config["training"]
    shape = "-".join(str(n) for n in trace.layers)
    lines = [
        f"{name}: {shape} network ({', '.join(trace.activations)}), loss {tr['loss']}, "
        f"{tr['mode']} mode, learning rate {tr['learning_rate']:g}, {tr['epochs']} epoch(s), "
        f"biases {'off' if not net['use_biases'] else 'frozen' if not tr['update_biases'] else 'trained'}",
        f"recorded {len(trace.steps)} step(s) (record = {tr['record']!r}), "
        f"{len(trace.epochs) - 1} epoch(s)",
    ]
    if trace.steps:
        step = trace.steps[0]
        rec = step.per_sample[0]
        lines.append(
            f"step {step.index} (epoch {step.epoch}), sample {rec.sample}: output {_vec(rec.a[-1])}, "
            f"target {_vec(rec.y)}, loss {rec.loss:.9f}"
        )
    first, last = trace.epochs[0], trace.epochs[-1]
    acc = "" if last.accuracy is None else f", accuracy {first.accuracy:.0%} -> {last.accuracy:.0%}"
    lines.append(f"mean loss over the training set: {first.loss:.9f} (epoch 0) -> "
                 f"{last.loss:.9f} (epoch {last.epoch}){acc}")
    if trace.stopped is not None:
        lines.append(f"stopped early: {trace.stopped.message} (epoch {trace.stopped.epoch}, "
                     f"step {trace.stopped.step})")
    return lines
