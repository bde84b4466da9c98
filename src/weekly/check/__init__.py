"""Check an assembled update the way an editor would: sourcing, estimative language,
loose ends and links.

Every finding comes from the parsed model the renderer prints (blocks, citation
points, text tokens), never from a second pass over the raw text; the raw lines are
read only to give a word found in the model its line and column in ``update.md``.
Every build runs :func:`run_checks` (:func:`weekly.pipeline.assemble_checked`): its errors
stop a render, its warnings are shown.
"""

from __future__ import annotations

from weekly.caches import Caches
from weekly.check.integrity import check_integrity
from weekly.check.language import ALTERNATE_TERMS, SCALE_NAMES, STANDARD_TERMS, check_language
from weekly.check.links import check_urls, well_formed
from weekly.check.placeholders import check_placeholders
from weekly.check.prose import Placer, Prose, Word, phrase_pattern
from weekly.check.siblings import check_edition_date
from weekly.check.sourcing import check_citations
from weekly.check.structure import check_figures, check_loose_ends, check_takeaway_regions
from weekly.errors import Problems
from weekly.resolve.update import Update

#: Errors after which the body is missing, so loose ends cannot be judged.
BODY_FAILED = ("E020", "E021", "E022", "E023")


def run_checks(update: Update, problems: Problems, caches: Caches | None = None) -> None:
    """Record the editor's findings about ``update`` in ``problems``.

    ``caches`` keeps what the rules read of other files (the events table, the other
    editions) for the run; without it they are read afresh.
    """
    from weekly.resolve.leftovers import check_leftovers  # @words printed as written

    check_leftovers(update, problems)
    check_citations(update, problems)
    check_language(update, problems)
    if not any(p.code in BODY_FAILED for p in problems):  # else every source looks uncited
        check_loose_ends(update, problems)
    check_urls(update, problems)
    check_takeaway_regions(update, problems)
    check_figures(update, problems)
    check_edition_date(update, problems, caches)
    check_placeholders(update, problems, not any(p.code in BODY_FAILED for p in problems))
    if not any(p.code in BODY_FAILED for p in problems):
        check_integrity(update, problems, caches)


__all__ = [
    "ALTERNATE_TERMS",
    "BODY_FAILED",
    "SCALE_NAMES",
    "STANDARD_TERMS",
    "Placer",
    "Prose",
    "Word",
    "check_citations",
    "check_edition_date",
    "check_figures",
    "check_integrity",
    "check_language",
    "check_placeholders",
    "check_loose_ends",
    "check_takeaway_regions",
    "check_urls",
    "phrase_pattern",
    "run_checks",
    "well_formed",
]
