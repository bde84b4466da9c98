"""Build small Word drafts in the shapes real desks send, for the import tests.

This generator is separate from ``scripts/make_test_docx.py`` (which writes one draft from a
rendered edition): here a test states the draft it wants paragraph by paragraph, with the
part that carries each detail (footnotes or endnotes, hyperlinks in the body's or the notes'
relationships, text boxes, tables, comments). :func:`standard` gives a complete draft of the
Africa File that the tests then vary.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
)


def run(text: str, bold: bool = False, italic: bool = False) -> str:
    """Return a run of ``text``."""
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str, style: str = "", level: int | None = None) -> str:
    """Return a paragraph of ``runs``; ``level`` makes it a list item at that depth."""
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if level is not None:
        props += f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{''.join(runs)}</w:p>"


def table(*cells: str) -> str:
    """Return a one-row table whose cells hold the given paragraphs."""
    row = "".join(f"<w:tc>{cell}</w:tc>" for cell in cells)
    return f"<w:tbl><w:tr>{row}</w:tr></w:tbl>"


def text_box(*paragraphs: str) -> str:
    """Return a run holding a floating text box (Word's wps shape) with ``paragraphs``."""
    inner = "".join(paragraphs)
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor><wp:docPr id="90" name="Text Box"/><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        "</mc:AlternateContent></w:r>"
    )


