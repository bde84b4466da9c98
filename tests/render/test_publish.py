"""An edition is published as a unit: after a crash at any step, the old edition or the new one.

The fault-injection test runs a real render in a child process and kills it (SIGKILL, no
clean-up) at each file-system step of the publish in turn, then checks that the page and its
figure on disk belong to one version.
"""

from __future__ import annotations

import base64
import errno
import os
import shutil
from pathlib import Path

import pytest

from support import SOURCES, SRC, UPDATE, write_tree
from support.publish import Killed, killed
from weekly.errors import WeeklyError
from weekly.files import PORTABLE_ENV, publish

RED = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
BLUE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC"
)


def test_publish_replaces_the_edition_and_keeps_what_it_does_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "output" / "2023-12-13"
    publish(folder, {"a.html": b"one", "figures/x.png": b"x1"})
    (folder / "mail").mkdir()
    (folder / "mail" / "ledger.jsonl").write_text('{"status": "sent"}\n')
    inode = (folder / "mail" / "ledger.jsonl").stat().st_ino

    written = publish(folder, {"a.html": b"two"})

    assert written == [folder / "a.html"]
    assert (folder / "a.html").read_bytes() == b"two"
    assert (folder / "figures/x.png").read_bytes() == b"x1"  # not named: kept
    assert (folder / "mail" / "ledger.jsonl").stat().st_ino == inode  # the ledger's own file
    assert sorted(p.name for p in folder.parent.iterdir()) == [".2023-12-13.lock", "2023-12-13"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
)
def test_a_refused_write_is_one_line_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch, code: int, reason: str
) -> None:
    folder = tmp_path / "output" / "2023-12-13"
    publish(folder, {"a.html": b"one"})

    def full(self: Path, data: bytes) -> int:
        raise OSError(code, reason, str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(WeeklyError) as caught:
        publish(folder, {"a.html": b"two", "b.pdf": b"pdf"})
    monkeypatch.undo()
    name = errno.errorcode[code]
    assert str(caught.value.problems[0]) == f"{folder}: cannot write: {reason} ({name})"
    assert (folder / "a.html").read_bytes() == b"one"
    assert sorted(p.name for p in folder.parent.iterdir()) == [".2023-12-13.lock", "2023-12-13"]


def _edition(root: Path, headline: str, image: bytes) -> None:
    update = UPDATE.replace("Al Qaeda Strengthens in Central Mali", headline).replace(
        "---\n\n**JNIM",
        "figures:\n  m:\n    title: Map\n    image: figures/map.png\n    alt: A map\n---\n\n**JNIM",
    )
    write_tree(
        root,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": update + '\n{{ figure("m") }}\n',
            "inputs/2023-12-13/figures/map.png": image,
        },
    )


def _run(root: Path, limit: int, portable: bool = False) -> Killed:
    """``weekly render`` of 2023-12-13 in ``root``, killed at its ``limit``-th step."""
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    environment.pop(PORTABLE_ENV, None)
    if portable:
        environment[PORTABLE_ENV] = "1"  # rename aside and in, as on macOS and Windows
    return killed(
        root, ["render", "--cutoff", "2023-12-13", "--format", "html"], limit, env=environment
    )


@pytest.mark.slow
@pytest.mark.parametrize("portable", [False, True], ids=["renameat2", "portable"])
def test_a_kill_at_any_step_leaves_the_old_edition_or_the_new_one(
    tmp_path: Path, portable: bool
) -> None:
    base = tmp_path / "base"
    _edition(base, "Version One", RED)
    assert _run(base, 0, portable).returncode == 0  # limit 0: never killed
    _edition(base, "Version Two", BLUE)
    steps = _run(_copy(base, tmp_path / "probe"), 0, portable).steps
    assert steps >= 5  # links, writes, chmods, the exchange, the clean-up

    outcomes = set()
    for limit in range(1, steps + 1):
        root = _copy(base, tmp_path / f"kill-{limit}")
        result = _run(root, limit, portable)
        assert result.returncode == -9, (limit, result.stderr)
        folder = root / "output" / "2023-12-13"
        if portable and not folder.exists():
            # killed between the two renames: the old edition waits whole beside it
            folder = root / "output" / ".2023-12-13.old"
            outcomes.add("aside")
        html = next(folder.glob("*.html")).read_text(encoding="utf-8")
        image = (folder / "figures" / "map.png").read_bytes()
        version = "one" if "Version One" in html else "two"
        assert version == ("two" if "Version Two" in html else "one")
        assert image == (RED if version == "one" else BLUE), (limit, version)
        outcomes.add(version)
        # the next render cleans up (puts a folder left aside back first) and publishes
        assert _run(root, 0, portable).returncode == 0
        folder = root / "output" / "2023-12-13"
        assert "Version Two" in next(folder.glob("*.html")).read_text(encoding="utf-8")
        assert not [
            p for p in folder.parent.iterdir() if ".stage-" in p.name or p.name.endswith(".old")
        ]
    # killed before and after the switch (and, the portable way, between its two renames)
    assert outcomes == ({"one", "two", "aside"} if portable else {"one", "two"})


def test_the_portable_publish_moves_the_old_edition_aside_and_back(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(PORTABLE_ENV, "1")
    folder = tmp_path / "output" / "2023-12-13"
    publish(folder, {"a.html": b"one", "keep.txt": b"k"})
    inode = (folder / "keep.txt").stat().st_ino
    publish(folder, {"a.html": b"two"})
    assert (folder / "a.html").read_bytes() == b"two"
    assert (folder / "keep.txt").stat().st_ino == inode  # hard-linked into the new folder
    # a crash between the renames left the old folder aside: the next publish restores it
    os.rename(folder, folder.with_name(".2023-12-13.old"))
    publish(folder, {"b.html": b"b"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.html", "b.html", "keep.txt"]
    assert sorted(p.name for p in folder.parent.iterdir()) == [".2023-12-13.lock", "2023-12-13"]


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def test_the_file_lock_is_exclusive_and_left_in_place(tmp_path: Path) -> None:
    from weekly.files import LockBusy, file_lock

    path = tmp_path / ".lock"
    with file_lock(path), pytest.raises(LockBusy), file_lock(path, wait=False):
        pass  # pragma: no cover - never entered
    with file_lock(path, wait=False):  # released: free again
        assert path.is_file()
    assert path.is_file()
