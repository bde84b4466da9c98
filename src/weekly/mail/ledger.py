"""Email delivery ledger: who has been sent which edition, and the lock that guards sending.

The ledger is an append-only file of JSON lines, ``STATE/mail/DATE/ledger.jsonl`` in the
private state folder (:mod:`weekly.state`; never under ``output/``, which is published). Before a
message body is handed to the server an ``attempt`` record is written and fsynced; once the
server accepts it a ``sent`` record follows, on disk at the latest with the next ``attempt``
(one fsync covers both) or at the end of the run. An ``attempt`` with no outcome after it
means the process died while the server may have had the message (or before the outcome
reached the disk): delivery is unknown, and at-most-once means such a recipient is not sent
to again without ``--resend``. A crash can lose an outcome, never an ``attempt``.

The mail of a correction (``weekly email --correction``) is recorded in the same file, each
record carrying ``"correction": "2023-12-16"``: a :class:`Ledger` read for a correction sees
only that correction's records, one read for the edition only the edition's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weekly.mail.recipients import Recipient

from weekly.files import fsync_dir, write_atomically
from weekly.state import legacy_mail_folder

LEDGER_NAME = "ledger.jsonl"
LOCK_NAME = ".lock"

#: Outcomes a record may carry.
ATTEMPT, SENT, FAILED, DEFERRED, UNCERTAIN = "attempt", "sent", "failed", "deferred", "uncertain"


class LockedError(Exception):
    """Another run holds the sending lock of this edition."""


@dataclass
class RecipientState:
    """What the ledger says about one address."""

    #: How many times the server accepted a message for this address.
    sent: int = 0
    #: The last status recorded (``attempt`` means the run died mid-delivery).
    last: str = ""
    detail: str = ""

    @property
    def uncertain(self) -> bool:
        """Return True when the last delivery may or may not have happened."""
        return self.last in (ATTEMPT, UNCERTAIN)


@dataclass
class Ledger:
    """The append-only record of deliveries of one edition."""

    folder: Path
    states: dict[str, RecipientState] = field(default_factory=dict)
    #: The date of the correction whose deliveries this ledger tracks; empty: the edition's.
    correction: str = ""
    _fd: int | None = field(default=None, repr=False, compare=False)
    _torn: bool = field(default=False, repr=False, compare=False)
    _unsynced: bool = field(default=False, repr=False, compare=False)

    @property
    def path(self) -> Path:
        """Return ``STATE/mail/DATE/ledger.jsonl``."""
        return self.folder / LEDGER_NAME

    @classmethod
    def read(cls, folder: Path, correction: str = "") -> Ledger:
        """Return the ledger in ``folder`` (empty when there is none yet).

        With ``correction`` (``2023-12-16``) it tracks the mail of that correction only.
        """
        ledger = cls(folder, correction=correction)
        if not ledger.path.is_file():
            return ledger
        for line in ledger.path.read_bytes().split(b"\n"):
            record = _parse_line(line)
            if record is not None:
                ledger._apply(record)
        return ledger

    def _apply(self, record: dict[str, Any]) -> None:
        email = str(record.get("email", "")).lower()
        status = str(record.get("status", ""))
        if not email or not status or str(record.get("correction", "")) != self.correction:
            return
        state = self.states.setdefault(email, RecipientState())
        if status == SENT:
            state.sent += 1
        state.last = status
        state.detail = str(record.get("detail", ""))

    def state(self, email: str) -> RecipientState:
        """Return what is known about ``email``."""
        return self.states.get(email.lower(), RecipientState())

    @contextmanager
    def opened(self) -> Iterator[None]:
        """Keep the ledger open for a run's appends; everything appended is on disk after.

        Inside, :meth:`append` with ``durable=False`` writes without waiting for the disk:
        the next durable append (one ``fsync`` covers the whole file) or leaving the block
        puts it there.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size:  # os.lseek + os.read rather than os.pread, which Windows lacks
                os.lseek(fd, size - 1, os.SEEK_SET)
            self._torn = bool(size) and os.read(fd, 1) != b"\n"
            self._fd = fd
            if new:
                fsync_dir(self.folder)
            yield
        finally:
            self._fd = None
            try:
                if self._unsynced:
                    os.fsync(fd)
                    self._unsynced = False
            finally:
                os.close(fd)

    def append(self, durable: bool = True, **record: Any) -> None:
        """Append one record; with ``durable`` (the default) force it to disk before returning."""
        if self._fd is None:
            with self.opened():
                self.append(durable, **record)
            return
        record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **record}
        if self.correction:
            record["correction"] = self.correction
        line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
        if self._torn:
            line = "\n" + line  # a crash tore the last line: never append to it
            self._torn = False
        os.write(self._fd, line.encode("utf-8"))
        if durable:
            os.fsync(self._fd)
        self._unsynced = not durable
        self._apply(record)


