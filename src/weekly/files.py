"""Shared: write files atomically, all of them or none: the one writer of every stage.

Editions, mail drafts, the archive's index, imported drafts and the caches under
``inputs/.weekly-cache/`` all go through this module, so a reader never sees half a file.
:func:`write_atomically` stages each file beside its target and renames it into place;
:func:`publish` exchanges a whole folder at once; processes that change one file in turn
(a publish, a sending run, review comments) hold :func:`file_lock`.

Publishing one edition's folder as a unit: a reader sees the old edition or the new one.

``weekly render`` writes several files that belong together: the page, its PDF, the figures
they show. Renaming them into place one by one leaves a window in which the new page sits
beside the old PDF, and a crash in that window leaves the mix for good. Instead the new
edition is staged in a sibling folder (``output/.2023-12-13.stage-…``) holding everything
of the old folder that this render does not replace (hard links, so a file keeps its
inode), and the two folders are exchanged in one step with Linux's
``renameat2(RENAME_EXCHANGE)``. Where that call is missing (macOS, Windows, an old kernel,
or ``WEEKLY_PORTABLE_PUBLISH=1``, which the tests set to run this path on Linux) the old
folder is renamed aside, the new one renamed in its place and the old one removed: a crash
between the two renames leaves the old edition aside, and the next publish puts it back
before anything else, so every step leaves the old edition or the new one. A lock beside the
folder (:func:`file_lock`) makes two renders of one edition take turns.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping
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


def write_atomically(
    folder: Path,
    files: Mapping[str, bytes] | Iterable[tuple[str, Iterable[bytes]]],
    durable: bool = False,
) -> None:
    """Write ``files`` (relative name -> bytes) under ``folder``, all of them or none.

    Every file goes to a temporary name beside its target first; only when all are
    written are they renamed into place, so a failure leaves earlier output intact.
    ``files`` may also be pairs of a name and the pieces of its content, produced one file
    at a time (mail drafts: memory stays the same however many there are). ``durable``
    puts every file and the folders' entries on disk before returning (ledgers).
    A symbolic link among the folders below ``folder`` is refused (:func:`refuse_links`).
    """
    pairs: Iterable[tuple[str, Iterable[bytes]]]
    if isinstance(files, Mapping):
        pairs = ((name, (data,)) for name, data in files.items())
    else:
        pairs = files
    staged: list[tuple[str, str]] = []  # strings: a mail run stages thousands of drafts
    try:
        for name, pieces in pairs:
            refuse_links(folder, [name])  # before anything is renamed into place
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            staged.append((temp_name, os.fspath(target)))
            with os.fdopen(handle, "wb") as stream:
                stream.writelines(pieces)
                if durable:
                    stream.flush()
                    os.fsync(stream.fileno())
            os.chmod(temp_name, 0o644)
    except BaseException:
        for staged_temp, _ in staged:
            Path(staged_temp).unlink(missing_ok=True)
        raise
    for staged_temp, staged_target in staged:
        os.replace(staged_temp, staged_target)
    if durable:
        for parent in {os.path.dirname(staged_target) for _, staged_target in staged}:
            fsync_dir(Path(parent))


def fsync_dir(folder: Path) -> None:
    """Put ``folder``'s entries (a file made or renamed in it) on disk; best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: Set to 1 to publish the portable way (rename aside, rename in) where renameat2 exists too.
PORTABLE_ENV = "WEEKLY_PORTABLE_PUBLISH"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def publish(
    folder: Path, files: Mapping[str, bytes], drop: Collection[str] = (), tidy: bool = False
) -> list[Path]:
    """Write ``files`` (relative name -> bytes) as the new content of ``folder``.

    Files of the old folder that ``files`` does not name are kept, but for those named in
    ``drop``. Returns the paths written. A disk that is full or read-only is reported as
    one :class:`WeeklyError` line, and nothing of the old folder changes. ``tidy`` removes
    the lock file once done, for folders people keep by hand (``inputs/``); a publish
    waiting on it then still runs after this one, but a third may run beside it.
    """
    try:
        return _publish(folder, files, drop, tidy)
    except OSError as exc:
        raise cannot_write(folder, exc) from None


def cannot_write(where: Path, exc: OSError) -> WeeklyError:
    """Return the one-line error for a write the file system refused."""
    name = errno.errorcode.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc)
    return WeeklyError.at(
        where, None, f"cannot write: {reason}{f' ({name})' if name else ''}", "E004"
    )


def _publish(
    folder: Path, files: Mapping[str, bytes], drop: Collection[str], tidy: bool
) -> list[Path]:
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    lock = parent / f".{folder.name}.lock"
    if lock.is_symlink():  # a link planted there would make the lock create its target
        raise linked_lock(lock)
    with file_lock(lock):
        if folder.is_symlink():
            # Its target's files would be hard-linked into the new edition and published.
            raise linked_folder(folder)
        refuse_links(folder, files)
        _recover(folder)
        stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}.stage-", dir=parent))
        try:
            if folder.is_dir():
                _link_tree(folder, stage, skip={Path(name) for name in [*files, *drop]})
            for name, data in files.items():
                target = stage / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                os.chmod(target, 0o644)
            os.chmod(stage, 0o755)
            swap_folder(stage, folder)
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # after a swap: the old edition
            if tidy:  # a lock file has no place in a folder people keep by hand
                with contextlib.suppress(OSError):  # Windows: still open, left in place
                    lock.unlink()
    return [folder / name for name in files]


def _link_tree(source: Path, target: Path, skip: set[Path], relative: Path = Path()) -> None:
    """Recreate ``source`` under ``target`` with hard links, leaving out the ``skip`` files."""
    for entry in os.scandir(source):
        rel = relative / entry.name
        here = target / entry.name
        if entry.is_symlink():
            if rel not in skip:
                os.symlink(os.readlink(entry.path), here)
        elif entry.is_dir():
            here.mkdir()
            _link_tree(Path(entry.path), here, skip, rel)
        elif rel not in skip:
            os.link(entry.path, here)


def swap_folder(stage: Path, folder: Path) -> None:
    """Put ``stage`` where ``folder`` is, in one step where the system allows it.

    After an exchange ``stage`` holds the old folder, for the caller to remove.
    """
    if not folder.exists():
        os.rename(stage, folder)
        return
    if _exchange(stage, folder):
        return
    aside = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(folder, aside)
    os.rename(stage, folder)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically; return False where ``renameat2`` is not available."""
    if os.environ.get(PORTABLE_ENV) == "1":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):  # no such symbol; Windows has no CDLL(None)
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # an old kernel or a file system without it: use the fallback
    raise OSError(code, os.strerror(code), str(b))


def _recover(folder: Path) -> None:
    """Clean what a crashed publish left beside ``folder``; restore a folder left aside."""
    aside = folder.with_name(f".{folder.name}.old")
    if aside.is_dir() and not folder.exists():
        os.rename(aside, folder)  # the crash came between the two renames of the fallback
    shutil.rmtree(aside, ignore_errors=True)
    for stale in folder.parent.glob(f".{folder.name}.stage-*"):
        shutil.rmtree(stale, ignore_errors=True)
