"""Write a Word draft (.docx) of an edition, with real Word footnotes, for ``weekly import`` tests.

    python scripts/make_test_docx.py OUT.docx [--inputs inputs] [--cutoff 2023-11-08] [--reviewed]

The draft is what an analyst would hand over: the posting date, the series line, the title,
the byline, the data-cutoff line, notices, "Key Takeaway:", bold lead judgments, bulleted
evidence, the figure (caption, image, Note:, Source:), and every endnote as a Word footnote
holding the note's text as the edition prints it (URLs as hyperlinks). The package is
written part by part with zipfile, as Word lays it out (footnotes.xml, numbering.xml,
styles.xml, relationships), so no third-party writer is needed.

``--reviewed`` adds an editor's pass: one tracked insertion, one tracked deletion and one
comment, so the import's handling of review marks can be tested.
"""

from __future__ import annotations

import argparse
import re
import struct
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*]+?\*|\[@[^\]]+\]|\[[^\]@][^\]]*\]\([^)]+\))")
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
URL = re.compile(r"https?://\S+?(?=;\s|$|\s)")
#: The editor's pass of ``--reviewed``: (kind, text, the words it goes before or replaces).
REVIEW = {
    "insert": ("roughly ", "70 miles northeast"),
    "delete": (", again and again,", ""),
    "comment": (
        "Jane Editor",
        "Is the 186-mile range that of the basic TB2 or of the extended model?",
        "186 miles",
    ),
}


def text_run(text: str, bold: bool = False, style: str = "", italic: bool = False) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    props += f'<w:rStyle w:val="{style}"/>' if style else ""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraph(runs: str, style: str = "", listed: bool = False) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if listed:
        props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


class Writer:
    """Builds the document, footnotes and comments parts."""

    def __init__(self, notes: list[str], reviewed: bool) -> None:
        self.notes = notes
        self.used = 0
        self.reviewed = reviewed
        self.body: list[str] = []
        self.footnotes: list[str] = []
        self.note_links: list[str] = []
        self.body_links: list[str] = []
        self.comments: list[str] = []
        self.marked: set[str] = set()

    def plain(self, text: str, bold: bool = False) -> str:
        """Return runs for ``text``, with the editor's marks when reviewing."""
        if not self.reviewed:
            return text_run(text, bold)
        added, before = REVIEW["insert"]
        removed, _ = REVIEW["delete"]
        author, words, anchor = REVIEW["comment"]
        if before in text and "insert" not in self.marked:
            self.marked.add("insert")
            head, tail = text.split(before, 1)
            mark = f'<w:ins w:id="901" w:author="{author}" w:date="2023-11-08T09:00:00Z">{text_run(added)}</w:ins>'
            return self.plain(head, bold) + mark + self.plain(before + tail, bold)
        if removed in text and "delete" not in self.marked:
            self.marked.add("delete")
            head, tail = text.split(removed, 1)
            mark = (
                f'<w:del w:id="902" w:author="{author}" w:date="2023-11-08T09:00:00Z">'
                f'<w:r><w:delText xml:space="preserve">{escape(removed)}</w:delText></w:r></w:del>'
            )
            return self.plain(head, bold) + mark + self.plain(tail, bold)
        if anchor in text and not self.comments:
            self.comments.append(
                f'<w:comment w:id="0" w:author="{author}" w:date="2023-11-08T09:05:00Z" w:initials="JE">'
                f"<w:p>{text_run(words)}</w:p></w:comment>"
            )
            return (
                '<w:commentRangeStart w:id="0"/>'
                + text_run(text, bold)
                + '<w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/>'
                '</w:rPr><w:commentReference w:id="0"/></w:r>'
            )
        return text_run(text, bold)

    def inline(self, markdown: str) -> str:
        """Return runs for a line of the edition's Markdown: bold spans and citation points."""
        runs = []
        for piece in INLINE.split(markdown):
            if not piece:
                continue
            if piece.startswith("[@"):
                runs.append(self.footnote())
            elif link := LINK.fullmatch(piece):
                self.body_links.append(link[2])
                rid = f"rIdB{len(self.body_links)}"
                runs.append(
                    f'<w:hyperlink r:id="{rid}">{text_run(link[1], style="Hyperlink")}</w:hyperlink>'
                )
            elif piece.startswith("**"):
                runs.append(self.plain(piece[2:-2], bold=True))
            elif piece.startswith("*"):
                runs.append(text_run(piece[1:-1], italic=True))
            else:
                runs.append(self.plain(piece))
        return "".join(runs)

    def footnote(self) -> str:
        """Write the next note as a Word footnote; return its reference run."""
        self.used += 1
        number, text = self.used, self.notes[self.used - 1]
        runs, start = [text_run(" ")], 0
        for match in URL.finditer(text):
            runs.append(text_run(text[start : match.start()]))
            self.note_links.append(match[0])
            rid = f"rIdL{len(self.note_links)}"
            runs.append(
                f'<w:hyperlink r:id="{rid}">{text_run(match[0], style="Hyperlink")}</w:hyperlink>'
            )
            start = match.end()
        runs.append(text_run(text[start:]))
        ref = '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        self.footnotes.append(
            f'<w:footnote w:id="{number}">'
            + paragraph(
                ref + "".join(r for r in runs if '<w:t xml:space="preserve"></w:t>' not in r),
                "FootnoteText",
            )
            + "</w:footnote>"
        )
        return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{number}"/></w:r>'

    def image(self, size: tuple[int, int], alt: str = "") -> str:
        """Return a paragraph holding the figure's image, 6 inches wide, with its alt text."""
        width = 6 * 914400
        height = width * size[1] // max(size[0], 1)
        return paragraph(
            f'<w:r><w:drawing><wp:inline><wp:extent cx="{width}" cy="{height}"/>'
            f'<wp:docPr id="1" name="Figure 1" descr={quoteattr(alt)}/><a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            '<pic:nvPicPr><pic:cNvPr id="1" name="figure.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            '<pic:blipFill><a:blip r:embed="rIdImage1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
            "</a:graphic></wp:inline></w:drawing></w:r>"
        )


