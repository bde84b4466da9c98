"""Open a .docx package safely: refuse what is not one, bound every read, parse XML defused.

Nothing here follows a relationship outside the package or fetches anything: an external
target is reported, never opened. XML is parsed with :mod:`defusedxml`, which refuses
entity declarations (billion laughs, external entities) and DTD tricks.
"""

from __future__ import annotations

import os
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from weekly.errors import WeeklyError

#: Largest XML part read (decompressed), and largest embedded image kept.
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PARTS = 10_000
#: Deepest nesting of XML elements read; Word's own (tables in tables) stays far below.
MAX_DEPTH = 256

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_TYPE = "/officeDocument"


#: Strict Open XML's namespaces and the transitional ones the reader knows, in bytes.
STRICT = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": (
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    ),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ),
    b"http://purl.oclc.org/ooxml/drawingml/main": (
        b"http://schemas.openxmlformats.org/drawingml/2006/main"
    ),
    b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": (
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    ),
}


class TooLarge(Exception):
    """A part is larger than the reader accepts."""


class Unreadable(Exception):
    """Text of the draft that no edition can hold (a day that does not exist …).

    Raised deep in the reading, where the draft's path is not known; the import turns it
    into one :class:`WeeklyError` line naming the draft.
    """


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its type (last path segment), target, and whether external."""

    type: str
    target: str
    external: bool


@dataclass
class Package:
    """An opened .docx: the zip, the main document part's name and its relationships."""

    path: Path
    zip: zipfile.ZipFile
    main: str
    names: set[str] = field(default_factory=set)
    #: True once a part in Strict Open XML was read (its namespaces mapped to transitional).
    strict: bool = False

    def fail(self, message: str) -> WeeklyError:
        """Return an error naming the draft."""
        return WeeklyError.at(self.path, None, message)

    def read(self, name: str, limit: int = MAX_XML_BYTES) -> bytes:
        """Return the bytes of part ``name``, refusing more than ``limit`` (zip bombs too)."""
        info = self.zip.getinfo(name)
        if info.file_size > limit:
            raise TooLarge(name)
        if info.flag_bits & 0x1:
            raise self.fail(f"{name} is encrypted; save an unprotected copy")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.fail(
                f"{name} is compressed with a method this reader does not support "
                "(Deflate64?); save the file again from Word"
            )
        try:
            with self.zip.open(info) as stream:
                data = stream.read(limit + 1)
        except (RuntimeError, NotImplementedError, zlib.error) as exc:
            raise self.fail(f"damaged .docx: cannot read {name} ({exc})") from None
        if len(data) > limit:
            raise TooLarge(name)
        return data

    def xml(self, name: str) -> Element | None:
        """Return part ``name`` parsed, or None when the package has no such part."""
        if name not in self.names:
            return None
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring

        try:
            data = self.read(name)
            if b"purl.oclc.org/ooxml/" in data:
                for strict, transitional in STRICT.items():
                    if strict in data:
                        self.strict = True
                        data = data.replace(strict, transitional)
            root = fromstring(data, forbid_dtd=True)
        except TooLarge:
            raise self.fail(f"{name} is larger than {MAX_XML_BYTES // 2**20} MB") from None
        except DefusedXmlException:
            raise self.fail(
                f"{name} declares a DTD or entities, which a .docx never needs"
            ) from None
        except (ParseError, ValueError) as exc:
            raise self.fail(f"{name} is not well-formed XML ({exc})") from None
        except LookupError as exc:  # an encoding="…" Python does not know
            reason = str(exc).removeprefix("unknown encoding: ")
            raise self.fail(
                f"{name} is not well-formed XML (unknown encoding '{reason}')"
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise self.fail(f"damaged .docx: cannot read {name} ({exc})") from None
        if _deeper_than(root, MAX_DEPTH):
            raise self.fail(f"{name} nests elements more than {MAX_DEPTH} deep")
        return root

    def relationships(self, part: str) -> dict[str, Relationship]:
        """Return the relationships of ``part`` by id, targets resolved inside the package."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found: dict[str, Relationship] = {}
        if root is None:
            return found
        for rel in root.iter(f"{{{REL_NS}}}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                target = inside(folder, target)
            found[rel.get("Id", "")] = Relationship(kind, target, external)
        return found

    def part_of(self, part: str, kind: str) -> str | None:
        """Return the name of ``part``'s related part of type ``kind`` (``footnotes`` …)."""
        for rel in self.relationships(part).values():
            if rel.type == kind and not rel.external and rel.target in self.names:
                return rel.target
        return None


def _deeper_than(root: Element, limit: int) -> bool:
    """Return whether ``root`` nests elements more than ``limit`` deep (without recursing)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def inside(folder: str, target: str) -> str:
    """Return ``target`` resolved from ``folder``; '' when it would leave the package."""
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    name = posixpath.normpath(joined)
    if name.startswith("../") or name == ".." or name.startswith("/"):
        return ""
    return name


def _refuse_other_kinds(path: Path, head: bytes, data_tail: bytes) -> None:
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data_tail:
            raise WeeklyError.at(
                path, None, "password-protected .docx; save an unprotected copy and import that"
            )
        raise WeeklyError.at(
            path, None, "a Word 97-2003 .doc, not a .docx; save it as .docx and import that"
        )
    if not head.startswith(ZIP_MAGIC):
        raise WeeklyError.at(path, None, "not a .docx file (a Word document is a ZIP package)")


def open_package(path: Path) -> Package:
    """Open ``path`` as a .docx; raise :class:`WeeklyError` naming it when it is not one."""
    try:
        # Opened without blocking, and looked at before reading: a FIFO or a device given
        # as the draft is refused instead of waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            raise WeeklyError.at(path, None, "not a regular file (a .docx is a file)")
        with os.fdopen(fd, "rb") as stream:
            head = stream.read(8)
            tail = stream.read(4 * 1024 * 1024) if head.startswith(OLE_MAGIC) else b""
    except FileNotFoundError:
        raise WeeklyError.at(path, None, "no such file") from None
    except IsADirectoryError:
        raise WeeklyError.at(path, None, "is a folder, not a .docx file") from None
    except OSError as exc:
        raise WeeklyError.at(path, None, f"cannot read: {exc.strerror}") from None
    _refuse_other_kinds(path, head, tail)
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WeeklyError.at(path, None, f"damaged .docx: {exc}") from None
    if len(infos) > MAX_PARTS:
        raise WeeklyError.at(path, None, f"damaged .docx: more than {MAX_PARTS} parts")
    package = Package(path, archive, "", {info.filename for info in infos})
    main = ""
    for rel in package.relationships("").values():
        if rel.type == MAIN_TYPE.strip("/") and not rel.external:
            main = rel.target
    if not main or main not in package.names:
        if "word/document.xml" not in package.names:
            raise package.fail("not a Word document (no word/document.xml in the package)")
        main = "word/document.xml"
    package.main = main
    return package
