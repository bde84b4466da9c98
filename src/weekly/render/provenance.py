"""Record in each PDF what it was printed from, so a later stage can prove it is current.

Every PDF goes through :func:`weekly.render.pdf.write_pdf`, which stores the digest of the
HTML and figure files it printed as the document's permanent identifier (the first entry of
the trailer's ``/ID``, which WeasyPrint writes as plain text at the end of the file). A PDF
whose recorded digest equals :func:`source_digest` of what the inputs give now was printed
from those inputs, whichever command wrote it (``render``, ``archive``, ``preview --pdf``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weekly.assets import Asset

#: Marks the identifier as ours; bump the version when the digest's recipe changes.
PREFIX = "weekly-source-1-"
_RECORDED = re.compile(rb"/ID\s*\[\s*\((" + PREFIX.encode() + rb"[0-9a-f]{64})\)")
#: How much of the end of a PDF is searched for the trailer.
TAIL = 64 * 1024


def source_digest(html: str, assets: Iterable[Asset]) -> str:
    """Return the identifier of a PDF printed from ``html`` with ``assets``."""
    digest = hashlib.sha256(b"html\0")
    digest.update(html.encode("utf-8"))
    for asset in sorted(assets, key=lambda a: a.name):
        digest.update(f"\0asset\0{asset.name}\0".encode())
        digest.update(hashlib.sha256(asset.data).digest())
    return PREFIX + digest.hexdigest()


def recorded_digest(pdf: bytes) -> str | None:
    """Return the source digest a PDF records, or None (not printed by weekly, or older)."""
    found = _RECORDED.findall(pdf[-TAIL:])
    return found[-1].decode("ascii") if found else None
