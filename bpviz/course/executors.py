"""Where a course's chapter jobs run: local processes, or a Dask distributed cluster.

Both run the same task, :func:`render_task`: one :class:`~bpviz.production.jobs.JobSpec`
rendered into a render cache folder through
:func:`~bpviz.production.jobs.render_into_cache` (a private temporary folder renamed into
place, so a reader never sees half a render). A job fails for a reason of its own (a bad
config, a chapter the network has not) once: the task returns its one-line error instead of
raising, so neither the process pool nor Dask retries it, and the course goes on.

On Dask (:func:`run_on_cluster`) each job asks for one ``render`` resource (``dask worker
ADDRESS --nthreads 1 --resources render=1``), so a 4K render never shares a worker's memory;
a job whose worker dies is run again elsewhere (``retries``, and the scheduler's own
rescheduling of a lost task). Outputs go one of two ways:

- ``shared``: the workers render into the cache folder given by ``--cache DIR``, a folder every
  machine mounts (NFS, SMB ...); the client reads the finished folders from there.
- sent back: each worker renders into its own local render cache and returns the finished
  files; the client files them into its render cache (renamed into place, as a render is).

LaTeX is typeset in each worker's own cache (``~/.cache/bpviz/tex``), never in the shared one.
A worker whose bpviz source, Manim or PyAV differs from the client's is refused before any
job is sent to it (and each task checks again), since the fingerprint the client computed
would not describe what that worker draws.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from backprop_core.errors import BpvizError
from bpviz import __version__
from bpviz.production.fingerprint import code_version
from bpviz.production.jobs import DONE, JobSpec, last_seconds, render_into_cache, renders_dir

LOG = "renders.log"
"""In a render cache folder: one JSON line per job rendered there (fingerprint, host, pid, seconds)."""
CLUSTER_HINT = "--cluster needs Dask distributed; install it with: pip install 'bpviz[cluster]'"


def worker_versions() -> dict:
    """What a render depends on besides the job: bpviz's version and source, Manim's and PyAV's."""
    found = {"bpviz": __version__, "code": code_version()[:16]}
    for dist in ("manim", "av"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "missing"
    return found


def describe(versions: dict) -> str:
    """``bpviz 0.1.0 (source 1a2b...), manim 0.22.0, av 14.0``."""
    return (f"bpviz {versions['bpviz']} (source {versions['code']}), manim {versions['manim']}, "
            f"av {versions['av']}")


def one_line(err: BaseException) -> str:
    """An error as one line: a :class:`BpvizError` as it reads, anything else with its type."""
    text = str(err) if isinstance(err, BpvizError) else f"{type(err).__name__}: {err}"
    return " ".join(text.split())


def render_task(spec: JobSpec, fingerprint: str, root: str | None, versions: dict,
                send_back: bool = False) -> dict:
    """Render one job into the cache folder ``root`` (``None``: this machine's render cache).

    Returns a dict: ``fingerprint``, ``rendered`` (false: it was in the cache), ``seconds``,
    ``host``, ``pid``, and ``error`` (one line) when the job failed; with ``send_back``, ``files``
    maps each file of the finished folder (relative path) to its bytes.
    """
    result = {"fingerprint": fingerprint, "rendered": False, "seconds": 0.0,
              "host": socket.gethostname(), "pid": os.getpid()}
    mine = worker_versions()
    if mine != versions:
        return {**result, "error": f"worker {result['host']} refused: it runs {describe(mine)}, "
                                   f"the client {describe(versions)}; install the same bpviz on every worker"}
    folder = Path(root) if root else renders_dir()
    start = time.perf_counter()
    try:
        entry, rendered = render_into_cache(spec, fingerprint, folder, parallel=True)
    except Exception as err:  # the job's own failure: reported once, never retried
        return {**result, "error": one_line(err)}
    result.update(rendered=rendered, seconds=round(time.perf_counter() - start, 2))
    if rendered:
        line = {k: result[k] for k in ("fingerprint", "host", "pid", "seconds")}
        with open(folder / LOG, "a", encoding="utf-8") as log:  # one short append: whole lines
            log.write(json.dumps({**line, "chapter": spec.chapter, "finished": time.time()}) + "\n")
    if send_back:
        result["files"] = {str(p.relative_to(entry)): p.read_bytes()
                           for p in sorted(entry.rglob("*")) if p.is_file()}
    return result


def receive(root: Path, fingerprint: str, files: dict[str, bytes]) -> Path:
    """File the ``files`` a worker sent back as the cache entry ``root/fingerprint`` (atomically)."""
    entry = root / fingerprint
    if (entry / DONE).is_file():
        return entry
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{fingerprint[:16]}.", dir=root))
    try:
        for name, data in files.items():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if entry.exists():  # a half entry can only be a leftover: replace it
            shutil.rmtree(entry, ignore_errors=True)
        os.replace(work, entry)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return entry


def run_local(specs: dict[str, JobSpec], jobs: int, root: Path, report) -> None:
    """Run ``specs`` (fingerprint -> job) on ``jobs`` local processes; ``report(result)`` on each end.

    With one job at a time the jobs render in this process, one after another.
    """
    versions = worker_versions()
    specs = dict(sorted(specs.items(), key=lambda item: -last_seconds(root, item[1])))  # longest first
    if jobs == 1 or len(specs) == 1:
        for fingerprint, spec in specs.items():
            report.started(fingerprint)
            report(render_task(spec, fingerprint, str(root), versions))
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(specs))) as pool:
        pending = set()
        for fingerprint, spec in specs.items():
            pending.add(pool.submit(render_task, spec, fingerprint, str(root), versions))
            report.started(fingerprint)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                report(future.result())


