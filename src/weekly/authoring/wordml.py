"""Walk WordprocessingML into paragraphs of styled text, footnotes and comments.

Tracked changes are accepted as Word's "Accept All" would: inserted and moved-to text is
kept, deleted and moved-from text is dropped, and both are counted. Field codes, hidden
text and comment marks never reach the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from weekly.authoring.package import Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
OFF = {"0", "false", "off", "none"}
CONTAINERS = {"hyperlink", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml", "bdo", "dir"}


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    #: The web address the text links to, when it is a hyperlink.
    link: str = ""


@dataclass(frozen=True)
class NoteRef:
    """A footnote (or endnote) reference: one citation point."""

    key: str


@dataclass(frozen=True)
class Image:
    """An image in the text, by relationship id (``link`` when it points outside the file)."""

    rid: str
    link: bool = False
    #: The alternative text Word keeps for it (``wp:docPr/@descr``: "Alt Text" in Word).
    alt: str = ""


Piece = Span | NoteRef | Image


@dataclass
class Paragraph:
    """One paragraph of the draft: its style name, whether it is a list item, and its pieces."""

    number: int
    style: str = ""
    listed: bool = False
    pieces: list[Piece] = field(default_factory=list)
    #: The list level of a list item (0 at the top, 1 for a bullet under a bullet …).
    level: int = 0
    #: Ids of the comments anchored in this paragraph.
    comments: list[str] = field(default_factory=list)
    #: True when the paragraph mark itself was deleted (the next paragraph joins this one).
    mark_deleted: bool = False

    @property
    def text(self) -> str:
        """Return the paragraph's plain text, whitespace runs collapsed."""
        return " ".join("".join(p.text for p in self.pieces if isinstance(p, Span)).split())

    @property
    def images(self) -> list[Image]:
        """Return the images in the paragraph."""
        return [p for p in self.pieces if isinstance(p, Image)]


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment."""

    id: str
    author: str
    date: str
    text: str


@dataclass
class Changes:
    """Tracked changes met while reading, and control characters mended on the way."""

    insertions: int = 0
    deletions: int = 0
    #: C1 characters turned back into what Windows-1252 text meant by them.
    repaired: int = 0
    #: Control characters and line separators no edition can hold, taken out.
    removed: int = 0

    def clean(self, text: str) -> str:
        """Return ``text`` with mojibake's C1 characters repaired and other controls removed.

        Windows-1252 text read as Latin-1 leaves C1 controls where curly quotes and dashes
        were (U+0092 for ’); UTF-8 read as Latin-1 leaves them inside sequences such as
        "â\x80\x99". ``weekly check`` refuses both, so they are mended here and counted.
        """
        if not _CONTROL.search(text):
            return text
        text = _UTF8_AS_LATIN1.sub(self._utf8, text)
        return _CONTROL.sub(self._one, text)

    def _utf8(self, match: re.Match[str]) -> str:
        try:
            fixed = match[0].encode("latin-1").decode("utf-8")
        except UnicodeError:
            return match[0]
        self.repaired += len(_CONTROL.findall(match[0]))
        return fixed

    def _one(self, match: re.Match[str]) -> str:
        char = match[0]
        if "\x80" <= char <= "\x9f":
            try:
                fixed = char.encode("latin-1").decode("cp1252")
            except UnicodeError:
                pass
            else:
                self.repaired += 1
                return fixed
        self.removed += 1
        return " " if char in "\u2028\u2029" else ""


#: What ``weekly check`` refuses in text that XML 1.0 lets through: DEL, C1, separators.
_CONTROL = re.compile("[\x7f-\x9f\u2028\u2029]")
_UTF8_AS_LATIN1 = re.compile("[\xc2-\xf4][\x80-\xbf]{1,3}")


@dataclass
class Walker:
    """Collect pieces from run-level XML, accepting tracked changes."""

    changes: Changes
    #: Relationship id -> external web address, for the part being walked.
    links: dict[str, str] = field(default_factory=dict)

    def pieces(self, element: Element, paragraph: Paragraph) -> Iterator[Piece]:
        """Yield the pieces of ``element``'s children, in order."""
        for child in element:
            tag = child.tag.removeprefix(W)
            if tag == "r":
                yield from self._run(child, paragraph)
            elif tag in ("ins", "moveTo"):
                self.changes.insertions += 1
                yield from self.pieces(child, paragraph)
            elif tag in ("del", "moveFrom"):
                self.changes.deletions += 1
            elif tag == "hyperlink" and self.links.get(child.get(f"{R}id", "")):
                url = self.links[child.get(f"{R}id", "")]
                for piece in self.pieces(child, paragraph):
                    yield (
                        Span(piece.text, piece.bold, piece.italic, url)
                        if isinstance(piece, Span)
                        else piece
                    )
            elif tag in CONTAINERS:
                yield from self.pieces(child, paragraph)
            elif tag == "commentRangeStart":
                _anchor(paragraph, child.get(f"{W}id", ""))
            elif tag.endswith("}AlternateContent"):
                yield from self.pieces(_choice(child), paragraph)

    def _run(self, run: Element, paragraph: Paragraph) -> Iterator[Piece]:
        props = run.find(f"{W}rPr")
        bold = italic = False
        if props is not None:
            if props.find(f"{W}vanish") is not None or props.find(f"{W}webHidden") is not None:
                return
            bold = _on(props.find(f"{W}b"))
            italic = _on(props.find(f"{W}i"))
            style = props.find(f"{W}rStyle")
            name = (style.get(f"{W}val", "") if style is not None else "").lower()
            bold = bold or "strong" in name
            italic = italic or "emphasis" in name
        for child in run:
            tag = child.tag.removeprefix(W)
            if tag == "t":
                yield Span(self.changes.clean(child.text or ""), bold, italic)
            elif tag in ("tab", "br", "cr"):
                yield Span(" ", bold, italic)
            elif tag == "noBreakHyphen":
                yield Span("-", bold, italic)
            elif tag in ("footnoteReference", "endnoteReference"):
                kind = "f" if tag.startswith("foot") else "e"
                yield NoteRef(f"{kind}{child.get(f'{W}id', '')}")
            elif tag == "commentReference":
                _anchor(paragraph, child.get(f"{W}id", ""))
            elif tag in ("drawing", "pict", "object"):
                yield from _images(child)
            elif tag.endswith("}AlternateContent"):
                yield from list(_images(_choice(child)))[:1]


