"""Review: what the review API answers, without HTTP: comments placed on the draft, new
comments, replies, resolving, "mark as reviewed" and the changes since.

:class:`ReviewBoard` serves one edition for the preview (:mod:`weekly.preview.api` turns
its answers into responses); :func:`open_listing` gives a static draft its open comments.
Refused changes raise :class:`~weekly.review.store.Refused`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weekly.review import changes
from weekly.review.blocks import Block, quote_of, review_blocks
from weekly.review.changes import Reviewed
from weekly.review.comments import FILE_NAME, Comment, now
from weekly.review.place import place, placed_view, view_at
from weekly.review.store import MAX_TEXT, CommentStore, Refused, clean_name, clean_text

if TYPE_CHECKING:
    from weekly.resolve.update import Update

#: The draft reviewers see now: its build number and its update (None before a good build).
Draft = Callable[[], "tuple[int, Update] | None"]
#: (inode, mtime, size) of a review file, None when it is missing.
FileState = tuple[int, int, int] | None


class ReviewBoard:
    """The comments and changes of one edition, placed on the draft ``draft()`` returns."""

    def __init__(
        self, folder: Path, draft: Draft, on_change: Callable[[], None] = lambda: None
    ) -> None:
        self.folder = folder
        self.draft = draft
        self.store = CommentStore(folder, on_change=on_change)
        self._blocks: tuple[int, list[Block]] = (-1, [])
        #: Where each comment (kind, quote, line) sits in the draft of ``_blocks``: matching
        #: an outdated one runs difflib over every block, so it is done once per draft.
        self._placed: dict[tuple[str, str, int], Block | None] = {}
        self._placed_lock = threading.Lock()

    def files(self) -> tuple[FileState, ...]:
        """Return the state of review.yaml and the snapshot, to tell when either changed."""
        found: list[FileState] = []
        for name in (FILE_NAME, changes.FILE_NAME):
            try:
                stat = (self.folder / name).stat()
                found.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
            except OSError:
                found.append(None)
        return tuple(found)

    def blocks(self) -> list[Block]:
        """Return the commentable blocks of the draft (read once per build)."""
        draft = self.draft()
        if draft is None:
            return []
        version, update = draft
        if self._blocks[0] != version:
            # A failed build shows the last good draft under its errors: same blocks.
            blocks = review_blocks(update)
            with self._placed_lock:
                if blocks == self._blocks[1]:  # rebuilt, same draft: the places still hold
                    blocks = self._blocks[1]
                else:
                    self._placed = {}
                self._blocks = (version, blocks)
        return self._blocks[1]

    def view(self, comment: Comment) -> dict[str, Any]:
        """Return ``comment`` placed on the draft as it is now (matched once per draft)."""
        blocks = self.blocks()
        key = (comment.kind, comment.quote, comment.line)
        with self._placed_lock:
            if self._blocks[1] is not blocks:  # a new draft arrived meanwhile: place afresh
                return placed_view(comment, blocks)
            if key not in self._placed:
                self._placed[key] = place(comment, blocks)
            found = self._placed[key]
        return view_at(comment, found)

    def listing(self) -> dict[str, Any]:
        """Return every comment placed on the draft, and when it was last reviewed."""
        snapshot = self.store.read()
        reviewed = changes.last_reviewed(self.folder)
        return {
            "comments": [self.view(c) for c in snapshot.comments],
            "open": sum(1 for c in snapshot.comments if c.status == "open"),
            "error": snapshot.error,
            "reviewed": {"time": reviewed.time, "by": reviewed.by} if reviewed else None,
        }

    def changes(self) -> dict[str, Any] | None:
        """Return what changed word by word since the draft was marked reviewed, or None."""
        reviewed = changes.last_reviewed(self.folder)
        return None if reviewed is None else changes.changes(reviewed, self.blocks())

    # -- the changes reviewers make ---------------------------------------------

    def add(self, data: dict[str, Any]) -> dict[str, Any]:
        """Store a new comment on block ``data["anchor"]``; return it placed."""
        anchor = data.get("anchor")
        block = next((b for b in self.blocks() if b.anchor == anchor), None)
        if block is None:
            raise Refused("that block is not in the draft any more; reload the page", 409)
        comment = Comment(
            id="",
            author=clean_name(data.get("author")),
            time=now(),
            kind=block.kind,
            line=block.line,
            quote=quote_of(block.text),
            text=clean_text(data.get("text"), "the comment", MAX_TEXT),
        )
        return self.view(self.store.add(comment))

    def resolve(self, comment_id: str) -> dict[str, Any]:
        """Mark a comment resolved; return it placed."""
        return self.view(self.store.resolve(comment_id))

    def reply(self, comment_id: str, author: object, text: object) -> dict[str, Any]:
        """Add a reply to a comment; return the comment placed."""
        return self.view(self.store.reply(comment_id, author, text))

    def mark_reviewed(self, author: object) -> Reviewed:
        """Remember the draft's text now, as reviewed by ``author``."""
        return changes.mark_reviewed(self.folder, self.blocks(), clean_name(author))


def open_listing(update: Update) -> dict[str, Any] | None:
    """Return the open comments of ``update``'s review.yaml placed on its draft, or None.

    A static draft (``weekly render --draft``) lists them read-only; the final HTML and
    the PDF never see them.
    """
    from weekly.review.comments import ReviewError, open_comments, read_review

    try:
        comments = open_comments(read_review(update.edition.folder))
    except ReviewError as exc:
        error = "; ".join(str(p) for p in exc.problems)
        return {"comments": [], "open": 0, "error": error, "reviewed": None}
    if not comments:
        return None
    blocks = review_blocks(update)
    views = [placed_view(c, blocks) for c in comments]
    return {"comments": views, "open": len(views), "error": "", "reviewed": None}
