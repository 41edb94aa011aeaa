"""Suite-wide rules: a skipped test fails the run (a skip must never look green)."""

from __future__ import annotations

_skipped: list[str] = []


def pytest_addoption(parser):
    """Options of Manim's ``frames_comparison`` (tests/graphical), registered by Manim only in its suite."""
    group = parser.getgroup("bpviz graphical tests")
    group.addoption("--set_test", action="store_true", default=False,
                    help="write the control frames of tests/graphical instead of comparing with them")
    group.addoption("--show_diff", action="store_true", default=False,
                    help="show a failing frame comparison (control, frame, difference) with matplotlib")


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) skipped; this suite allows no skips: " + ", ".join(_skipped),
            red=True,
        )
