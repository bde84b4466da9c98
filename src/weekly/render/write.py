"""Write files atomically, all of them or none: the one writer of every stage.

Editions, mail drafts, the archive's index, and the caches under ``inputs/.weekly-cache/``
all go through :func:`write_atomically`, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
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
