"""Index the rendered editions for full-text search with Pagefind, offline, into ``output/pagefind/``.

The ``pagefind`` package ships the Pagefind binary (``pagefind_bin``); nothing is downloaded.
Only the edition pages the archive lists are indexed (never the index, topic pages or a stale
folder), without their links to other editions. The index is built in a scratch folder inside
``output/`` and swapped in when complete, so a failed run leaves the previous index serving.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from weekly.errors import WeeklyError
from weekly.files import swap_folder

#: The folder of the search index, under the output root.
FOLDER = "pagefind"
#: Parts of an edition page that are not its text.
#: Notices and endnotes are left out too: a result's excerpt comes from the article itself.
IGNORED = "nav.editions, .draft-banner, .draft-panel, script, .masthead .kicker, .masthead .published, .masthead .cutoff, .masthead .subscribe, .notices, .endnotes"


def search_hash(pages: Sequence[str], hashes: Sequence[str]) -> str:
    """Return the hash of what an index covers: the pages and the hashes they were built from."""
    digest = hashlib.sha256(b"pagefind")
    for page, value in sorted(zip(pages, hashes, strict=True)):
        digest.update(f"\0{page}\0{value}".encode())
    return digest.hexdigest()


def executable() -> Path:
    """Return the Pagefind binary shipped by the ``pagefind`` Python package."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise WeeklyError.at(
            "pagefind",
            None,
            "full-text search needs the pagefind package: pip install 'pagefind[bin]'",
            code="E951",
        ) from None
    try:
        return Path(get_executable())
    except (FileNotFoundError, OSError) as exc:
        raise WeeklyError.at("pagefind", None, f"no Pagefind binary: {exc}", code="E951") from None


def build_index(output: Path, pages: Sequence[str]) -> Path:
    """Index ``pages`` (paths relative to ``output``) into ``output/pagefind/``; return it."""
    binary = executable()
    target = output / FOLDER
    for left in output.glob(".pagefind-*"):  # a build killed midway; a live one is recent
        if left.is_dir() and not left.is_symlink() and time.time() - left.stat().st_mtime > 600:
            shutil.rmtree(left, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=output))
    try:
        command = [
            str(binary),
            "--site",
            str(output),
            "--output-path",
            str(scratch / FOLDER),
            "--glob",
            "{" + ",".join(sorted(pages)) + "}",
            "--exclude-selectors",
            IGNORED,
            "--force-language",
            "en",
            "--silent",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            message = detail[-1] if detail else f"exit status {done.returncode}"
            raise WeeklyError.at(target, None, f"Pagefind failed: {message}", code="E952")
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            target.unlink()
        swap_folder(scratch / FOLDER, target)  # the old index, if any, is left in scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
