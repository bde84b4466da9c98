"""Check sourcing: every piece of evidence cited, no source twice in one note."""

from __future__ import annotations

import re

from weekly.errors import Problems
from weekly.resolve.update import Update


def check_citations(update: Update, problems: Problems) -> None:
    """Flag evidence with no citation (W101–W103) and a source twice in a note (W402)."""
    path = update.edition.path
    for block in update.body.blocks():
        if block.kind == "bullets":
            for item in block.items:
                if not item.citations:
                    problems.warning(
                        "W101", path, item.line, "evidence bullet has no citation; add [@source]"
                    )
        elif block.kind == "paragraph" and not block.citations:
            problems.warning(
                "W102", path, block.line, "supporting paragraph has no citation; add [@source]"
            )
        elif (
            block.kind == "lead" and not block.citations and re.search(r"\w", block.lead_parts()[1])
        ):
            problems.warning(
                "W103",
                path,
                block.line,
                "the sentences after the bold lead judgment have no citation; add [@source]",
            )
    for point in update.citations:
        seen: set[tuple[str, str]] = set()
        # Two places in one source (``[@a, p. 3; @a, p. 9]``) are two citations, not a slip.
        for cite in point.cites:
            if (cite.key, cite.locator) in seen:
                problems.warning(
                    "W402", path, point.line, f"source '{cite.key}' is cited twice in one note",
                    point.column,
                )  # fmt: skip
            seen.add((cite.key, cite.locator))