def tiny_png() -> bytes:
    """Return a valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@dataclass
class Docx:
    """A draft under construction: body paragraphs, notes, links, images and comments."""

    body: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    endnotes: list[str] = field(default_factory=list)
    #: Relationship id -> target of the main part (hyperlinks, images).
    rels: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Relationship id -> address, in the footnotes part's own relationships (Google Docs).
    note_rels: dict[str, str] = field(default_factory=dict)
    comments: list[tuple[str, str]] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    #: Leave the footnotes part out of the package (its references stay in the body).
    drop_footnotes: bool = False
    strict: bool = False

    def add(self, *paragraphs: str) -> Docx:
        """Append body paragraphs; return self."""
        self.body.extend(paragraphs)
        return self

    def link(self, url: str, *runs: str, in_note: bool = False) -> str:
        """Return a hyperlink to ``url`` around ``runs`` (in a note: the notes part's rels)."""
        table = self.note_rels if in_note else None
        rid = f"rIdL{len(self.rels) + len(self.note_rels) + 1}"
        if table is not None:
            table[rid] = url
        else:
            self.rels[rid] = ("hyperlink", url)
        return f'<w:hyperlink r:id="{rid}">{"".join(runs)}</w:hyperlink>'

    def footnote(self, *runs: str) -> str:
        """Add a footnote of ``runs`` (plain text when given a str without markup)."""
        self.footnotes.append(_note_body(runs))
        return f'<w:r><w:footnoteReference w:id="{len(self.footnotes)}"/></w:r>'

    def endnote(self, *runs: str) -> str:
        """Add an endnote of ``runs``; return the reference run."""
        self.endnotes.append(_note_body(runs))
        return f'<w:r><w:endnoteReference w:id="{len(self.endnotes)}"/></w:r>'

    def comment(self, author: str, text: str) -> str:
        """Add a comment; return the run that anchors it."""
        self.comments.append((author, text))
        return f'<w:r><w:commentReference w:id="{len(self.comments) - 1}"/></w:r>'

    def image(self, data: bytes | None = None, alt: str = "") -> str:
        """Return a run with an inline picture."""
        rid = f"rIdI{len(self.media) + 1}"
        name = f"media/image{len(self.media) + 1}.png"
        self.media[name] = data or tiny_png()
        self.rels[rid] = ("image", name)
        return (
            '<w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="3086100"/>'
            f'<wp:docPr id="{len(self.media)}" name="Picture" descr={quoteattr(alt)}/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        )

    def parts(self) -> dict[str, bytes]:
        """Return the package's parts by name."""
        rels = dict(self.rels)
        parts: dict[str, bytes] = {}
        overrides = [("/word/document.xml", "document.main+xml")]
        if self.footnotes and not self.drop_footnotes:
            rels["rIdF"] = ("footnotes", "footnotes.xml")
            parts["word/footnotes.xml"] = _notes("footnote", self.footnotes)
            overrides.append(("/word/footnotes.xml", "footnotes+xml"))
            if self.note_rels:
                parts["word/_rels/footnotes.xml.rels"] = _rels(
                    {k: ("hyperlink", v) for k, v in self.note_rels.items()}
                )
        if self.endnotes:
            rels["rIdE"] = ("endnotes", "endnotes.xml")
            parts["word/endnotes.xml"] = _notes("endnote", self.endnotes)
            if self.note_rels:
                parts["word/_rels/endnotes.xml.rels"] = _rels(
                    {k: ("hyperlink", v) for k, v in self.note_rels.items()}
                )
        if self.comments:
            rels["rIdC"] = ("comments", "comments.xml")
            items = "".join(
                f'<w:comment w:id="{n}" w:author={quoteattr(author)} w:date="2023-11-07T10:00:00Z">'
                f"<w:p>{run(text)}</w:p></w:comment>"
                for n, (author, text) in enumerate(self.comments)
            )
            parts["word/comments.xml"] = _xml(f"<w:comments {ROOT}>{items}</w:comments>")
        for name, data in self.media.items():
            parts[f"word/{name}"] = data
        body = "".join(self.body)
        parts["word/document.xml"] = _xml(
            f"<w:document {ROOT}><w:body>{body}</w:body></w:document>"
        )
        parts["word/_rels/document.xml.rels"] = _rels(rels)
        types = "".join(
            f'<Override PartName="{name}" ContentType="application/'
            f'vnd.openxmlformats-officedocument.wordprocessingml.{kind}"/>'
            for name, kind in overrides
        )
        parts["[Content_Types].xml"] = _xml(
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="png" ContentType="image/png"/>{types}</Types>'
        )
        parts["_rels/.rels"] = _rels({"rId1": ("officeDocument", "word/document.xml")})
        if self.strict:
            parts = {
                name: data.replace(
                    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
                ).replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                )
                for name, data in parts.items()
            }
        return parts

    def save(self, path: Path) -> Path:
        """Write the draft to ``path``; return it."""
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts().items():
                archive.writestr(name, data)
        return path


def _note_body(runs: tuple[str, ...]) -> str:
    pieces = "".join(r if r.startswith("<") else run(r) for r in runs)
    return f"<w:p>{pieces}</w:p>"


def _notes(kind: str, notes: list[str]) -> bytes:
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p/></w:{kind}>'
    )
    items = "".join(
        f'<w:{kind} w:id="{n}">{body}</w:{kind}>' for n, body in enumerate(notes, start=1)
    )
    return _xml(f"<w:{kind}s {ROOT}>{separators}{items}</w:{kind}s>")


def _rels(items: dict[str, tuple[str, str]]) -> bytes:
    lines = "".join(
        f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target={quoteattr(target)}'
        + (' TargetMode="External"' if kind == "hyperlink" else "")
        + "/>"
        for rid, (kind, target) in items.items()
    )
    return _xml(
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{lines}</Relationships>'
    )


def _xml(text: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text).encode("utf-8")


TITLE = "Africa File, November 8, 2023: Wagner Group Retreats"
NOTE = "Reuters, “Mali Army Takes Kidal,” November 6, 2023, https://www.reuters.com/mali-kidal"


def standard(doc: Docx | None = None, *, title: str = TITLE) -> Docx:
    """Return a complete small draft: masthead, takeaway, one lead with a note."""
    doc = doc or Docx()
    doc.add(
        para(run(title), style="Title"),
        para(run("Authors: Liam Karr and Kathryn Tyson")),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("Key Takeaway: ", bold=True), run("Mali. The army took Kidal.")),
        para(
            run("The junta is winning. ", bold=True), run("Fighting continued."), doc.footnote(NOTE)
        ),
    )
    return doc
