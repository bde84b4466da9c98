"""Each built-in series renders its own form; a user's series and templates are used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import SOURCES

AFRICA = """\
---
series: africa-file
headline: Russia Expands in the Sahel
authors: [Liam Karr, Kathryn Tyson]
cutoff: 2024-03-07 10:00
key_takeaways:
  Mali: JNIM is attacking central Mali more often.[@sigact]
  Somalia: Al Shabaab is regaining ground.
section_authors:
  Mali: [Liam Karr]
  Somalia: [Kathryn Tyson, Liam Karr]
---

## Mali

**JNIM is attacking central Mali more often.** The group struck at least 16 times.[@sigact]

## Somalia

**Al Shabaab is regaining ground.** Reuters reported the army's move.[@reuters-kidal]
"""

IRAN = """\
---
series: iran-update
authors: [Andie Parry, Ashka Jhaveri, Frederick W. Kagan]
cutoff: 2024-01-05 14:00
key_takeaways:
  - Iranian-backed militias struck US forces twice.[@sigact]
  - The Houthis attacked shipping in the Red Sea.
---

**Iranian-backed militias continued attacks.** They struck twice.[@acled-dashboard] Again.[@sigact]

- A drone struck a base.[@reuters-kidal]
"""


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _render(root: Path, weekly, cutoff: str) -> str:
    result = weekly("render", "--cutoff", cutoff, "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    (page,) = (root / "output" / cutoff).glob("*.html")
    return page.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_africa_file_layout(tree, weekly) -> None:
    root = tree({"inputs/sources.yaml": SOURCES, "inputs/2024-03-07/update.md": AFRICA})
    html = _render(root, weekly, "2024-03-07")
    text = _text(html)
    assert "<title>Africa File, March 7, 2024: Russia Expands in the Sahel</title>" in html
    assert "Key Takeaways: Mali. JNIM is attacking central Mali more often.[1]" in text
    assert "Assessments: Mali Author: Liam Karr JNIM is attacking" in text
    assert "Somalia Authors: Kathryn Tyson and Liam Karr Al Shabaab" in text
    assert "Authors: Liam Karr and Kathryn Tyson" in text
    assert "Data Cutoff: March 7, 2024, at 10 a.m." in text
    assert (root / "output/2024-03-07/africa-file-march-7-2024.html").is_file()


def test_iran_update_layout(tree, weekly) -> None:
    # January 2024: bullets, "2:00pm ET", arabic endnotes, the authors without a label.
    root = tree({"inputs/sources.yaml": SOURCES, "inputs/2024-01-05/update.md": IRAN})
    html = _render(root, weekly, "2024-01-05")
    text = _text(html)
    assert "<title>Iran Update, January 5, 2024</title>" in html
    assert "Information Cutoff: 2:00pm ET" in text
    assert '<ul class="takeaways">' in html
    assert "Key Takeaways: Iranian-backed militias struck US forces twice.[1]" in text
    assert "They struck twice.[2] Again.[3]" in text
    assert '<p class="byline">Andie Parry, Ashka Jhaveri, and Frederick W. Kagan</p>' in html


def test_iran_update_roman_notes_from_february_2024(tree, weekly) -> None:
    update = IRAN.replace("2024-01-05 14:00", "2024-02-05 14:00")
    root = tree({"inputs/sources.yaml": SOURCES, "inputs/2024-02-05/update.md": update})
    html = _render(root, weekly, "2024-02-05")
    text = _text(html)
    assert "Key Takeaways: Iranian-backed militias struck US forces twice.[i]" in text
    assert "They struck twice.[ii] Again.[iii]" in text
    assert '<a class="backref" href="#ref-4" role="doc-backlink">[iv]</a>' in html


def test_salafi_jihadi_layout_unchanged(edition: Path, weekly) -> None:
    html = _render(edition, weekly, "2023-12-13")
    text = _text(html)
    assert "Data Cutoff: December 13, 2023, at 10 a.m." in text
    assert "Key Takeaway: Al Qaeda–linked militants" in text
    assert "Assessments:" not in text
    assert '<p class="byline">Author: Liam Karr</p>' in html
    assert "[1]" in text and "[i]" not in text


def test_user_series_from_inputs(tree, weekly) -> None:
    update = AFRICA.replace("series: africa-file", "series: gulf-brief").replace(
        "section_authors:\n  Mali: [Liam Karr]\n  Somalia: [Kathryn Tyson, Liam Karr]\n", ""
    )
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": (
                "gulf-brief:\n"
                "  name: Gulf Brief\n"
                "  cutoff_label: Information Cutoff\n"
                "  cutoff_style: clock\n"
                "  zone_label: GST\n"
                "  timezone: Asia/Dubai\n"
                "  note_style: roman\n"
                "  takeaway_style: numbered\n"
            ),
            "inputs/2024-03-07/update.md": update,
        }
    )
    html = _render(root, weekly, "2024-03-07")
    text = _text(html)
    assert "<title>Gulf Brief, March 7, 2024: Russia Expands in the Sahel</title>" in html
    assert "Information Cutoff: 10:00 a.m. GST" in text
    assert "[i]" in text
    assert (root / "output/2024-03-07/gulf-brief-march-7-2024.html").is_file()


def test_project_templates_override_series_templates(tree, weekly) -> None:
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2024-01-05/update.md": IRAN,
            "reports/templates/iran-update/_header.html": (
                "<header><h1>{{ page.title }}</h1><p>Our own masthead</p></header>\n"
            ),
        }
    )
    html = _render(root, weekly, "2024-01-05")
    assert "<p>Our own masthead</p>" in html
    assert '<p class="byline">' not in html
    assert '<ul class="takeaways">' in html


def test_bad_series_field_is_reported(tree, weekly) -> None:
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "gulf-brief:\n  name: Gulf Brief\n  cutoff_style: hour\n",
            "inputs/2024-01-05/update.md": IRAN,
        }
    )
    result = weekly("render", "--cutoff", "2024-01-05", cwd=root)
    assert result.returncode == 2
    assert (
        "inputs/series.yaml:3: error: series 'gulf-brief': cutoff_style must be date or clock [E002]"
        in result.stderr
    )


def test_section_authors_must_name_a_section(tree, weekly) -> None:
    update = AFRICA.replace("  Somalia: [Kathryn Tyson, Liam Karr]", "  Niger: [Kathryn Tyson]")
    root = tree({"inputs/sources.yaml": SOURCES, "inputs/2024-03-07/update.md": update})
    result = weekly("render", "--cutoff", "2024-03-07", cwd=root)
    assert result.returncode == 2
    assert (
        "inputs/2024-03-07/update.md:11: error: section_authors: no section '## Niger' in the body [E002]"
        in result.stderr
    )
