"""Review: check open comments, every open comment of ``review.yaml`` shown at its block."""

from __future__ import annotations

from weekly.errors import Problems, display_path
from weekly.resolve.update import Update
from weekly.review.blocks import Block, review_blocks
from weekly.review.comments import FILE_NAME, ReviewError, open_comments, read_review
from weekly.review.place import place


def first_words(text: str, count: int = 8) -> str:
    """Return the first ``count`` words of ``text``, with an ellipsis when there are more."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def check_comments(update: Update, problems: Problems) -> None:
    """Flag each open review comment at its block (W801), or in review.yaml when its block
    is gone (W802); a review.yaml that cannot be read is W803."""
    folder = update.edition.folder
    try:
        comments = open_comments(read_review(folder))
    except ReviewError as exc:
        problems.extend(exc.problems)
        return
    if not comments:
        return
    blocks: list[Block] | None
    try:
        blocks = review_blocks(update)
    except Exception:  # the body is broken: the errors say so; keep the recorded lines
        blocks = None
    review = display_path(folder / FILE_NAME)
    for comment in comments:
        words = first_words(comment.text)
        if blocks is None:
            line = comment.line
        else:
            block = place(comment, blocks)
            if block is None:
                problems.warning(
                    "W802",
                    review,
                    comment.file_line,
                    f"open review comment by {comment.author} on a block no longer in the "
                    f"draft (“{first_words(comment.quote)}”): {words}",
                )
                continue
            line = block.line
        problems.warning(
            "W801", update.edition.path, line, f"open review comment by {comment.author}: {words}"
        )
