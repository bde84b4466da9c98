"""Read a PDF's accessibility structures back with pypdf: the structure tree and outline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader


@dataclass
class Element:
    """One structure element: its type, its attributes of interest, its children."""

    role: str
    alt: str | None = None
    children: list[Element] = field(default_factory=list)

    def walk(self) -> Iterator[Element]:
        """Yield this element and every element under it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def roles(self) -> list[str]:
        """Return the types of the children, in order."""
        return [child.role for child in self.children]


def _element(node: Any) -> Element | None:
    node = node.get_object()
    if not hasattr(node, "get") or "/S" not in node:
        return None
    alt = node.get("/Alt")
    element = Element(str(node["/S"]).lstrip("/"), str(alt) if alt is not None else None)
    kids = node.get("/K")
    if kids is None:
        return element
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object"):
            child = _element(kid)
            if child is not None:
                element.children.append(child)
    return element


def structure(path: Path) -> Element:
    """Return the root of the PDF's structure tree (a ``Document`` element)."""
    root = PdfReader(path).trailer["/Root"]
    kids = root["/StructTreeRoot"]["/K"]
    kids = kids if isinstance(kids, list) else [kids]
    tree = _element(kids[0])
    assert tree is not None
    return tree


def outline(path: Path) -> list[tuple[int, str]]:
    """Return the bookmarks as (level, title), level 1 the outermost."""
    reader = PdfReader(path)
    found: list[tuple[int, str]] = []

    def visit(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                visit(item, level + 1)
            else:
                found.append((level, str(item.title)))

    visit(reader.outline, 1)
    return found