def start_cluster(address: str):
    """``(address, cluster)``: ``local:N`` starts a LocalCluster of N workers on 127.0.0.1.

    Each worker of it is a process with one thread and one ``render`` resource; ``cluster`` is
    ``None`` for the address of a running scheduler.
    """
    try:
        from distributed import LocalCluster
    except ImportError:
        raise BpvizError(CLUSTER_HINT) from None
    for name in [name for name in logging.root.manager.loggerDict if name.startswith("distributed")]:
        logging.getLogger(name).setLevel(logging.ERROR)  # their INFO lines would bury the progress
    if not address.startswith("local:"):
        return address, None
    count = address.split(":", 1)[1]
    if not count.isdigit() or int(count) < 1:
        raise BpvizError(f"--cluster {address}: give local:N with N workers, 1 or more")
    cluster = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, resources={"render": 1}, silence_logs=logging.ERROR)
    return cluster.scheduler_address, cluster


def matching_workers(client, versions: dict) -> list[str]:
    """The workers of ``client``'s cluster that run the client's versions; a one-line error if none.

    The refused ones are named on stderr, each with its versions.
    """
    import click

    found = client.run(worker_versions)
    good = [addr for addr, theirs in found.items() if theirs == versions]
    for addr, theirs in found.items():
        if theirs != versions:
            click.echo(f"refused worker {addr}: it runs {describe(theirs)}, this client "
                       f"{describe(versions)}; install the same bpviz on every worker", err=True)
    if not good:
        raise BpvizError(f"no worker of the cluster runs this client's {describe(versions)}"
                         if found else "the cluster has no worker; start one with: dask worker ADDRESS "
                                       "--nthreads 1 --resources render=1")
    return good


def run_on_cluster(specs: dict[str, JobSpec], address: str, shared: Path | None, root: Path,
                   report, retries: int = 2) -> None:
    """Run ``specs`` on the Dask cluster at ``address`` (or ``local:N``); ``report(result)`` on each end.

    ``shared``: the cache folder every worker writes into (``--cache DIR``); ``None``: each worker
    renders into its own cache and sends the files back, which are filed into ``root``.
    """
    address, cluster = start_cluster(address)
    from distributed import Client, as_completed

    try:
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as err:
            raise BpvizError(f"--cluster {address}: cannot reach the Dask scheduler "
                             f"({one_line(err)})") from None
        with client:
            versions = worker_versions()
            good = matching_workers(client, versions)
            report.workers = len(good)
            futures = {}
            for fingerprint, spec in specs.items():
                future = client.submit(render_task, spec, fingerprint, str(shared) if shared else None,
                                       versions, shared is None, resources={"render": 1},
                                       retries=retries, workers=good, pure=False,
                                       priority=round(last_seconds(root, spec)),  # longest first
                                       key=f"render-{spec.chapter}-{fingerprint[:12]}-{uuid.uuid4().hex[:6]}")
                futures[future] = fingerprint
                report.started(fingerprint)
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as err:  # the task was lost more often than Dask allows
                    result = {"fingerprint": futures[future], "rendered": False, "error": one_line(err)}
                files = result.pop("files", None)
                if files is not None and "error" not in result:
                    receive(root, result["fingerprint"], files)
                report(result)
    finally:
        if cluster is not None:
            cluster.close()
