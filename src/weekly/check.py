"""Check an assembled update the way an editor would: sourcing, estimative language,
loose ends and links.

Every finding comes from the parsed model the renderer prints (blocks, citation
points, text tokens), never from a second pass over the raw text; the raw lines are
read only to give a word found in the model its line and column in ``update.md``.
Every build runs :func:`review` (:func:`weekly.pipeline.assemble_checked`): its errors
stop a render, its warnings are shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it.token import Token

from weekly.apstyle import slugify
from weekly.body.parse import Block
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
#: Errors after which the body is missing, so loose ends cannot be judged.
BODY_FAILED = ("E020", "E021", "E022", "E023")
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

#: Spans of raw text whose words the reader never sees as prose: urls, citations,
#: link destinations, code and template tags.
_HIDDEN = re.compile(
    r"https?://\S+|www\.\S+|\[\s*-?@[^\]]*\]|\]\([^)]*\)|<[^>\s]+>|`[^`]*`"
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",
    re.DOTALL,
)
_URL_IN_TEXT = re.compile(r"https?://\S+|www\.\S+")


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Return a case-insensitive pattern for ``phrase`` as whole words, any spacing."""
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)


def _alternation(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    phrases = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """Return ``text`` with every match of ``pattern`` blanked, newlines kept."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


@dataclass
class Prose:
    """Visible text from the model and the span of ``update.md`` lines it was written on."""

    text: str
    first: int
    last: int


@dataclass
class Word:
    """A phrase found in the model's text, placed in ``update.md``."""

    text: str
    line: int
    column: int


class Placer:
    """Give a phrase found in a piece of :class:`Prose` its line and column in the file.

    The n-th occurrence of the phrase in the visible text is the n-th occurrence in the
    raw lines once urls, citations, code and template tags are blanked out.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def place(self, prose: Prose, match: re.Match[str]) -> Word:
        """Return the phrase ``match`` (found in ``prose.text``) with its position."""
        pattern = phrase_pattern(match[0])
        nth = len(pattern.findall(_mask(prose.text, _URL_IN_TEXT), 0, match.start()))
        first, last = max(prose.first, 1), min(prose.last, len(self.lines))
        raw = _mask("\n".join(self.lines[first - 1 : last]), _HIDDEN)
        found = list(pattern.finditer(raw))
        if nth < len(found):
            offset = found[nth].start()
            line = first + raw.count("\n", 0, offset)
            column = offset - (raw.rfind("\n", 0, offset) + 1) + 1
            return Word(" ".join(match[0].split()), line, column)
        return Word(" ".join(match[0].split()), prose.first, 0)


def _visible(children: list[Token]) -> str:
    """Return the prose of inline tokens: text and line breaks, not urls or code."""
    out = []
    in_autolink = False
    for child in children:
        if child.type == "link_open" and child.markup == "autolink":
            in_autolink = True
        elif child.type == "link_close" and child.markup == "autolink":
            in_autolink = False
        elif child.type == "text" and not in_autolink:
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type in ("citation", "code_inline"):
            out.append(" ")
    return "".join(out)


def _inlines(block: Block) -> Iterator[Token]:
    for token in block.tokens:
        if token.type == "inline":
            yield token


def _body_prose(update: Update) -> Iterator[Prose]:
    first = update.edition.body_line
    for block in update.body.blocks():
        if block.kind == "figure":
            continue
        for token in _inlines(block):
            start, end = token.map or (block.line - first, block.end_line - first + 1)
            yield Prose(_visible(token.children or []), first + start, first + end - 1)


def _front_span(update: Update, *keys: str | int) -> tuple[int, int]:
    """Return the first and last line of a front matter value."""
    edition = update.edition
    start = edition.line(*keys)
    later = [line for line in edition.front.lines.values() if line > start]
    end = min(later) - 1 if later else edition.body_line - 2
    return start, max(start, end)


def _front_prose(update: Update) -> Iterator[Prose]:
    edition = update.edition
    inherited = len(edition.series.notices)  # the series' boilerplate comes first
    for index, tokens in enumerate(update.notice_tokens[inherited:]):
        keys: tuple[str | int, ...] = ("notices", index)
        for token in tokens:
            yield Prose(_visible(token.children or []), *_front_span(update, *keys))
    for region, tokens in update.takeaway_tokens:
        keys = ("key_takeaways", region) if region else ("key_takeaway",)
        for token in tokens:
            yield Prose(_visible(token.children or []), *_front_span(update, *keys))


def _scale_terms(scale: str) -> str:
    terms = ALTERNATE_TERMS if scale == "alternate" else STANDARD_TERMS
    return ", ".join(terms[:-1]) + f", or {terms[-1]}"


def check_language(update: Update, problems: Problems) -> None:
    """Flag vague hedges (W201) and a mix of the two ICD 203 term sets (W202)."""
    series = update.edition.series
    path = update.edition.path
    placer = Placer(update.source_lines)
    hedges = _alternation(list(series.hedges))
    sets = {name: _alternation(list(p)) for name, p in _TERM_PATTERNS.items()}
    chosen = series.estimative_scale if series.estimative_scale in SCALE_NAMES else "either"
    first_term: tuple[str, Word] | None = None
    for prose in [*_front_prose(update), *_body_prose(update)]:
        text = _mask(prose.text, _URL_IN_TEXT)
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


def check_loose_ends(update: Update, problems: Problems) -> None:
    """Flag uncited edition sources (W301), unplaced figures (W302), takeaways and
    sections that do not match (W303, W304)."""
    edition = update.edition
    cited = {key for point in update.citations for key in point.keys}
    for source in edition.sources.values():
        if source.edition_only and source.id not in cited:
            problems.warning(
                "W301",
                source.path,
                source.line,
                f"source '{source.id}' is defined in this edition's {source.path.name} "
                "but never cited",
            )
    placed = {figure_id for figure_id, _ in update.body.placements}
    for spec in edition.figures.values():
        if spec.id not in placed:
            problems.warning(
                "W302",
                edition.path,
                spec.line,
                f"figure '{spec.id}' is defined but never placed; "
                f'add {{{{ figure("{spec.id}") }}}} to the body',
            )
    if not isinstance(edition.front.data.get("key_takeaways"), dict):
        return
    regions = {slugify(region): region for region in edition.takeaways}
    sections = {slugify(s.title): s for s in update.body.sections if s.title}
    for slug, region in regions.items():
        if slug not in sections:
            problems.warning(
                "W303",
                edition.path,
                edition.line("key_takeaways", region),
                f"key takeaway '{region}' has no '## {region}' section in the body",
            )
    for slug, section in sections.items():
        if slug not in regions:
            problems.warning(
                "W304",
                edition.path,
                section.line,
                f"section '## {section.title}' has no entry in key_takeaways",
            )


def check_takeaway_regions(update: Update, problems: Problems) -> None:
    """Flag key takeaways whose text repeats the region's name (W040).

    ``key_takeaways`` text is given without the region: the name is printed in bold
    before it. A repeated name is dropped from the output; the warning says so.
    """
    edition = update.edition
    for region in edition.repeated_regions:
        problems.warning(
            "W040",
            edition.path,
            edition.line("key_takeaways", region),
            f"key takeaway '{region}' repeats its region's name, which is printed before "
            f"the text already; '{region}.' was left out: delete it from the text",
        )


def check_figures(update: Update, problems: Problems) -> None:
    """Flag a placed image figure with no ``alt:`` (W501): a picture nobody described is
    only its title to a reader who cannot see it. Charts describe their own data."""
    edition = update.edition
    for figure in update.figures.values():
        spec = figure.spec
        if spec.image is not None and not spec.alt:
            problems.warning(
                "W501",
                edition.path,
                spec.lines.get("image", spec.line),
                f"figure '{spec.id}' has no alt text; add alt: describing what the image "
                "shows for readers who cannot see it",
            )


def well_formed(url: str) -> bool:
    """Return True for an absolute http(s) url with a host name and no spaces."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and not re.search(r"\s", url)
        and bool(re.fullmatch(r"(?:[\w-]+\.)+[\w-]{2,}|localhost|[\d.:]+", host))
    )