def _parse_line(line: bytes) -> dict[str, Any] | None:
    """Return the record on one ledger line, or None for a blank or torn line.

    A crash can tear the last line, even inside a UTF-8 character; older versions then
    appended the next record to the torn one. Such a line still holds a whole record at its
    end, so the last ``{"time"`` that parses is taken: no ``attempt`` is ever lost.
    """
    text = line.decode("utf-8", "replace").strip()
    if not text:
        return None
    starts = [0, *(i for i in range(1, len(text)) if text.startswith('{"time"', i))]
    for start in reversed(starts):
        try:
            record = json.loads(text[start:])
        except ValueError:
            continue
        return record if isinstance(record, dict) else None
    return None


@contextmanager
def sending_lock(folder: Path) -> Iterator[None]:
    """Hold the edition's sending lock; raise :class:`LockedError` when another run has it.

    The lock file names the process holding it (its pid), for the message of a second run.
    """
    from weekly.files import LockBusy, file_lock

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    try:
        with file_lock(path, wait=False):
            _write_holder(path, f"{os.getpid()}\n")
            try:
                yield
            finally:
                _write_holder(path, "")
    except LockBusy:
        raise LockedError(_read_holder(path)) from None


def _write_holder(path: Path, text: str) -> None:
    """Write who holds the lock into the lock file (Windows, which locks its first byte, refuses)."""
    try:
        with open(path, "r+b") as stream:
            stream.truncate(0)
            stream.write(text.encode("ascii"))
    except OSError:
        pass


def _read_holder(path: Path) -> str:
    """Return the pid written in the lock file, or an empty string."""
    try:
        with open(path, "rb") as stream:
            return stream.read(32).decode("ascii", "replace").strip()
    except OSError:
        return ""


@dataclass
class Plan:
    """Who gets a message this run, and who does not and why."""

    send: list[Recipient]
    already: list[Recipient]
    uncertain: list[Recipient]


def plan(recipients: list[Recipient], ledger: Ledger, resend: bool) -> Plan:
    """Split ``recipients`` by the ledger: to send, already delivered, delivery unknown."""
    result = Plan([], [], [])
    for recipient in recipients:
        state = ledger.state(recipient.email)
        if resend:
            result.send.append(recipient)
        elif state.sent:
            result.already.append(recipient)
        elif state.uncertain:
            result.uncertain.append(recipient)
        else:
            result.send.append(recipient)
    return result


def adopt_legacy_mail(output: Path, key: str, folder: Path) -> bool:
    """Move a mail folder left under ``output/KEY/mail/`` by an earlier version into ``folder``.

    The old ledger's records are put before any the new one already holds (nothing is lost,
    and the newest record of an address stays the last), the drafts are moved when the new
    folder has none of that name, and the old folder is removed, so that no address is left
    where the web server publishes. A crash midway at worst records deliveries twice, which
    only makes ``email`` more careful. Return whether there was anything to move.
    """
    old = legacy_mail_folder(output, key)
    if old.is_symlink() or not old.is_dir():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    old_ledger = old / LEDGER_NAME
    if old_ledger.is_file():
        before = old_ledger.read_bytes()
        if before and not before.endswith(b"\n"):
            before += b"\n"  # a torn last line stays a line of its own
        new_ledger = folder / LEDGER_NAME
        after = new_ledger.read_bytes() if new_ledger.is_file() else b""
        # The merged ledger is on disk before the old one goes.
        write_atomically(folder, {LEDGER_NAME: before + after}, durable=True)
        old_ledger.unlink()
    for draft in old.glob("*.eml"):
        target = folder / draft.name
        if target.exists():
            draft.unlink()
        else:
            shutil.move(draft, target)
    shutil.rmtree(old, ignore_errors=True)
    return True
