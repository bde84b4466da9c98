"""Recognise a draft's parts: title, byline, cutoff, notices, takeaways, leads, bullets, figures.

Paragraphs come in as :class:`~weekly.authoring.wordml.Paragraph`; what goes out is a
:class:`Draft`: the front matter's values and the Markdown body, with every footnote
replaced by a citation point built by :class:`~weekly.authoring.notes.Bibliography`.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field

from weekly.authoring.lines import (
    ASSESSMENTS,
    BYLINE,
    CAPTION,
    CUTOFF,
    DATE,
    DATELINE,
    DAY,
    NAMES_LINE,
    NOTE,
    REGION,
    SOURCE,
    SUBSCRIBE,
    TAKEAWAY,
    TITLE,
    figure_id,
    has_note,
    is_body,
    is_heading,
    is_region_name,
    parse_clock,
    parse_day,
    split_names,
)
from weekly.authoring.markdown import Citer, escape, inert, markdown
from weekly.authoring.wordml import Image, NoteRef, Paragraph


@dataclass(frozen=True)
class TitleForm:
    """A title a series prints (its ``title`` template, or one of a layout), as a pattern."""

    series: str
    pattern: re.Pattern[str]

    @property
    def has_headline(self) -> bool:
        """Return whether titles of this form carry a headline."""
        return "headline" in self.pattern.groupindex

    @classmethod
    def of(cls, series_key: str, series_name: str, template: str) -> TitleForm:
        """Return the form of ``template`` (``{series}, {date}: {headline}`` …)."""
        out = ""
        for literal, name, _, _ in string.Formatter().parse(template):
            out += re.escape(literal)
            if name == "series":
                out += re.escape(series_name)
            elif name == "date":
                out += DATE if "?P<date>" not in out else DAY
            elif name == "headline":
                out += "(?P<headline>.+)" if "?P<headline>" not in out else ".+"
        return cls(series_key, re.compile(out))


@dataclass
class FigureDraft:
    """A figure found in the draft: its caption, note, source and image."""

    id: str
    title: str
    note: str = ""
    source: str = ""
    image: Image | None = None
    #: The paragraphs it was read from (for comments anchored there).
    paragraphs: list[int] = field(default_factory=list)


@dataclass
class Block:
    """One Markdown block of the body and the draft paragraph it came from."""

    markdown: str
    paragraph: int


@dataclass
class Draft:
    """Everything recognised in a draft, before it is written."""

    headline: str = ""
    series_name: str = ""
    date: dt.date | None = None
    published: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    cutoff_day: dt.date | None = None
    cutoff_clock: dt.time | None = None
    #: True when a cutoff line was read (it may give only a clock: the title's day then).
    cutoff_line: bool = False
    #: The series whose title template the title matched ("" when none did).
    series_key: str = ""
    #: ``## Region`` heading -> the names of an "Author(s):" line under it.
    section_authors: dict[str, list[str]] = field(default_factory=dict)
    section_contributors: dict[str, list[str]] = field(default_factory=dict)
    notices: list[Block] = field(default_factory=list)
    takeaway: Block | None = None
    takeaways: dict[str, Block] = field(default_factory=dict)
    #: Numbered (or bulleted) takeaways that name no region.
    takeaway_list: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    figures: list[FigureDraft] = field(default_factory=list)
    #: Paragraphs left out, with the reason, for the analyst.
    skipped: list[str] = field(default_factory=list)


class Recogniser:
    """Read paragraphs in order and file each under the part of the edition it belongs to."""

    def __init__(
        self, paragraphs: list[Paragraph], cite: Citer, titles: tuple[TitleForm, ...] = ()
    ) -> None:
        self.paragraphs = [p for p in paragraphs if p.text or p.images or p.pieces and has_note(p)]
        self.cite = cite
        #: Title forms with a headline first: a headline-less one is a fallback.
        self.titles = sorted(titles, key=lambda form: not form.has_headline)
        #: True once a title with a headline was read.
        self.titled = False
        #: Paragraph numbers of headings whose notes moved into their section.
        self.headings: set[int] = set()
        #: How many notes have been cited so far (their numbers, in reading order).
        self.cited = 0
        self.draft = Draft()
        self.ids: set[str] = set()
        self.lines: dict[int, str] = {}

    def md(self, paragraph: Paragraph) -> str:
        """Return a paragraph's Markdown, citing its footnotes once however often asked."""
        if paragraph.number not in self.lines:
            self.lines[paragraph.number] = markdown(paragraph.pieces, self._cite)
        return self.lines[paragraph.number]

    def _cite(self, ref: NoteRef) -> str:
        point = self.cite(ref)
        self.cited += 1 if point else 0
        return point

    def run(self) -> Draft:
        index = self._head()
        if index == len(self.paragraphs) and self.draft.notices:
            # No key takeaway and no bold lead: what followed the byline is the body.
            self.draft.body = [Block(inert(b.markdown), b.paragraph) for b in self.draft.notices]
            self.draft.notices = []
            self.draft.skipped.append(
                "found no 'Key Takeaway:' and no bold lead judgment: read the text as the body"
            )
        index = self._takeaways(index)
        self._body(index)
        self._uncited()
        return self.draft

    def _uncited(self) -> None:
        """List the note marks of paragraphs that never reached the text (title, captions …)."""
        for paragraph in self.paragraphs:
            if paragraph.number in self.lines or paragraph.number in self.headings:
                continue
            marks = sum(1 for piece in paragraph.pieces if isinstance(piece, NoteRef))
            if marks:
                self.draft.skipped.append(
                    f"left out {_count(marks, 'note mark')} with “{_excerpt(paragraph.text)}”, "
                    "which is not part of the text; move the note into a paragraph"
                )

    def _title(self, text: str) -> bool:
        """Read ``text`` as the title if it is one; return whether it was."""
        draft = self.draft
        for form in self.titles:
            match = form.pattern.fullmatch(text)
            if match and (form.has_headline or not self.titled):
                draft.series_key, draft.series_name = form.series, ""
                draft.headline = match["headline"] if form.has_headline else ""
                draft.date = parse_day(match["date"], "the title")
                self.titled = form.has_headline
                return True
        title = TITLE.fullmatch(text)
        if title and not self.titled:
            draft.series_key = ""
            draft.series_name, draft.headline = title["series"], title["headline"]
            draft.date = parse_day(title["date"], "the title")
            self.titled = True
            return True
        return False

    def _head(self) -> int:
        """Read the lines above the key takeaway; return the index of the first one after.

        A title is any form a series prints (with a headline or without, headline first or
        last); one with a headline wins over a headline-less line above it (the series line).
        """
        draft = self.draft
        title_at = -2
        for index, paragraph in enumerate(self.paragraphs):
            text = paragraph.text
            if not self.titled and self._title(text):
                title_at = index
                continue
            started = self.titled or draft.date is not None
            if TAKEAWAY.match(text) or (started and is_body(paragraph)):
                return index
            if ASSESSMENTS.fullmatch(text):
                return index
            if (line := DATELINE.fullmatch(text)) and not started:
                draft.published = parse_day(line["date"], "the date line")
            elif re.fullmatch(rf".+, {DATE}", text) and not started:
                continue  # the series line above the title ("Series, November 8, 2023")
            elif (byline := BYLINE.fullmatch(text)) and not draft.notices:
                names = split_names(byline["names"])
                target = (
                    draft.contributors if byline["label"].lower().startswith("c") else draft.authors
                )
                target.extend(names)
            elif (
                (cutoff := CUTOFF.fullmatch(text))
                and not draft.cutoff_line
                and (cutoff["date"] or cutoff["clock"])
            ):
                draft.cutoff_line = True
                if cutoff["date"]:
                    draft.cutoff_day = parse_day(cutoff["date"], "the cutoff line")
                draft.cutoff_clock = parse_clock(cutoff["clock"])
            elif not started:
                draft.skipped.append(f"left out a paragraph above the title: “{_excerpt(text)}”")
            elif NAMES_LINE.fullmatch(text) and index == title_at + 1 and not draft.authors:
                draft.authors.extend(split_names(text))  # an unlabelled byline, under the title
            elif SUBSCRIBE.match(text):
                draft.skipped.append(f"left out the subscription line: “{_excerpt(text)}”")
            else:
                draft.notices.append(Block(self.md(paragraph), paragraph.number))
        return len(self.paragraphs)

    def _takeaways(self, index: int) -> int:
        if index >= len(self.paragraphs):
            return index
        paragraph = self.paragraphs[index]
        label = TAKEAWAY.match(self.md(paragraph)) if TAKEAWAY.match(paragraph.text) else None
        if label is None:
            return index
        rest = self.md(paragraph)[label.end() :].strip()
        if rest:
            self.draft.takeaway = Block(rest, paragraph.number)
            return index + 1
        index += 1
        regions: dict[str, Block] = {}
        items: list[Block] = []
        while index < len(self.paragraphs):
            paragraph = self.paragraphs[index]
            if is_heading(paragraph) or paragraph.images:
                break
            region = REGION.match(self.md(paragraph))
            if region is not None and not items:
                name, rest = region["region"], region["rest"]
                if name in regions:
                    earlier = regions[name]
                    regions[name] = Block(f"{earlier.markdown} {rest}", earlier.paragraph)
                    self.draft.skipped.append(f"two takeaways name '{name}': joined into one")
                else:
                    regions[name] = Block(rest, paragraph.number)
            elif paragraph.listed and not regions:
                items.append(Block(self.md(paragraph), paragraph.number))
            else:
                break
            index += 1
        self.draft.takeaways = regions
        self.draft.takeaway_list = items
        return index

    def _body(self, index: int) -> None:
        draft = self.draft
        #: Citations of notes anchored in a heading, waiting for the section's first paragraph.
        moved: list[str] = []
        #: The text of the last ``##`` heading (its section takes an "Authors:" line).
        heading = ""
        while index < len(self.paragraphs):
            paragraph = self.paragraphs[index]
            text = paragraph.text
            if paragraph.images or CAPTION.fullmatch(text):
                index = self._figure(index)
                continue
            byline = BYLINE.fullmatch(text)
            if SUBSCRIBE.match(text):
                draft.skipped.append(f"left out the subscription line: “{_excerpt(text)}”")
            elif ASSESSMENTS.fullmatch(text):
                draft.skipped.append("read “Assessments:” as the series' label, not as text")
            elif byline and heading and heading not in draft.section_authors:
                names = split_names(byline["names"])
                contributors = byline["label"].lower().startswith("c")
                target = draft.section_contributors if contributors else draft.section_authors
                target.setdefault(heading, []).extend(names)
            elif is_heading(paragraph) or is_region_name(paragraph):
                heading = text
                draft.body.append(Block(f"## {inert(escape(text))}", paragraph.number))
                moved.extend(self._heading_notes(paragraph))
            else:
                line = self.md(paragraph) + "".join(moved)
                moved.clear()
                if paragraph.listed and paragraph.level:
                    draft.skipped.append(
                        f"a bullet at list level {paragraph.level + 1} became a top-level "
                        f"bullet: “{_excerpt(text)}”"
                    )
                bullet = "- " if paragraph.listed else ""
                draft.body.append(Block(f"{bullet}{inert(line)}", paragraph.number))
            index += 1
        if moved:
            draft.skipped.append(
                f"no paragraph follows the heading that holds {_count(len(moved), 'note')}: left out"
            )

    def _heading_notes(self, heading: Paragraph) -> list[str]:
        """Cite the notes of a heading; they move to the section's first paragraph (reported)."""
        points = []
        self.headings.add(heading.number)
        for piece in heading.pieces:
            if isinstance(piece, NoteRef) and (point := self._cite(piece)):
                points.append(point)
                self.draft.skipped.append(
                    f"note {self.cited} on the heading “{_excerpt(heading.text)}” moved to the "
                    "end of the section's first paragraph"
                )
        return points

    def _figure(self, index: int) -> int:
        """Read a figure: caption and image (either order), then Note: and Source: lines."""
        figure = FigureDraft("", "")
        while index < len(self.paragraphs):
            paragraph = self.paragraphs[index]
            text = paragraph.text
            caption = CAPTION.fullmatch(text)
            if caption and not figure.title and not (figure.note or figure.source):
                figure.title = caption["title"]
            elif paragraph.images and figure.image is None and not (figure.note or figure.source):
                figure.image = paragraph.images[0]
                if text:
                    self.draft.skipped.append(f"left out text beside an image: “{_excerpt(text)}”")
            elif (note := NOTE.fullmatch(text)) and not figure.note and not figure.source:
                figure.note = note["text"]
            elif (source := SOURCE.fullmatch(text)) and not figure.source:
                figure.source = source["text"]
            else:
                break
            figure.paragraphs.append(paragraph.number)
            index += 1
        if not figure.title:
            figure.title = "TODO: figure title"
            self.draft.skipped.append("an image has no “Figure N. Title” caption: titled TODO")
        figure.id = figure_id(figure.title, self.ids)
        self.draft.figures.append(figure)
        self.draft.body.append(Block(f'{{{{ figure("{figure.id}") }}}}', figure.paragraphs[0]))
        return index


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _excerpt(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def recognise(
    paragraphs: list[Paragraph], cite: Citer, titles: tuple[TitleForm, ...] = ()
) -> Draft:
    """Return the draft's parts, citing footnotes through ``cite`` in reading order.

    ``titles`` are the title forms of the known series; a title matching none is read in
    the default form (``Series, November 8, 2023: Headline``).
    """
    return Recogniser(paragraphs, cite, titles).run()