def _choice(element: Element) -> Element:
    """Return the content Word offers first in an ``mc:AlternateContent`` (its Choice)."""
    return next(iter(element), element)


def _on(element: Element | None) -> bool:
    return element is not None and element.get(f"{W}val", "1").lower() not in OFF


def _anchor(paragraph: Paragraph, key: str) -> None:
    if key not in paragraph.comments:
        paragraph.comments.append(key)


def _images(element: Element) -> Iterator[Image]:
    described = next((d for d in element.iter(f"{WP}docPr") if d.get("descr")), None)
    alt = " ".join((described.get("descr", "") if described is not None else "").split())
    for blip in element.iter(f"{A}blip"):
        if blip.get(f"{R}embed"):
            yield Image(blip.get(f"{R}embed", ""), alt=alt)
        elif blip.get(f"{R}link"):
            yield Image(blip.get(f"{R}link", ""), link=True, alt=alt)
    for data in element.iter(f"{V}imagedata"):
        if data.get(f"{R}id"):
            yield Image(data.get(f"{R}id", ""))


def style_names(package: Package) -> dict[str, str]:
    """Return style id -> lowercase style name from the styles part."""
    name = package.part_of(package.main, "styles")
    root = package.xml(name) if name else None
    names: dict[str, str] = {}
    if root is None:
        return names
    for style in root.iter(f"{W}style"):
        label = style.find(f"{W}name")
        key = style.get(f"{W}styleId", "")
        names[key] = (label.get(f"{W}val", key) if label is not None else key).lower()
    return names


def _paragraph(element: Element, number: int, walker: Walker, styles: dict[str, str]) -> Paragraph:
    paragraph = Paragraph(number)
    props = element.find(f"{W}pPr")
    if props is not None:
        style = props.find(f"{W}pStyle")
        if style is not None:
            key = style.get(f"{W}val", "")
            paragraph.style = styles.get(key, key.lower())
        numbering = props.find(f"{W}numPr")
        if numbering is not None:
            num = numbering.find(f"{W}numId")
            paragraph.listed = num is None or num.get(f"{W}val", "1") != "0"
            level = numbering.find(f"{W}ilvl")
            value = level.get(f"{W}val", "0") if level is not None else "0"
            paragraph.level = int(value) if value.isdigit() and len(value) < 3 else 0
        mark = props.find(f"{W}rPr")
        if mark is not None and mark.find(f"{W}del") is not None:
            paragraph.mark_deleted = True
            walker.changes.deletions += 1
    paragraph.listed = paragraph.listed or "list" in paragraph.style
    paragraph.pieces = list(walker.pieces(element, paragraph))
    return paragraph


