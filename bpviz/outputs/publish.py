"""Outputs that land whole or not at all: files staged beside their targets, published together.

A command's outputs (a video, its ``.srt`` and beat clips; stills and ``frames.json``; a trace)
are first written under a short temporary name in the folder of their target, flushed to disk,
and only then renamed over the old files, all at the end (:class:`Publication`). A full disk, an
unwritable or immutable file, or an interruption before that end leaves the old files as they
were; a failure while renaming puts back the files already replaced, so the set stays whole.

Targets are resolved as ``cp`` and shells do: a symbolic link is followed and its target
replaced (the link stays), and a special file (``/dev/null``, a FIFO, a socket, a terminal) is
written in place, never replaced by a regular file.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

from backprop_core.errors import BpvizError

TEMP_PREFIX = ".bpviz-"
"""Temporary names beside a target: short, so a target name of 255 bytes still has a temp name."""


def destination(target: Path) -> Path:
    """Where writing ``target`` lands: the file a chain of symbolic links points to, else ``target``."""
    return Path(os.path.realpath(target))


def is_special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder (a device, FIFO, socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def failure(target: Path, err: OSError) -> BpvizError:
    """One line saying ``target`` could not be written, and that nothing was replaced."""
    reason = err.strerror or str(err)
    if err.errno == errno.ENAMETOOLONG:
        size = len(os.fsencode(target.name))
        reason = f"the file name is too long ({size} bytes; most file systems allow 255)"
    elif err.errno == errno.EPERM and target.exists():
        reason = "the file may not be replaced (immutable or protected)"
    return BpvizError(f"cannot write {target}: {reason}; no output was replaced")


class Publication:
    """The outputs of one command, staged one by one and published together by :meth:`commit`.

    Use it as a context manager: on a normal exit every staged file is published, on an
    exception none is, and the temporary files are removed. ``add_*`` return the target path
    as the user named it (to print).
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path, Path | None]] = []  # (named, real target, temp file)
        self._specials: list[tuple[Path, Path]] = []  # (named special file, private copy): written in place

    def __enter__(self) -> Publication:
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def _temp_beside(self, named: Path, real: Path) -> Path:
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=real.parent)
        except OSError as err:
            raise failure(named, err) from None
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        return Path(temp)

    def add_file(self, source: Path, target: Path) -> Path:
        """Stage a copy of the finished file ``source`` as ``target``."""
        target = Path(target)
        real = destination(target)
        if len(os.fsencode(real.name)) > 255:
            raise failure(target, OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG)))
        if is_special(real):  # written in place at the end, from a private copy
            fd, temp = tempfile.mkstemp(prefix="bpviz-special-")
            os.close(fd)
            self._specials.append((target, Path(temp)))
        else:
            temp = self._temp_beside(target, real)
            self._staged.append((target, real, temp))
        try:
            with open(source, "rb") as src, open(temp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
        except OSError as err:
            raise failure(target, err) from None
        return target

    def add_bytes(self, data: bytes, target: Path) -> Path:
        """Stage ``data`` as the content of ``target``."""
        with tempfile.NamedTemporaryFile(prefix="bpviz-data-", delete=False) as fh:
            fh.write(data)
        try:
            return self.add_file(Path(fh.name), target)
        finally:
            os.unlink(fh.name)

    def add_text(self, text: str, target: Path) -> Path:
        """Stage ``text`` (UTF-8) as the content of ``target``."""
        return self.add_bytes(text.encode("utf-8"), target)

    def discard(self) -> None:
        """Remove every staged temporary file; the targets stay as they were."""
        for _, _, temp in self._staged:
            temp.unlink(missing_ok=True)
        for _, temp in self._specials:
            temp.unlink(missing_ok=True)
        self._staged.clear()
        self._specials.clear()

    def commit(self) -> None:
        """Rename every staged file over its target; on a failure, put back the ones replaced.

        Each old file is kept under a hard link until every new one is in place (linking an
        immutable file fails, before anything is replaced). Special files are written last.
        """
        done: list[tuple[Path, Path | None, bool]] = []  # (real target, link to its old file, existed)
        try:
            for named, real, temp in self._staged:
                old, existed = None, os.path.lexists(real)
                if existed:
                    old = real.with_name(f"{TEMP_PREFIX}{os.urandom(4).hex()}.old")
                    try:
                        os.link(real, old)
                    except OSError as err:
                        if err.errno in (errno.EPERM, errno.EACCES, errno.EROFS):
                            raise failure(named, err) from None
                        old = None  # no hard links here: the old file cannot be kept
                try:
                    os.replace(temp, real)
                except OSError as err:
                    if old is not None:
                        old.unlink(missing_ok=True)
                    raise failure(named, err) from None
                done.append((real, old, existed))
        except BaseException:  # a failure, Ctrl-C or a kill: the old set comes back whole
            for real, old, existed in reversed(done):
                if old is not None:
                    os.replace(old, real)
                elif not existed:
                    real.unlink(missing_ok=True)
            self.discard()
            raise
        for _, old, _ in done:
            if old is not None:
                old.unlink(missing_ok=True)
        self._staged.clear()
        specials, self._specials = self._specials, []
        try:
            for named, temp in specials:
                with open(temp, "rb") as src, open(named, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        except OSError as err:
            raise failure(named, err) from None
        finally:
            for _, temp in specials:
                temp.unlink(missing_ok=True)
