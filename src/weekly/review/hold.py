"""Review: hold an edition's mail back while its review comments are open (E803, E804)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from weekly.errors import WeeklyError
from weekly.review.comments import FILE_NAME, ReviewError, open_comments, read_review


def refuse_open_comments(inputs: Path, cutoff: str) -> None:
    """Raise :class:`WeeklyError` while the edition's review.yaml has open comments (E804).

    A review.yaml that cannot be read holds the mail back too (E803): its comments may be open.
    """
    from weekly.inputs.edition import resolve_cutoff

    folder = inputs / resolve_cutoff(inputs, cutoff)
    try:
        still_open = open_comments(read_review(folder))
    except ReviewError as exc:
        raise WeeklyError([replace(p, level="error", code="E803") for p in exc.problems]) from None
    if still_open:
        count = len(still_open)
        raise WeeklyError.at(
            folder / FILE_NAME,
            0,
            f"{count} review comment{'s are' if count != 1 else ' is'} still open; resolve "
            f"{'them' if count != 1 else 'it'} in 'weekly preview' or pass --ignore-open-comments",
            "E804",
        )