def _blocks(element: Element) -> Iterator[Element]:
    """Yield the paragraphs of a body-level element, tables and content controls flattened."""
    for child in element:
        tag = child.tag.removeprefix(W)
        if tag == "p":
            yield child
        elif tag in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "moveTo"):
            yield from _blocks(child)


def _text_boxes(element: Element) -> Iterator[Element]:
    """Yield the ``w:txbxContent`` of the text boxes in ``element`` (Word's first choice only)."""
    for child in element:
        tag = child.tag
        if tag.endswith("}Fallback"):
            continue  # the VML copy of a shape Word also offers as DrawingML
        if tag == f"{W}txbxContent":
            yield child
        else:
            yield from _text_boxes(child)


def _with_text_boxes(element: Element) -> Iterator[Element]:
    """Yield the body's paragraphs, each followed by the paragraphs of its text boxes."""
    for paragraph in _blocks(element):
        yield paragraph
        for box in _text_boxes(paragraph):
            yield from _with_text_boxes(box)


def read_paragraphs(root: Element, walker: Walker, styles: dict[str, str]) -> list[Paragraph]:
    """Return the body's paragraphs; a paragraph whose mark was deleted joins the next one.

    Table cells are read in order, and a text box's paragraphs follow the paragraph it
    is anchored in (a caption in a floating box lands beside its figure).
    """
    body = root.find(f"{W}body")
    paragraphs: list[Paragraph] = []
    pending: Paragraph | None = None
    blocks = _with_text_boxes(body if body is not None else root)
    for number, element in enumerate(blocks, start=1):
        paragraph = _paragraph(element, number, walker, styles)
        if pending is not None:
            pending.pieces.extend(paragraph.pieces)
            pending.comments.extend(c for c in paragraph.comments if c not in pending.comments)
            pending.mark_deleted = paragraph.mark_deleted
            paragraph = pending
        if paragraph.mark_deleted:
            pending = paragraph
            continue
        pending = None
        paragraphs.append(paragraph)
    if pending is not None:
        paragraphs.append(pending)
    return paragraphs


#: Brackets a hyperlink's address after its text in a note's text (private-use characters);
#: :func:`weekly.authoring.notes.attach_links` places it where a note form expects it.
LINK_OPEN, LINK_CLOSE = "\ue010", "\ue011"


def _note_text(pieces: Iterator[Piece]) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, Span):
            out.append(piece.text)
            if piece.link and piece.link not in piece.text:
                out.append(f"{LINK_OPEN}{piece.link}{LINK_CLOSE}")
    return "".join(out)


def read_notes(root: Element | None, kind: str, walker: Walker) -> dict[str, str]:
    """Return note key (``f3``, ``e1``) -> the note's plain text, separators left out.

    The address of hyperlinked text is kept after it, between :data:`LINK_OPEN` and
    :data:`LINK_CLOSE`; ``walker`` must carry the links of the notes part itself.
    """
    notes: dict[str, str] = {}
    if root is None:
        return notes
    tag = "footnote" if kind == "f" else "endnote"
    for note in root.iter(f"{W}{tag}"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts = []
        for element in _blocks(note):
            texts.append(_note_text(walker.pieces(element, Paragraph(0))))
        notes[f"{kind}{note.get(f'{W}id', '')}"] = " ".join(" ".join(texts).split())
    return notes


def read_comments(root: Element | None) -> dict[str, Comment]:
    """Return comment id -> comment."""
    comments: dict[str, Comment] = {}
    if root is None:
        return comments
    for item in root.iter(f"{W}comment"):
        words = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in item.iter(f"{W}p"))
        key = item.get(f"{W}id", "")
        comments[key] = Comment(
            key,
            item.get(f"{W}author", "") or "unknown",
            item.get(f"{W}date", ""),
            " ".join(words.split()),
        )
    return comments
