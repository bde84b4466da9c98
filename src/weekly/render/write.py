"""Write files atomically, all of them or none: the one writer of every stage.

Editions, mail drafts, the archive's index, and the caches under ``inputs/.weekly-cache/``
all go through :func:`write_atomically`, so a reader never sees half a file. Processes that
change one file in turn (a publish, a sending run, review comments) hold :func:`file_lock`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


class LockBusy(Exception):
    """Another process holds the lock (raised only when not waiting for it)."""


@contextmanager
def file_lock(path: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created when missing) for the block.

    The one lock of the project, on every system: ``flock`` on Linux and macOS, a locked
    byte on Windows (the ``filelock`` package). The operating system drops it when the
    process dies, so a crash never leaves a lock behind. The file stays in place. With
    ``wait=False`` a lock held elsewhere raises :class:`LockBusy` at once.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(path, mode=0o644, thread_local=False)
    try:
        lock.acquire(blocking=wait)
    except Timeout:
        raise LockBusy(os.fspath(path)) from None
    try:
        yield
    finally:
        lock.release()


def write_atomically(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (relative name -> bytes) under ``folder``; return their paths.

    Every file goes to a temporary name beside its target first; only when all are
    written are they renamed into place, so a failure leaves earlier output intact.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temp_name, 0o644)
            staged.append((Path(temp_name), target))
    except BaseException:
        for staged_temp, _ in staged:
            staged_temp.unlink(missing_ok=True)
        raise
    for staged_temp, target in staged:
        os.replace(staged_temp, target)
    return [target for _, target in staged]
