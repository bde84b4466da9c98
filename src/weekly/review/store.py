"""Review: keep an edition's review comments in ``inputs/DATE/review.yaml`` for several reviewers.

Every change is a read-modify-write under one lock (a thread lock, and a file lock on
a lock file beside it for other processes), written atomically: the file is read
afresh, changed and replaced whole, so concurrent posts lose nothing and a crash
leaves either the old file or the new one. A malformed file is never overwritten:
changes are refused until someone fixes it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from weekly.files import file_lock, write_atomically
from weekly.inputs.yamlfile import unkeepable
from weekly.review.comments import (
    FILE_NAME,
    Comment,
    ReviewError,
    dump_review,
    read_review,
)

T = TypeVar("T")
#: Longest comment or reply, in characters.
MAX_TEXT = 4000
#: Longest author name, in characters.
MAX_AUTHOR = 80


class Refused(Exception):
    """A change that cannot be made; the message says why, for the reviewer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Snapshot:
    """What the store holds now: the comments, or why they cannot be read."""

    comments: list[Comment]
    #: ``path:line: message`` when review.yaml is malformed, else empty.
    error: str = ""


def clean_text(value: object, what: str, limit: int) -> str:
    """Return ``value`` as trimmed text of at most ``limit`` characters; refuse otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"{what} is missing")
    text = value.strip().replace("\r\n", "\n")
    if len(text) > limit:
        raise Refused(f"{what} is longer than {limit} characters", 413)
    # What the YAML reader refuses must never reach review.yaml: one such comment would
    # lock every reader out of the file (and a lone surrogate cannot even be encoded).
    code = unkeepable(text)
    if code:
        raise Refused(f"{what} contains {code}, a character review.yaml cannot keep")
    return text


def clean_name(value: object) -> str:
    """Return ``value`` as a reviewer's name: :func:`clean_text`, and on one line."""
    name = clean_text(value, "the author's name", MAX_AUTHOR)
    if "\n" in name or "\t" in name:
        raise Refused("the author's name must be one line")
    return name


class CommentStore:
    """The comments of one edition, read from and written to its ``review.yaml``."""

    def __init__(self, folder: Path, on_change: Callable[[], None] = lambda: None) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.on_change = on_change
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, file_lock(self.folder / f".{FILE_NAME}.lock"):
            yield

    def _read(self) -> list[Comment]:
        return read_review(self.folder)

    def read(self) -> Snapshot:
        """Return the comments as the file holds them now."""
        try:
            return Snapshot(self._read())
        except ReviewError as exc:
            return Snapshot([], "; ".join(str(p) for p in exc.problems))

    def change(self, edit: Callable[[list[Comment]], T]) -> T:
        """Apply ``edit`` to the comments read afresh, write them back, and return its result."""
        with self._locked():
            try:
                comments = self._read()
            except ReviewError as exc:
                where = "; ".join(str(p) for p in exc.problems)
                raise Refused(f"{where} (fix the file; nothing was saved)", 409) from None
            result = edit(comments)
            write_atomically(self.folder, {FILE_NAME: dump_review(comments).encode("utf-8")})
        self.on_change()
        return result

    # -- the changes reviewers make ---------------------------------------------

    def add(self, comment: Comment) -> Comment:
        """Store a new comment (its id is chosen here) and return it."""
        comment.author = clean_name(comment.author)
        comment.text = clean_text(comment.text, "the comment", MAX_TEXT)

        def edit(comments: list[Comment]) -> Comment:
            taken = {c.id for c in comments}
            comment.id = "c" + secrets.token_hex(4)
            while comment.id in taken:
                comment.id = "c" + secrets.token_hex(4)
            comments.append(comment)
            return comment

        return self.change(edit)

    def _find(self, comments: list[Comment], comment_id: str) -> Comment:
        for comment in comments:
            if comment.id == comment_id:
                return comment
        raise Refused(f"no comment '{comment_id}'", 404)

    def resolve(self, comment_id: str) -> Comment:
        """Mark a comment resolved and return it."""

        def edit(comments: list[Comment]) -> Comment:
            found = self._find(comments, comment_id)
            found.status = "resolved"
            return found

        return self.change(edit)

    def reply(self, comment_id: str, author: object, text: object) -> Comment:
        """Add a reply to a comment and return the comment."""
        from weekly.review.comments import Reply, now

        reply = Reply(
            clean_name(author),
            now(),
            clean_text(text, "the reply", MAX_TEXT),
        )

        def edit(comments: list[Comment]) -> Comment:
            found = self._find(comments, comment_id)
            found.replies.append(reply)
            return found

        return self.change(edit)
