"""Every benchmark figure that has a target, gathered for one summary table.

Each benchmark calls :func:`verdict` where it prints a figure against its target; ``bench_render.py
--all`` runs them all and ends with :func:`print_summary`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """One figure: what was measured, its target and whether it holds."""

    figure: str
    measured: str
    target: str
    ok: bool


VERDICTS: list[Verdict] = []


def verdict(figure: str, measured: str, target: str, ok: bool) -> str:
    """Record a figure against its target; returns ``PASS`` or ``FAIL`` for the caller's line."""
    VERDICTS.append(Verdict(figure, measured, target, bool(ok)))
    return "PASS" if ok else "FAIL"


def print_summary() -> int:
    """Print every recorded figure as a table; returns the number of failed targets."""
    width = max([len(v.figure) for v in VERDICTS] + [6])
    print(f"\nsummary: every figure with a target\n{'figure':{width}}  {'measured':>22}  "
          f"{'target':>14}  result")
    for v in VERDICTS:
        print(f"{v.figure:{width}}  {v.measured:>22}  {v.target:>14}  {'PASS' if v.ok else 'FAIL'}")
    failed = sum(not v.ok for v in VERDICTS)
    print(f"{failed} of {len(VERDICTS)} target(s) failed")
    return failed