def _find_href(update: Update, token: Token, block: Block, href: str) -> tuple[int, int]:
    """Return the line and column of link destination ``href`` in ``token``'s lines."""
    first = update.edition.body_line
    start, end = token.map or (block.line - first, block.end_line - first + 1)
    for line in range(first + start, first + end):
        if 0 < line <= len(update.source_lines):
            column = update.source_lines[line - 1].find(f"]({href}")
            if column >= 0:
                return line, column + 3
    return first + start, 0


def check_urls(update: Update, problems: Problems) -> None:
    """Flag urls that are not well formed (W401), in cited sources and body links."""
    edition = update.edition
    cited = {key for point in update.citations for key in point.keys}
    for source in edition.sources.values():
        if (
            (source.id in cited or source.edition_only)
            and source.url
            and not well_formed(source.url)
        ):
            problems.warning(
                "W401",
                source.path,
                source.line,
                f"source '{source.id}': url '{source.url}' is not well formed "
                "(expected http:// or https:// and a host name)",
            )
    for block in update.body.blocks():
        for token in _inlines(block):
            for child in token.children or []:
                href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
                if child.type != "link_open" or href.startswith(("#", "mailto:")):
                    continue
                if not well_formed(href):
                    line, column = _find_href(update, token, block, href)
                    problems.warning(
                        "W401",
                        edition.path,
                        line,
                        f"link '{href}' is not well formed "
                        "(expected http:// or https:// and a host name)",
                        column,
                    )


def review(update: Update, problems: Problems) -> None:
    """Record the editor's findings about ``update`` in ``problems``."""
    from weekly.resolve.leftovers import check_leftovers  # @words printed as written

    check_leftovers(update, problems)
    check_citations(update, problems)
    check_language(update, problems)
    if not any(p.code in BODY_FAILED for p in problems):  # else every source looks uncited
        check_loose_ends(update, problems)
    check_urls(update, problems)
    check_takeaway_regions(update, problems)
    check_figures(update, problems)


def first_words(text: str, count: int = 8) -> str:
    """Return the first ``count`` words of ``text``, with an ellipsis when there are more."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def check_comments(update: Update, problems: Problems) -> None:
    """Flag each open review comment at its block (W801), or in review.yaml when its block
    is gone (W802); a review.yaml that cannot be read is W803."""
    from weekly.errors import display_path
    from weekly.inputs.review import FILE_NAME, ReviewError, open_comments, place, read_review

    folder = update.edition.folder
    try:
        comments = open_comments(read_review(folder))
    except ReviewError as exc:
        problems.extend(exc.problems)
        return
    if not comments:
        return
    try:
        from weekly.render.draft import review_blocks
        from weekly.render.html import render_html

        blocks = review_blocks(render_html(update, draft=True), update)
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