def png_size(data: bytes) -> tuple[int, int]:
    if data.startswith(b"\x89PNG"):
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 1600, 1200


def build(inputs: Path, cutoff: str, reviewed: bool) -> dict[str, bytes]:
    """Return the parts of the draft of edition ``cutoff``, by name."""
    from weekly.apstyle import clock_time, join_names, long_date, weekday_date
    from weekly.pipeline import load_checked

    update = load_checked(inputs, cutoff)
    edition = update.edition
    writer = Writer([note.text for note in update.notes], reviewed)
    add = writer.body.append
    add(paragraph(text_run(weekday_date(edition.published))))
    add(paragraph(text_run(f"{edition.series.name}, {long_date(edition.date)}")))
    add(paragraph(text_run(update.title), "Title"))
    label = "Author" if len(edition.authors) == 1 else "Authors"
    add(paragraph(text_run(f"{label}: {join_names(edition.authors)}")))
    if edition.contributors:
        label = "Contributor" if len(edition.contributors) == 1 else "Contributors"
        add(paragraph(text_run(f"{label}: {join_names(edition.contributors)}")))
    cut = edition.cutoff
    add(paragraph(text_run(f"Data Cutoff: {long_date(cut.date())}, at {clock_time(cut.time())}")))
    for notice in edition.notices:
        add(paragraph(writer.inline(" ".join(notice.split()))))
    if list(edition.takeaways) == [""]:
        text = " ".join(edition.takeaways[""].split())
        add(paragraph(text_run("Key Takeaway: ", bold=True) + writer.inline(text)))
    elif edition.takeaways:
        add(paragraph(text_run("Key Takeaways:", bold=True)))
        numbered = all(region.isdigit() for region in edition.takeaways)
        for region, takeaway in edition.takeaways.items():
            text = " ".join(takeaway.split())
            if numbered:
                add(paragraph(writer.inline(text), "ListNumber", listed=True))
            else:
                add(paragraph(writer.inline(f"{region}. {text}")))
    image = b""
    figures = 0
    for block in edition.body.strip().split("\n\n"):
        items = [" ".join(item.split()) for item in re.split(r"\n(?=- )", block)]
        block = " ".join(block.split())
        placed = re.fullmatch(r'\{\{ figure\("([^"]+)"\) \}\}', block)
        if placed:
            spec = edition.figures[placed[1]]
            figures += 1
            image = (edition.folder / (spec.image or "")).read_bytes()
            add(paragraph(text_run(f"Figure {figures}. {spec.title}")))
            add(writer.image(png_size(image), spec.alt or ""))
            if spec.note:
                add(paragraph(text_run(f"Note: {spec.note}")))
            if spec.source:
                add(paragraph(text_run(f"Source: {spec.source}")))
        elif block.startswith("## "):
            add(paragraph(text_run(block[3:]), "Heading2"))
        elif block.startswith("- "):
            for item in items:
                add(paragraph(writer.inline(item[2:]), "ListBullet", listed=True))
        else:
            add(paragraph(writer.inline(block)))
    if writer.used != len(update.notes):
        raise SystemExit(f"placed {writer.used} footnotes for {len(update.notes)} notes")
    return package(writer, image)


