"""Review: place each comment on the block it is about now, or find that block gone.

:func:`place` finds a comment's block by its quote: the same text first (the nearest
to the recorded line when several share it), then the most similar text of the same
kind; a comment whose block is gone is *outdated*, kept with its quote.
"""

from __future__ import annotations

import difflib
from typing import Any

from weekly.review.blocks import Block
from weekly.review.comments import Comment

#: How alike (0..1) a block's text must be to a quote to count as the same block edited.
SIMILAR = 0.6


def placed_view(comment: Comment, blocks: list[Block]) -> dict[str, Any]:
    """Return ``comment`` as the draft page shows it: its fields, and where it is now."""
    return view_at(comment, place(comment, blocks))


def view_at(comment: Comment, found: Block | None) -> dict[str, Any]:
    """Return ``comment`` as the draft page shows it, on block ``found`` (None: outdated).

    ``anchor`` is the element id of its block (None when outdated), ``now_line`` the
    block's line today.
    """
    view = comment.as_dict()
    view["anchor"] = found.anchor if found else None
    view["outdated"] = found is None
    view["now_line"] = found.line if found else None
    return view


def place(comment: Comment, blocks: list[Block]) -> Block | None:
    """Return the block ``comment`` is about now, or None when it no longer exists.

    The same quote wins (the nearest to the recorded line when several blocks share
    it); else the most similar text of the same kind, if similar enough.
    """
    same_kind = [b for b in blocks if b.kind == comment.kind] or blocks
    exact = [b for b in same_kind if b.quote == comment.quote]
    if exact:
        return min(exact, key=lambda b: abs(b.line - comment.line))
    # ratio() <= quick_ratio() <= real_quick_ratio(): try the blocks from the highest bound
    # down, and stop once no block left could beat the best ratio found (ties: the earliest).
    matcher = difflib.SequenceMatcher(None, comment.quote, "", autojunk=False)
    bounded: list[tuple[float, int, Block]] = []
    for index, block in enumerate(same_kind):
        matcher.set_seq2(block.quote)
        if matcher.real_quick_ratio() >= SIMILAR:
            bound = matcher.quick_ratio()
            if bound >= SIMILAR:
                bounded.append((-bound, index, block))
    bounded.sort(key=lambda item: (item[0], item[1]))
    best_ratio, best_index, best = SIMILAR, -1, None
    for negative_bound, index, block in bounded:
        if -negative_bound < best_ratio:
            break
        matcher.set_seq2(block.quote)
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and (best is None or index < best_index)):
            best_ratio, best_index, best = ratio, index, block
    return best
