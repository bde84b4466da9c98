"""Make an analyst's SVG figure safe to publish: no scripts, handlers or outside references.

An SVG is a document, not a picture: opened on its own (the published ``figures/x.svg``) it
runs its scripts and loads what it links to. Figures are copied through :func:`sanitize_svg`,
which parses them with defusedxml (no DTDs, entities or external references) and drops
scripts, event handlers, foreign objects and links that leave the file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
#: Elements that run code or embed other documents.
DROPPED = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_CSS_URL = re.compile(r"@import[^;]*;?|url\(\s*(['\"]?)(?!#)[^)]*\1\s*\)", re.IGNORECASE)


class UnsafeSvg(ValueError):
    """The SVG cannot be read safely (malformed, or with a DTD or entities)."""


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _is_link(name: str) -> bool:
    return _local(name) == "href"


def sanitize_svg(data: bytes) -> tuple[bytes, list[str]]:
    """Return ``data`` without anything active or external, and what was removed."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ET.ParseError) as exc:
        raise UnsafeSvg(f"not a safe SVG ({exc})") from None
    if _local(root.tag) != "svg":
        raise UnsafeSvg("not an SVG document")
    removed: list[str] = []
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) in DROPPED:
                parent.remove(child)
                removed.append(f"<{_local(child.tag)}>")
    for element in root.iter():
        for name in list(element.attrib):
            value = element.attrib[name]
            if _local(name).lower().startswith("on"):
                del element.attrib[name]
                removed.append(f"{_local(name)}=")
            elif _is_link(name) and not value.strip().startswith("#"):
                del element.attrib[name]
                removed.append(f"link to {value[:60]}")
            elif _local(name) == "style" and _CSS_URL.search(value):
                element.attrib[name] = _CSS_URL.sub("none", value)
                removed.append("style url()")
        if _local(element.tag) == "style" and element.text and _CSS_URL.search(element.text):
            element.text = _CSS_URL.sub("none", element.text)
            removed.append("stylesheet url()")
    if not removed:
        return data, []
    # Prefixes are process-wide in ElementTree and other code may have taken "" for another
    # namespace: claim them again just before writing, so the SVG keeps plain tag names.
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), removed
