"""The delivery ledger survives crashes that tear its last line (at-most-once holds)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from weekly.mail.ledger import ATTEMPT, SENT, Ledger


def record(email: str, status: str) -> bytes:
    return json.dumps(
        {"time": "2023-12-15T10:00:00+00:00", "email": email, "status": status}
    ).encode()


def test_append_after_a_torn_line_starts_a_fresh_line(tmp_path: Path) -> None:
    (tmp_path / "ledger.jsonl").write_bytes(
        record("ann@example.org", SENT) + b"\n" + record("bob@example.org", SENT)[:30]
    )
    ledger = Ledger.read(tmp_path)
    ledger.append(email="bob@example.org", status=ATTEMPT)

    lines = (tmp_path / "ledger.jsonl").read_bytes().split(b"\n")
    assert json.loads(lines[-2])["status"] == ATTEMPT  # its own line, readable
    again = Ledger.read(tmp_path)
    assert again.state("bob@example.org").uncertain  # so a rerun does not send Bob a copy
    assert again.state("ann@example.org").sent == 1


def test_a_line_torn_inside_a_utf8_character_is_skipped(tmp_path: Path) -> None:
    torn = json.dumps(
        {"time": "t", "email": "zoë@example.org", "status": "sent"}, ensure_ascii=False
    )
    cut = torn.encode("utf-8")
    cut = cut[: cut.index("ë".encode()) + 1]  # half of the two-byte ë
    (tmp_path / "ledger.jsonl").write_bytes(record("ann@example.org", SENT) + b"\n" + cut)

    ledger = Ledger.read(tmp_path)  # no UnicodeDecodeError
    assert ledger.state("ann@example.org").sent == 1
    ledger.append(email="bob@example.org", status=ATTEMPT)
    assert Ledger.read(tmp_path).state("bob@example.org").last == ATTEMPT


def test_an_attempt_glued_to_a_torn_line_by_an_older_version_is_not_lost(tmp_path: Path) -> None:
    (tmp_path / "ledger.jsonl").write_bytes(
        record("ann@example.org", SENT)[:25] + record("bob@example.org", ATTEMPT) + b"\n"
    )
    assert Ledger.read(tmp_path).state("bob@example.org").uncertain


def test_a_run_forces_each_attempt_to_disk_and_each_outcome_with_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.jsonl"
    synced: list[int] = []  # the file's size at each fsync of it
    real = os.fsync

    def fsync(fd: int) -> None:
        if os.fstat(fd).st_ino == path.stat().st_ino:
            synced.append(os.fstat(fd).st_size)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    ledger = Ledger.read(tmp_path)
    with ledger.opened():
        ledger.append(email="ann@example.org", status=ATTEMPT)
        assert synced == [path.stat().st_size]  # on disk before Ann's message goes
        ledger.append(False, email="ann@example.org", status=SENT)
        assert len(synced) == 1  # the outcome waits ...
        ledger.append(email="bob@example.org", status=ATTEMPT)
        assert synced[-1] == path.stat().st_size  # ... for the next attempt
        ledger.append(False, email="bob@example.org", status=SENT)
        assert synced[-1] < path.stat().st_size
    assert synced[-1] == path.stat().st_size  # or the end of the run
    again = Ledger.read(tmp_path)
    assert again.state("ann@example.org").sent == again.state("bob@example.org").sent == 1
