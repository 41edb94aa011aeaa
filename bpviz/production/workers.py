"""Worker processes that die with the process that started them.

``kill -9`` of a ``bpviz render --jobs N`` gives its workers no chance to be told; without help
they would stay alive, idle, for ever. On Linux each worker asks the kernel for ``SIGKILL`` when
its parent dies (``prctl(PR_SET_PDEATHSIG)``), and checks, once it is set, that the parent is
still the one that started it (it may have died in between). Elsewhere the workers rely on
:mod:`concurrent.futures`' own check of its parent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

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


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes, each dying with this process."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),))
