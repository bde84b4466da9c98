"""Answer a preview's requests: the draft page, the figures it shows, the PDF, and the
review API.

Only a fixed set of paths exists: ``/`` (the draft), the figures the draft shows,
``/<slug>.pdf`` with ``--pdf``, and ``/api/…`` (:mod:`weekly.preview.api`). Everything
is answered from memory; every other path is a 404.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from weekly.preview.api import ReviewApi
from weekly.preview.server import Channel, Response
from weekly.preview.state import Preview


class PreviewApp:
    """The :class:`~weekly.preview.server.App` of one preview."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.review = ReviewApi(preview)

    @property
    def channel(self) -> Channel:
        """Return the values the pages follow (build, PDF state, comments)."""
        return self.preview.channel

    def get(self, path: str) -> Response | None:
        """Return the draft, a figure, the PDF or an API answer; None for anything else."""
        preview = self.preview
        page = preview.page
        if page is None:
            return None
        if path == "/":
            return Response(
                HTTPStatus.OK,
                page.html,
                "text/html; charset=utf-8",
                {"Cache-Control": "no-store", "Content-Security-Policy": page.csp},
            )
        if path.startswith("/api/"):
            return self.review.get(path)
        found = page.files.get(path)
        if found is not None:
            data, media_type, tag = found
            return Response(
                HTTPStatus.OK,
                data,
                media_type,
                {
                    "Cache-Control": "no-cache",
                    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                },
                etag=tag,
            )
        if preview.pdf_enabled and preview.slug and path == f"/{preview.slug}.pdf":
            if not preview.pdf.data:
                return Response.text(
                    HTTPStatus.SERVICE_UNAVAILABLE, "The PDF is being printed; try again"
                )
            return Response(
                HTTPStatus.OK,
                preview.pdf.data,
                "application/pdf",
                {"Cache-Control": "no-store", "Content-Disposition": "inline"},
            )
        return None

    def post(self, path: str, data: Any) -> Response:
        """Carry out a change of the review API."""
        if path.startswith("/api/"):
            return self.review.post(path, data)
        return Response.text(HTTPStatus.NOT_FOUND, "Not found")
