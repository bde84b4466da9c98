"""The document model: picking out the bold lead judgment of a paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from weekly.body.parse import parse_body
from weekly.errors import Problems


def blocks(text: str) -> list:
    return parse_body(text, Path("update.md"), 1, Problems(), text.splitlines()).blocks()


@pytest.mark.parametrize(
    ("text", "kind", "parts"),
    [
        ("**JNIM attacked.** It struck 16 times.[@a]", "lead", ("JNIM attacked.", "It struck 16 times.")),
        ("**JNIM is attacking\ncentral Mali.** More.", "lead", ("JNIM is attacking central Mali.", "More.")),
        ("**A `code` [link](https://x.org) *em* __in__.**[@a]", "lead", ("A code link em in.", "")),
        ("**Only bold.**", "lead", ("Only bold.", "")),
        ("**[@a]** then **bold.** rest", "lead", ("", "then bold. rest")),
        ("**Lead {{ n }} times.** Rest.", "lead", ("Lead {{ n }} times.", "Rest.")),
        ("A paragraph with **bold** later.", "paragraph", ("", "")),
        ("***Bold italic.*** Rest.", "paragraph", ("", "")),
        ("- **Kidal:** rebels withdrew.", "bullets", ("", "")),
    ],
)  # fmt: skip
def test_lead_parts(text: str, kind: str, parts: tuple[str, str]) -> None:
    [block] = blocks(text)
    assert block.kind == kind
    assert block.lead_parts() == parts


def test_repeated_headings_get_numbered_ids() -> None:
    text = "## Mali\n\nA.\n\n" * 10_000 + "## Endnotes\n\nB.\n"  # 10,000 took 133 s before
    body = parse_body(text, Path("update.md"), 1, Problems(), text.splitlines())
    ids = [section.id for section in body.sections if section.title]
    assert ids[:3] == ["mali", "mali-2", "mali-3"]
    assert ids[-2] == "mali-10000"
    assert ids[-1] == "endnotes-2"  # the page's own endnotes id is never taken by a heading
    assert len(set(ids)) == len(ids)
