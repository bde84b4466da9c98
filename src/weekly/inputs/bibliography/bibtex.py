"""Bibliography stage: read ``sources.bib``, BibTeX or BibLaTeX, with bibtexparser 2.

The parser is imported only when such a file exists. Better BibTeX, JabRef and most
reference managers export this format.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from weekly.errors import Problem, Problems, WeeklyError, display_path
from weekly.inputs.bibliography.csl import BadField
from weekly.inputs.bibliography.dates import SourceDate, make_point, parse_date_text
from weekly.inputs.bibliography.entry import Name, Source
from weekly.inputs.bibliography.latex import LatexText

#: BibTeX entry types and the house kind each prints as; others print as articles.
KIND_OF_TYPE = {
    "article": "journal",
    "periodical": "journal",
    "techreport": "report",
    "report": "report",
    "phdthesis": "report",
    "mastersthesis": "report",
    "thesis": "report",
    "book": "book",
    "mvbook": "book",
}
#: Fields kept verbatim: LaTeX decoding would turn ``~`` or ``%`` in them into something else.
VERBATIM = {"url", "doi", "eprint", "file", "urldate", "date"}
SEASON_WORDS = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def _plain(value: Any, latex: LatexText) -> str:
    return latex.text(str(value))


def _people(raw: str, latex: LatexText) -> tuple[Name, ...]:
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    people = []
    for person in split_multiple_persons_names(raw):
        stripped = person.strip()
        if stripped.startswith("{") and stripped.endswith("}") and stripped.count("{") == 1:
            people.append(Name(literal=_plain(stripped, latex)))  # {World Bank}: an organization
            continue
        parts = parse_single_name_into_parts(stripped, strict=False)

        def words(items: list[str]) -> str:
            return _plain(" ".join(items), latex)

        people.append(
            Name(words(parts.last), words(parts.first), "", words(parts.von), words(parts.jr))
        )
    return tuple(n for n in people if n.full())


def _date(fields: dict[str, str], latex: LatexText) -> SourceDate | None:
    if fields.get("date"):
        return parse_date_text(fields["date"])
    year = fields.get("year", "").strip()
    if not year:
        return None
    if not year.isdigit():
        raise ValueError(f"year '{year}' is not a number")
    month_text = _plain(fields.get("month", ""), latex).strip().lower().rstrip(".")
    month: int | None = None
    if month_text:
        if month_text.isdigit():
            month = int(month_text)
        elif month_text in SEASON_WORDS:
            month = SEASON_WORDS[month_text]
        else:
            names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                     "nov", "dec"]  # fmt: skip
            if month_text[:3] not in names:
                raise ValueError(f"month '{month_text}' is not a month")
            month = names.index(month_text[:3]) + 1
    day_text = fields.get("day", "").strip()
    day = int(day_text) if day_text.isdigit() else None
    return SourceDate(make_point(int(year), month, day))


def _entry(
    entry: Any, path: Path, edition_only: bool, problems: Problems, latex: LatexText
) -> Source | None:
    key = str(entry.key)
    line = (entry.start_line or 0) + 1
    fields = {str(f.key).lower(): str(f.value) for f in entry.fields}
    text = {k: (v.strip() if k in VERBATIM else _plain(v, latex)) for k, v in fields.items()}
    try:
        authors = _people(fields["author"], latex) if "author" in fields else ()
        editors = _people(fields["editor"], latex) if "editor" in fields else ()
        when = _date(fields, latex)
        accessed = parse_date_text(fields["urldate"]) if fields.get("urldate") else None
    except (ValueError, BadField) as exc:
        problems.error("E010", path, line, f"source '{key}': {exc}")
        return None
    entry_type = str(entry.entry_type).lower()
    kind = KIND_OF_TYPE.get(entry_type, "article")
    container = text.get("journaltitle") or text.get("journal") or text.get("booktitle", "")
    if kind == "report" and not container:
        container = text.get("series", "")
    publisher = (
        text.get("publisher") or text.get("institution") or text.get("school")
        or text.get("organization", "")
    )  # fmt: skip
    volume, issue, pages = text.get("volume", ""), text.get("number", ""), text.get("pages", "")
    if kind == "journal" and not (volume or issue or pages):
        kind = "article"  # a newspaper or a site: outlet, “title,” date, url
    if kind == "article":
        publisher = container or publisher or text.get("howpublished", "")
    title = text.get("title", "")
    url, doi = text.get("url", ""), text.get("doi", "")
    if not title:
        if url or doi:
            kind = "url"
        elif text.get("note"):
            kind = "text"
    source = Source(
        id=key,
        kind=kind,
        path=path,
        line=line,
        url=url,
        text=text.get("note", "") if kind == "text" else "",
        publisher=publisher,
        title=title,
        authors=authors,
        editors=editors,
        when=when,
        accessed=accessed,
        container=container,
        volume=volume,
        issue=issue if kind != "report" else "",
        pages=pages,
        number=issue if kind == "report" else "",
        place=text.get("address") or text.get("location", ""),
        doi=doi,
        edition_only=edition_only,
        fields=dict(fields),
    )
    if source.missing():
        problems.error("E010", path, line, f"source '{key}' needs a title, url, doi or note")
        return None
    return source


def _failure(block: Any, path: Path, first: dict[str, int]) -> Problem:
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    line = (block.start_line or 0) + 1
    where = display_path(path)
    if isinstance(block, DuplicateBlockKeyBlock):
        key = str(block.key)
        message = f"source '{key}' is already defined at {where}:{first.get(key, 1)}"
        return Problem(where, line, 0, "error", "E011", message)
    if isinstance(block, DuplicateFieldKeyBlock):
        names = ", ".join(sorted(block.duplicate_keys))
        message = f"malformed BibTeX: field {names} given twice in one entry"
        return Problem(where, line, 0, "error", "E701", message)
    error = block.error
    reason = getattr(error, "abort_reason", None) or getattr(error, "message", None) or error
    detail = " ".join(str(reason).split()).replace("`", "'") or type(error).__name__
    return Problem(where, line, 0, "error", "E701", f"malformed BibTeX: {detail}")


def read_bibtex(path: Path, text: str, edition_only: bool, problems: Problems) -> list[Source]:
    """Read a BibTeX or BibLaTeX file; a block that does not parse stops the edition."""
    import bibtexparser
    from bibtexparser import middlewares

    log = logging.getLogger("bibtexparser")
    level, log.level = log.level, logging.CRITICAL + 1  # its failures come back as blocks
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[middlewares.MonthIntMiddleware(allow_inplace_modification=True)],
        )
    except RecursionError:
        raise WeeklyError.at(path, 1, "malformed BibTeX: nested too deeply", "E701") from None
    except Exception as exc:  # noqa: BLE001 - hostile input must end in a finding, not a traceback
        raise WeeklyError.at(path, 1, f"malformed BibTeX: {exc}", "E701") from None
    finally:
        log.level = level
    first = {str(e.key): (e.start_line or 0) + 1 for e in library.entries}
    if library.failed_blocks:
        raise WeeklyError([_failure(b, path, first) for b in library.failed_blocks])
    latex = LatexText()
    found = []
    for entry in library.entries:
        try:
            source = _entry(entry, path, edition_only, problems, latex)
        except RecursionError:
            line = (entry.start_line or 0) + 1
            problems.error("E701", path, line, f"source '{entry.key}': nested too deeply to read")
            continue
        if source is not None:
            found.append(source)
    return found
