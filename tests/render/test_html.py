"""The HTML page: structure of the update, notes linked both ways, multi-region editions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from support import ROOT, SOURCES, run_in_process, write_tree


def render_html(project: Path, cutoff: str, folder: str = "") -> str:
    result = run_in_process("render", "--cutoff", cutoff, "--format", "html", cwd=project)
    assert result.returncode == 0, result.stderr
    (page,) = (project / "output" / (folder or cutoff)).glob("*.html")
    return page.read_text(encoding="utf-8")


def test_example_edition_structure(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    html = render_html(tmp_path, "2023-11-08")
    assert (
        "<h1>Salafi-Jihadi Movement Weekly Update, November 8, 2023: Malian and Wagner Forces"
        in html
    )
    assert '<p class="byline">Author: Liam Karr</p>' in html
    assert '<p class="cutoff">Data Cutoff: November 8, 2023, at 10 a.m.</p>' in html
    assert html.count('<p class="lead">') == 5
    assert html.count('<ul class="evidence">') >= 5
    assert '<strong class="label">Key Takeaway:</strong>' in html
    assert (
        len(re.findall(r'<section class="notices".*?</section>', html, re.S)[0].split("<p>")) == 3
    )
    refs = re.findall(r'<a class="ref" id="ref-(\d+)" href="#note-(\d+)"', html)
    notes = re.findall(
        r'<p class="note" id="note-(\d+)"><a class="backref" href="#ref-(\d+)"', html
    )
    assert [int(a) for a, b in refs] == list(range(1, 52)) and all(a == b for a, b in refs)
    assert [int(a) for a, b in notes] == list(range(1, 52)) and all(a == b for a, b in notes)
    assert '<figcaption class="figure-title">Figure 1. ' in html
    assert '<img src="figures/north-mali.png"' in html
    assert (tmp_path / "output/2023-11-08/figures/north-mali.png").read_bytes() == (
        ROOT / "inputs/2023-11-08/figures/north-mali.png"
    ).read_bytes()
    assert "<script" not in html


MULTI = """\
---
headline: JNIM Expands in Mali as al Shabaab Holds Ground in Somalia
authors: [Liam Karr, Kathryn Tyson, Yale Ford]
contributors: [Jane Analyst]
cutoff: 2023-12-13 15:30
key_takeaways:
  Mali: Al Qaeda–linked militants are attacking central Mali more often.
  Somalia: Al Shabaab is holding its ground.
---

## Mali

**JNIM is attacking central Mali more often.** At least 16 attacks.[@sigact]

## Somalia

**Al Shabaab is holding its ground.** Sources say so.[@sigact; @acled-dashboard]
"""


def test_multi_region_edition(tmp_path: Path) -> None:
    write_tree(tmp_path, {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": MULTI})
    html = render_html(tmp_path, "latest", "2023-12-13")
    assert '<p class="byline">Authors: Liam Karr, Kathryn Tyson, and Yale Ford</p>' in html
    assert '<p class="contributors">Contributor: Jane Analyst</p>' in html
    assert "Data Cutoff: December 13, 2023, at 3:30 p.m." in html
    assert '<p class="label"><strong>Key Takeaways:</strong></p>' in html
    assert '<p class="region-takeaway"><strong>Mali.</strong> Al Qaeda–linked militants' in html
    assert '<p class="region-takeaway"><strong>Somalia.</strong> Al Shabaab' in html
    assert '<section class="region" id="mali">\n<h2 id="mali-heading">Mali</h2>' in html
    assert '<section class="region" id="somalia">\n<h2 id="somalia-heading">Somalia</h2>' in html
    assert "[2]</a> Author’s database of SIGACTs. Available by request; <a href" in html
