"""Resolve stage: find the ``@words`` a reader would see printed as written.

In the body, notices, corrections and key takeaways the parser has already told citations from
handles (``@word`` naming no source). Fields printed without Markdown citations
(headline, figure titles, notes and sources) are read here. The rules, documented in
docs/guide/citations.md:

- ``@key`` naming a source where no citation can be made (a field printed without
  citations, a link's text) is an error (E704);
- ``@word`` naming no source is a warning (W701) unless it stands inside a quotation
  (a social handle quoted) or is escaped as ``\\@word``;
- an ``@`` inside a word (``press@example.org``, a url) is never an at-sign citation.
"""

from __future__ import annotations

from collections.abc import Iterator

from weekly.body.cites import WORDISH, read_key
from weekly.body.parse import Handle, handles_in
from weekly.errors import Problems
from weekly.resolve.update import Update


def _quoted(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def at_words(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, key) of each ``@word`` in ``text`` that is not escaped or in a word."""
    for index, char in enumerate(text):
        if char != "@":
            continue
        before = text[index - 1] if index else ""
        if before == "\\" or (before and WORDISH.match(before)):
            continue
        found = read_key(text, index)
        if found is not None:
            yield index, found[0]


def _fields(update: Update) -> Iterator[tuple[str, str, int]]:
    """Yield (what, text, line) of each front matter field printed without citations."""
    edition = update.edition
    yield "the headline", edition.headline, edition.line("headline")
    for spec in edition.figures.values():
        for name in ("title", "note", "source", "alt"):
            value = getattr(spec, name)
            if value and not (name == "title" and value == spec.id):
                yield f"figure '{spec.id}' {name}", value, spec.lines.get(name, spec.line)


def _front_handles(update: Update) -> Iterator[Handle]:
    edition = update.edition
    inherited = len(edition.series.notices)  # the series' boilerplate is not in update.md
    for index, tokens in enumerate(update.notice_tokens[inherited:]):
        yield from handles_in(tokens, edition.line("notices", index), update.source_lines, False)
    for correction, tokens in zip(edition.corrections, update.correction_tokens, strict=True):
        yield from handles_in(tokens, correction.line, update.source_lines, False)
    for region, tokens in update.takeaway_tokens:
        line = edition.line("key_takeaways", region) if region else edition.line("key_takeaway")
        yield from handles_in(tokens, line, update.source_lines, False)


def _warn(problems: Problems, path: object, line: int, word: str, column: int = 0) -> None:
    problems.warning(
        "W701",
        str(path),
        line,
        f"'{word}' names no source and is printed as written; cite a source with "
        f"[@key], or write \\{word} for an address or handle",
        column,
    )


def check_leftovers(update: Update, problems: Problems) -> None:
    """Record every ``@word`` that would be printed as written (E704, W701)."""
    edition = update.edition
    path = edition.path
    for handle in [*_front_handles(update), *update.body.handles]:
        if handle.source:
            problems.error(
                "E704",
                path,
                handle.line,
                f"'{handle.word}' inside a link's text would be printed as written; "
                "put the citation after the link",
                handle.column,
            )
        elif not handle.quoted:
            _warn(problems, path, handle.line, handle.word, handle.column)
    for what, text, line in _fields(update):
        for offset, key in at_words(text):
            if key in edition.sources:
                problems.error(
                    "E704",
                    path,
                    line,
                    f"'@{key}' in {what} would be printed as written: citations work in "
                    "the body, notices and key takeaways; cite the source there",
                )
            elif not _quoted(text[:offset]):
                _warn(problems, path, line, f"@{key}")