def rels(items: list[tuple[str, str, str]]) -> bytes:
    lines = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(target)}'
        + (' TargetMode="External"' if target.startswith("http") else "")
        + "/>"
        for rid, kind, target in items
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">{lines}</Relationships>'.encode()


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/></w:style>
<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/></w:style>
<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/></w:style>
</w:styles>"""

NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>
<w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"""


def package(writer: Writer, image: bytes) -> dict[str, bytes]:
    """Return the package's parts: content types, relationships, document, notes, comments."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    )
    document_rels = [
        ("rIdStyles", f"{DOC_REL}/styles", "styles.xml"),
        ("rIdNumbering", f"{DOC_REL}/numbering", "numbering.xml"),
        ("rIdFootnotes", f"{DOC_REL}/footnotes", "footnotes.xml"),
    ]
    overrides = {
        "/word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "/word/styles.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
        "/word/numbering.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
        "/word/footnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    }
    parts: dict[str, bytes] = {}
    for i, url in enumerate(writer.body_links, 1):
        document_rels.append((f"rIdB{i}", f"{DOC_REL}/hyperlink", url))
    if image:
        document_rels.append(("rIdImage1", f"{DOC_REL}/image", "media/image1.png"))
        parts["word/media/image1.png"] = image
    if writer.comments:
        document_rels.append(("rIdComments", f"{DOC_REL}/comments", "comments.xml"))
        overrides["/word/comments.xml"] = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
        )
        parts["word/comments.xml"] = (
            f'{head}<w:comments xmlns:w="{W_NS}">{"".join(writer.comments)}</w:comments>'
        ).encode()
    types = "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
    parts["[Content_Types].xml"] = (
        f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Default Extension="png" ContentType="image/png"/>{types}</Types>'
    ).encode()
    parts["_rels/.rels"] = rels([("rId1", f"{DOC_REL}/officeDocument", "word/document.xml")])
    parts["word/_rels/document.xml.rels"] = rels(document_rels)
    parts["word/_rels/footnotes.xml.rels"] = rels(
        [(f"rIdL{i}", f"{DOC_REL}/hyperlink", url) for i, url in enumerate(writer.note_links, 1)]
    )
    parts["word/document.xml"] = (
        f"{head}<w:document {NAMESPACES}><w:body>{''.join(writer.body)}"
        '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>'
    ).encode()
    parts["word/footnotes.xml"] = (
        f"{head}<w:footnotes {NAMESPACES}>{separators}{''.join(writer.footnotes)}</w:footnotes>"
    ).encode()
    parts["word/styles.xml"] = STYLES.encode()
    parts["word/numbering.xml"] = NUMBERING.encode()
    return parts


def write_docx(out: Path, parts: dict[str, bytes]) -> None:
    """Write ``parts`` as a .docx, content types first as Word does."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [
            "[Content_Types].xml",
            *sorted(n for n in parts if n != "[Content_Types].xml"),
        ]:
            archive.writestr(name, parts[name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--inputs", type=Path, default=ROOT / "inputs")
    parser.add_argument("--cutoff", default="2023-11-08")
    parser.add_argument("--reviewed", action="store_true")
    args = parser.parse_args()
    write_docx(args.out, build(args.inputs, args.cutoff, args.reviewed))


if __name__ == "__main__":
    main()
