"""Write files atomically, all of them or none: the one writer of every stage.

Editions, mail drafts, the archive's index, and the caches under ``inputs/.weekly-cache/``
all go through :func:`write_atomically`, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


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
