"""Check estimative language: vague hedges and a mix of the two ICD 203 term sets."""

from __future__ import annotations

from weekly.check.prose import URL_IN_TEXT, Placer, Word, alternation, body_prose, front_prose, mask
from weekly.errors import Problems
from weekly.resolve.update import Update

#: The ICD 203 expressions of likelihood, from least to most likely.
STANDARD_TERMS = (
    "almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
    "very likely", "almost certainly",
)  # fmt: skip
ALTERNATE_TERMS = (
    "remote", "highly improbable", "improbable", "roughly even odds", "probable",
    "highly probable", "nearly certain",
)  # fmt: skip
SCALE_NAMES = {"standard": "the standard", "alternate": "the alternate"}

#: What counts as using each term set (longest phrases first). ``remote`` counts
#: only as a remote chance, possibility … so that "remote areas" is not a term.
_TERM_PATTERNS = {
    "standard": (
        "almost no chance", "very unlikely", "unlikely", "roughly even chance", "very likely",
        "likely", "almost certainly", "almost certain",
    ),
    "alternate": (
        "remote chance", "remote possibility", "remote probability", "remote likelihood",
        "remote odds", "highly improbable", "improbable", "improbably", "roughly even odds",
        "highly probable", "probable", "probably", "nearly certainly", "nearly certain",
    ),
}  # fmt: skip


def _scale_terms(scale: str) -> str:
    terms = ALTERNATE_TERMS if scale == "alternate" else STANDARD_TERMS
    return ", ".join(terms[:-1]) + f", or {terms[-1]}"


def check_language(update: Update, problems: Problems) -> None:
    """Flag vague hedges (W201) and a mix of the two ICD 203 term sets (W202)."""
    series = update.edition.series
    path = update.edition.path
    placer = Placer(update.source_lines)
    hedges = alternation(list(series.hedges))
    sets = {name: alternation(list(p)) for name, p in _TERM_PATTERNS.items()}
    chosen = series.estimative_scale if series.estimative_scale in SCALE_NAMES else "either"
    first_term: tuple[str, Word] | None = None
    for prose in [*front_prose(update), *body_prose(update)]:
        text = mask(prose.text, URL_IN_TEXT)
        suggest = _scale_terms(chosen if chosen != "either" else (first_term or ("",))[0])
        if hedges:
            for match in hedges.finditer(text):
                word = placer.place(prose, match)
                problems.warning(
                    "W201",
                    path,
                    word.line,
                    f"vague hedge '{word.text}' is not on the ICD 203 scale; "
                    f"say how likely with {suggest}",
                    word.column,
                )
        found = sorted(
            ((name, match) for name, pattern in sets.items() if pattern
             for match in pattern.finditer(text)),
            key=lambda pair: pair[1].start(),
        )  # fmt: skip
        for name, match in found:
            word = placer.place(prose, match)
            if chosen == "either" and first_term is None:
                first_term = (name, word)
            expected = chosen if chosen != "either" else first_term[0] if first_term else name
            if name == expected:
                continue
            if chosen == "either" and first_term:
                why = f"this edition first uses '{first_term[1].text}' (line {first_term[1].line})"
            else:
                why = f"series '{series.key}' uses {SCALE_NAMES[chosen]} set"
            problems.warning(
                "W202",
                path,
                word.line,
                f"estimative term '{word.text}' mixes the two ICD 203 term sets: {why}; "
                f"keep to {_scale_terms(expected)}",
                word.column,
            )
