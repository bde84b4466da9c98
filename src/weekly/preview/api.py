"""The review API the draft page calls: comments, replies, "mark as reviewed", changes.

``GET /api/comments``                  every comment, placed on the draft as it is now
``POST /api/comments``                 ``{"anchor", "author", "text"}``: a new comment
``POST /api/comments/ID/resolve``      mark comment ID resolved
``POST /api/comments/ID/replies``      ``{"author", "text"}``: reply to comment ID
``POST /api/reviewed``                 ``{"author"}``: remember the draft's text now
``GET /api/changes``                   what changed, word by word, since then

The review itself is :class:`weekly.review.board.ReviewBoard`; this module only routes
requests to it. Answers are JSON; a refused change is ``{"error": "…"}`` with a 4xx status. The server
(:mod:`weekly.preview.server`) has already checked the token, Host and origin.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from weekly.preview.server import Response
from weekly.preview.state import Preview
from weekly.review.board import ReviewBoard
from weekly.review.store import Refused

if TYPE_CHECKING:
    from weekly.resolve.update import Update


class ReviewApi:
    """Answer the review API for one preview."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.folder = preview.inputs / preview.name
        self.version = 0
        self._version_lock = threading.Lock()
        self.board = ReviewBoard(self.folder, self._draft, on_change=self.changed)
        #: The review files as the pages last heard of them.
        self._told = self.board.files()

    def _draft(self) -> tuple[int, Update] | None:
        """Return the build number and update of the last good draft (None before one).

        A failed build shows the last good draft under its errors: the same blocks.
        """
        page, update = self.preview.page, self.preview.good
        if page is None or update is None:
            return None
        return page.version, update

    def changed(self) -> None:
        """Tell every open page to fetch the comments again, once per change of the files.

        A change made through the API is told at once; the watcher then sees the same
        files and calls this again, which tells nothing. An edit by hand is told once.
        """
        with self._version_lock:
            files = self.board.files()
            if files == self._told:
                return
            self._told = files
            self.version += 1
            version = self.version
        self.preview.channel.publish("comments", str(version))

    # -- answers ----------------------------------------------------------------

    def get(self, path: str) -> Response | None:
        """Answer ``GET`` on an API path, or None when it is not one."""
        if path == "/api/comments":
            return Response.json(HTTPStatus.OK, self.listing())
        if path == "/api/changes":
            found = self.board.changes()
            if found is None:
                return Response.json(HTTPStatus.NOT_FOUND, {"error": "not reviewed yet"})
            return Response.json(HTTPStatus.OK, found)
        return None

    def post(self, path: str, data: Any) -> Response:
        """Carry out one change; refuse it with a reason when it cannot be made."""
        if not isinstance(data, dict):
            return Response.json(HTTPStatus.BAD_REQUEST, {"error": "send a JSON object"})
        parts = path.strip("/").split("/")
        board = self.board
        try:
            if parts == ["api", "comments"]:
                return Response.json(HTTPStatus.CREATED, board.add(data))
            if len(parts) == 4 and parts[:2] == ["api", "comments"] and parts[3] == "resolve":
                return Response.json(HTTPStatus.OK, board.resolve(parts[2]))
            if len(parts) == 4 and parts[:2] == ["api", "comments"] and parts[3] == "replies":
                answer = board.reply(parts[2], data.get("author"), data.get("text"))
                return Response.json(HTTPStatus.OK, answer)
            if parts == ["api", "reviewed"]:
                reviewed = board.mark_reviewed(data.get("author"))
                self.changed()
                return Response.json(HTTPStatus.OK, {"time": reviewed.time, "by": reviewed.by})
        except Refused as exc:
            return Response.json(HTTPStatus(exc.status), {"error": str(exc)})
        return Response.text(HTTPStatus.NOT_FOUND, "Not found")

    def listing(self) -> dict[str, Any]:
        """Return every comment placed on the draft, and when it was last reviewed."""
        return {"version": self.version, **self.board.listing()}
