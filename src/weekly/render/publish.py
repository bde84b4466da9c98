"""Publish one edition's folder as a unit: a reader sees the old edition or the new one.

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
folder (:func:`weekly.render.write.file_lock`) makes two renders of one edition take turns.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path

from weekly.errors import WeeklyError
from weekly.render.write import file_lock, linked_folder, linked_lock, refuse_links

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
            _swap(stage, folder)
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


def _swap(stage: Path, folder: Path) -> None:
    """Put ``stage`` where ``folder`` is, in one step where the system allows it."""
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
