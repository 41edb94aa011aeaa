"""Suite-wide rules: a skipped test fails the run (a skip must never look green); the session's
caches live in pytest's cache folder."""

from __future__ import annotations

import os

import pytest

_skipped: list[str] = []


def pytest_configure(config):
    """Every bpviz cache of the session under pytest's cache folder (``.pytest_cache/d/xdg/bpviz``).

    The commands the tests run and the scene tests' chapter runs (tests/scenes/conftest.py) then
    share one typeset and shape cache: an equation or text they both show is compiled and parsed
    once, and the user's own cache is never touched. Tests of a cold or broken cache set their own.
    """
    if config.cache is not None:
        os.environ["XDG_CACHE_HOME"] = str(config.cache.mkdir("xdg"))


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


@pytest.fixture(scope="session")
def and_loss_render(tmp_path_factory):
    """The ``loss`` chapter of the tiny ``and`` preset at low quality, rendered once per session.

    Returns the private render cache holding its entry and the delivered ``loss.mp4``; tests of
    delivery and of the render cache copy or patch that cache instead of rendering again.
    """
    from click.testing import CliRunner

    from bpviz.cli import main
    from bpviz.production import jobs

    folder = tmp_path_factory.mktemp("renders")
    out = tmp_path_factory.mktemp("and-loss")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "renders_dir", lambda: folder)
        result = CliRunner().invoke(main, ["render", "and", "--scene", "loss", "--quality", "low",
                                           "-o", str(out)])
        assert result.exit_code == 0, (result.stderr, result.exception)
    return folder, out / "loss.mp4"
