"""Worker processes that die with the process that started them.

``kill -9`` of a ``bpviz render --jobs N`` gives its workers no chance to be told; without help
they would stay alive, idle, for ever. On Linux each worker asks the kernel for ``SIGKILL`` when
its parent dies (``prctl(PR_SET_PDEATHSIG)``), and checks, once it is set, that the parent is
still the one that started it (it may have died in between). Elsewhere the workers rely on
:mod:`concurrent.futures`' own check of its parent. Workers ignore Ctrl-C: the parent reports
it, once, and stops them (:func:`worker_pool`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal a process gets when its parent dies (``<linux/prctl.h>``)."""


def die_with_parent(parent: int) -> None:
    """Have this process killed when its parent dies; exit now if ``parent`` is already gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report, once


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``workers`` processes, each dying with this process.

    On an exception (Ctrl-C, a kill, a failed job) the jobs not started are cancelled and the
    workers stopped at once, instead of finishing the jobs they hold.
    """
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # not public: may be absent
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        raise
    else:
        pool.shutdown(wait=True)
