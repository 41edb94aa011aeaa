"""Progress of a course's jobs: a ``rich`` display on a terminal, plain lines otherwise.

A :class:`CourseProgress` is handed to an executor: ``started(fingerprint)`` when a job is sent,
``progress(result)`` when it ends. It counts the jobs done, running (sent and not ended, at most
the number of workers) and failed, and estimates the time left from the jobs rendered so far.
"""

from __future__ import annotations

import sys
import time

import click


def clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``)."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class CourseProgress:
    """Counts and shows the jobs of a course run.

    Parameters
    ----------
    labels : dict
        Fingerprint -> what the job is (``mazur forward en 16:9 low``), for every job to run.
    workers : int
        How many jobs can run at once (for the running count and the estimate).
    fancy : bool, optional
        A ``rich`` live display; default: when stderr is a terminal.
    """

    def __init__(self, labels: dict[str, str], workers: int, fancy: bool | None = None):
        self.labels, self.workers = labels, max(workers, 1)
        self.results: dict[str, dict] = {}
        self.sent = 0
        self.begin = time.perf_counter()
        self.fancy = sys.stderr.isatty() if fancy is None else fancy
        self._bar = self._task = None

    def __enter__(self) -> CourseProgress:
        if self.fancy and self.labels:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.fields[status]}"), transient=False)
            self._bar.start()
            self._task = self._bar.add_task("jobs", total=len(self.labels), status=self.status())
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    @property
    def failed(self) -> list[dict]:
        """The results that carry an error."""
        return [r for r in self.results.values() if "error" in r]

    @property
    def rendered(self) -> int:
        """How many jobs were rendered now (not found in a cache)."""
        return sum(1 for r in self.results.values() if r.get("rendered"))

    def running(self) -> int:
        """Jobs sent and not ended, at most one per worker."""
        return min(self.sent - len(self.results), self.workers)

    def estimate(self) -> float | None:
        """Seconds left: the mean time of the jobs rendered so far, over the jobs left, per worker."""
        times = [r["seconds"] for r in self.results.values() if r.get("rendered")]
        if not times:
            return None
        left = len(self.labels) - len(self.results)
        return sum(times) / len(times) * left / self.workers

    def status(self) -> str:
        """``3 done, 2 running, 1 failed, 0:41 elapsed, about 0:55 left``."""
        done = len(self.results) - len(self.failed)
        text = (f"{done} done, {self.running()} running, {len(self.failed)} failed, "
                f"{clock(time.perf_counter() - self.begin)} elapsed")
        left = self.estimate()
        return text + (f", about {clock(left)} left" if left is not None else "")

    def started(self, fingerprint: str) -> None:
        """A job was sent to a worker."""
        self.sent += 1
        if self._bar is not None:
            self._bar.update(self._task, status=self.status())

    def __call__(self, result: dict) -> None:
        """A job ended: ``result`` from :func:`bpviz.course.executors.render_task`."""
        fingerprint = result["fingerprint"]
        self.results[fingerprint] = result
        label = self.labels.get(fingerprint, fingerprint[:12])
        if "error" in result:
            what = f"failed {label}: {result['error']}"
        elif result.get("rendered"):
            what = f"rendered {label} in {result['seconds']:.1f} s on {result['host']}"
        else:
            what = f"found {label} in the render cache"
        line = f"[{len(self.results)}/{len(self.labels)}] {what}; {self.status()}"
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
            self._bar.update(self._task, completed=len(self.results), status=self.status())
        else:
            click.echo(line, err=True)
