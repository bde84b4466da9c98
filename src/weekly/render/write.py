"""Write files atomically, all of them or none: the one writer of every stage.

Editions, mail drafts, the archive's index, and the caches under ``inputs/.weekly-cache/``
all go through :func:`write_atomically`, so a reader never sees half a file. Processes that
change one file in turn (a publish, a sending run, review comments) hold :func:`file_lock`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePath

from weekly.errors import WeeklyError


def refuse_links(folder: Path, names: Iterable[str]) -> None:
    """Raise E071 when a folder between ``folder`` and one of ``names`` is a symbolic link.

    ``folder`` itself may be one (an output root linked to a web server's folder), but a
    link inside it would send the files written through it anywhere on the disk.
    """
    checked: set[PurePath] = set()
    for name in names:
        for part in reversed(PurePath(name).parents[:-1]):
            if part in checked:
                continue
            checked.add(part)
            if (folder / part).is_symlink():
                raise linked_folder(folder / part)


def linked_folder(path: Path) -> WeeklyError:
    """Return the one-line error for an output folder that is a symbolic link."""
    return WeeklyError.at(
        path,
        None,
        "is a symbolic link; weekly publishes only into real folders "
        "(replace the link with a folder)",
        "E071",
    )


def linked_lock(path: Path) -> WeeklyError:
    """Return the one-line error for a symbolic link planted where an edition's lock file goes."""
    return WeeklyError.at(
        path,
        None,
        "is a symbolic link where weekly keeps an edition's lock file; it is not followed "
        "(delete the link)",
        "E071",
    )


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
    A symbolic link among the folders below ``folder`` is refused (:func:`refuse_links`).
    """
    refuse_links(folder, files)
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
