"""The review API the draft page calls: comments, replies, "mark as reviewed", changes.

``GET /api/comments``                  every comment, placed on the draft as it is now
``POST /api/comments``                 ``{"anchor", "author", "text"}``: a new comment
``POST /api/comments/ID/resolve``      mark comment ID resolved
``POST /api/comments/ID/replies``      ``{"author", "text"}``: reply to comment ID
``POST /api/reviewed``                 ``{"author"}``: remember the draft's text now
``GET /api/changes``                   what changed, word by word, since then

Answers are JSON; a refused change is ``{"error": "…"}`` with a 4xx status. The server
(:mod:`weekly.preview.server`) has already checked the token, Host and origin.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from typing import Any

from weekly.inputs.review import (
    FILE_NAME,
    Block,
    Comment,
    now,
    place,
    placed_view,
    quote_of,
    view_at,
)
from weekly.preview import changes
from weekly.preview.comments import MAX_TEXT, CommentStore, Refused, clean_name, clean_text
from weekly.preview.server import Response
from weekly.preview.state import Preview


class ReviewApi:
    """Answer the review API for one preview."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.folder = preview.inputs / preview.name
        self.version = 0
        self._version_lock = threading.Lock()
        self.store = CommentStore(self.folder, on_change=self.changed)
        self._blocks: tuple[int, list[Block]] = (-1, [])
        #: Where each comment (kind, quote, line) sits in the draft of ``_blocks``: matching
        #: an outdated one runs difflib over every block, so it is done once per draft.
        self._placed: dict[tuple[str, str, int], Block | None] = {}
        self._placed_lock = threading.Lock()
        #: The review files as the pages last heard of them.
        self._told: tuple[tuple[int, int, int] | None, ...] = self._files()

    def _files(self) -> tuple[tuple[int, int, int] | None, ...]:
        """Return (inode, mtime, size) of review.yaml and the snapshot (None: missing)."""
        found: list[tuple[int, int, int] | None] = []
        for name in (FILE_NAME, changes.FILE_NAME):
            try:
                stat = (self.folder / name).stat()
                found.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
            except OSError:
                found.append(None)
        return tuple(found)

    def changed(self) -> None:
        """Tell every open page to fetch the comments again, once per change of the files.

        A change made through the API is told at once; the watcher then sees the same
        files and calls this again, which tells nothing. An edit by hand is told once.
        """
        with self._version_lock:
            files = self._files()
            if files == self._told:
                return
            self._told = files
            self.version += 1
            version = self.version
        self.preview.channel.publish("comments", str(version))

    def blocks(self) -> list[Block]:
        """Return the commentable blocks of the last good build (read once per build)."""
        from weekly.render.draft import review_blocks

        page, update = self.preview.page, self.preview.good
        if page is None or update is None:
            return []
        version = page.version
        if self._blocks[0] != version:
            # A failed build shows the last good draft under its errors: same blocks.
            blocks = review_blocks(page.html.decode("utf-8"), update)
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

    # -- answers ----------------------------------------------------------------

    def get(self, path: str) -> Response | None:
        """Answer ``GET`` on an API path, or None when it is not one."""
        if path == "/api/comments":
            return Response.json(HTTPStatus.OK, self.listing())
        if path == "/api/changes":
            reviewed = changes.last_reviewed(self.folder)
            if reviewed is None:
                return Response.json(HTTPStatus.NOT_FOUND, {"error": "not reviewed yet"})
            return Response.json(HTTPStatus.OK, changes.changes(reviewed, self.blocks()))
        return None

    def post(self, path: str, data: Any) -> Response:
        """Carry out one change; refuse it with a reason when it cannot be made."""
        if not isinstance(data, dict):
            return Response.json(HTTPStatus.BAD_REQUEST, {"error": "send a JSON object"})
        parts = path.strip("/").split("/")
        try:
            if parts == ["api", "comments"]:
                comment = self.store.add(self._new_comment(data))
                return Response.json(HTTPStatus.CREATED, self.view(comment))
            if len(parts) == 4 and parts[:2] == ["api", "comments"] and parts[3] == "resolve":
                comment = self.store.resolve(parts[2])
                return Response.json(HTTPStatus.OK, self.view(comment))
            if len(parts) == 4 and parts[:2] == ["api", "comments"] and parts[3] == "replies":
                comment = self.store.reply(parts[2], data.get("author"), data.get("text"))
                return Response.json(HTTPStatus.OK, self.view(comment))
            if parts == ["api", "reviewed"]:
                by = clean_name(data.get("author"))
                reviewed = changes.mark_reviewed(self.folder, self.blocks(), by)
                self.changed()
                return Response.json(HTTPStatus.OK, {"time": reviewed.time, "by": reviewed.by})
        except Refused as exc:
            return Response.json(HTTPStatus(exc.status), {"error": str(exc)})
        return Response.text(HTTPStatus.NOT_FOUND, "Not found")

    def _new_comment(self, data: dict[str, Any]) -> Comment:
        anchor = data.get("anchor")
        block = next((b for b in self.blocks() if b.anchor == anchor), None)
        if block is None:
            raise Refused("that block is not in the draft any more; reload the page", 409)
        return Comment(
            id="",
            author=clean_name(data.get("author")),
            time=now(),
            kind=block.kind,
            line=block.line,
            quote=quote_of(block.text),
            text=clean_text(data.get("text"), "the comment", MAX_TEXT),
        )

    def listing(self) -> dict[str, Any]:
        """Return every comment placed on the draft, and when it was last reviewed."""
        snapshot = self.store.read()
        reviewed = changes.last_reviewed(self.folder)
        views = [self.view(c) for c in snapshot.comments]
        return {
            "version": self.version,
            "comments": views,
            "open": sum(1 for c in snapshot.comments if c.status == "open"),
            "error": snapshot.error,
            "reviewed": {"time": reviewed.time, "by": reviewed.by} if reviewed else None,
        }
