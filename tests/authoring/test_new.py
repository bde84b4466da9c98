"""``weekly new``: start next week's edition from the previous one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import ROOT, SOURCES, UPDATE

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16

OLDER = """\
---
series: africa-file
headline: Russia Expands in the Sahel
authors: [Liam Karr, Kathryn Tyson]
contributors: [Yale Ford]
cutoff: 2023-12-06 10:00
notices:
  - CTP will pause for the holidays.
key_takeaways:
  Mali: JNIM is attacking central Mali more often.
  Somalia: Al Shabaab is regaining ground.
section_authors:
  Mali: [Liam Karr]
  Somalia: [Kathryn Tyson]
figures:
  north-mali:
    title: Rebels Contest Northern Mali
    image: figures/north-mali.png
    source: Liam Karr.
  gone:
    title: A Map Since Deleted
    image: figures/gone.png
---

## Mali

**JNIM is attacking {{ "central" }} Mali more often #} than before.** It struck 16 times.

{{ figure("north-mali") }}

## Somalia

**Al Shabaab is regaining ground.** Reuters reported it.
"""

EXPECTED = """\
---
# Started from 2023-12-13 by `weekly new`. Replace every TODO; keep, edit or delete
# what each REVIEW line marks, then delete the REVIEW line.
series: salafi-jihadi
headline: 'TODO: headline'
authors: [Liam Karr]
cutoff: 2023-12-20 10:00
notices:
  # REVIEW: carried over from 2023-12-13
  - CTP has paused the Afghanistan and Pakistan sections for the holidays.
key_takeaway: 'TODO: key takeaway'
---

{# Last week (2023-12-13): revisit each judgment below. Still true? Changed? #}
{# Key takeaway: Al Qaeda–linked militants are attacking central Mali more often. #}

{# Lead: JNIM is attacking central Mali more often. #}
{# Lead: Security forces will likely fail to protect civilians. #}
"""


def _pair(tree) -> Path:
    return tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-06/update.md": OLDER,
            "inputs/2023-12-06/figures/north-mali.png": PNG,
            "inputs/2023-12-13/update.md": UPDATE,
        }
    )


@pytest.mark.e2e
def test_new_starts_from_the_latest_earlier_edition(tree, weekly) -> None:
    root = _pair(tree)
    result = weekly("new", "--cutoff", "2023-12-20", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "created inputs/2023-12-20/update.md from inputs/2023-12-13/update.md\n"
    )
    created = root / "inputs/2023-12-20/update.md"
    assert created.read_text(encoding="utf-8") == EXPECTED
    refused = weekly("render", "--cutoff", "2023-12-20", "--format", "html", cwd=root)
    assert refused.returncode == 2
    assert (
        "inputs/2023-12-20/update.md:5: error: headline is still a placeholder: "
        "'TODO: headline' [E051]"
    ) in refused.stderr.splitlines()
    assert not (root / "output/2023-12-20").exists()
    rendered = weekly("render", "--cutoff", "2023-12-20", "--format", "html", "--draft", cwd=root)
    assert rendered.returncode == 0, rendered.stderr
    assert not (root / "output/2023-12-20").exists()  # nothing unfinished is published
    (page,) = (root / "inputs/.weekly/drafts/2023-12-20").glob("*.html")  # the draft alone
    assert page.name.endswith(".draft.html")
    html = page.read_text(encoding="utf-8")
    assert "TODO: headline" in html
    assert "Data Cutoff: December 20, 2023, at 10 a.m." in html
    assert "Last week" not in html  # the Jinja comments are gone


def test_new_refuses_to_overwrite(tree, weekly) -> None:
    root = _pair(tree)
    before = (root / "inputs/2023-12-13/update.md").read_bytes()
    result = weekly("new", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2
    assert result.stderr == (
        "inputs/2023-12-13/update.md: error: edition already exists; not overwritten "
        "(edit it, or delete it first)\n"
        "weekly: 1 error; nothing written\n"
    )
    assert (root / "inputs/2023-12-13/update.md").read_bytes() == before


def test_new_from_an_older_edition_carries_regions_authors_and_figures(tree, weekly) -> None:
    root = _pair(tree)
    result = weekly("new", "--cutoff", "2023-12-20", "--from", "2023-12-06", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "created inputs/2023-12-20/update.md from inputs/2023-12-06/update.md\n"
        "copied inputs/2023-12-20/figures/north-mali.png\n"
    )
    assert result.stderr == "left out figure gone: image figures/gone.png not found\n"
    text = (root / "inputs/2023-12-20/update.md").read_text(encoding="utf-8")
    assert "series: africa-file\n" in text
    assert "contributors: [Yale Ford]\n" in text
    assert (
        "key_takeaways:\n"
        "  Mali: 'TODO: key takeaway for Mali'\n"
        "  Somalia: 'TODO: key takeaway for Somalia'\n"
    ) in text
    assert (
        "section_authors:\n"
        "  # REVIEW: carried over from 2023-12-06\n"
        "  Mali: [Liam Karr]\n"
        "  # REVIEW: carried over from 2023-12-06\n"
        "  Somalia: [Kathryn Tyson]\n"
    ) in text
    assert (
        "figures:\n"
        "  # REVIEW: carried over from 2023-12-06; image copied, replace it if the map changed\n"
        "  north-mali:\n"
        "    title: Rebels Contest Northern Mali\n"
        "    image: figures/north-mali.png\n"
        "    source: Liam Karr.\n"
        "---\n"
    ) in text
    assert "gone" not in text
    assert text.endswith(
        "\n## Mali\n\n"
        '{# Lead: JNIM is attacking {{ "central" }} Mali more often # } than before. #}\n'
        "\n## Somalia\n\n"
        "{# Lead: Al Shabaab is regaining ground. #}\n"
    )
    assert (root / "inputs/2023-12-20/figures/north-mali.png").read_bytes() == PNG
    rendered = weekly("render", "--cutoff", "2023-12-20", "--format", "html", "--draft", cwd=root)
    assert rendered.returncode == 0, rendered.stderr
    drafts = root / "inputs/.weekly/drafts/2023-12-20"  # placeholders left: a draft alone
    html = next(drafts.glob("*.draft.html")).read_text(encoding="utf-8")
    assert '<p class="section-byline">Author: Liam Karr</p>' in html


def test_new_with_series_picks_that_series(tree, weekly) -> None:
    root = _pair(tree)
    result = weekly("new", "--cutoff", "2023-12-20", "--series", "africa-file", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "from inputs/2023-12-06/update.md" in result.stdout


def test_new_without_an_earlier_edition(tree, weekly) -> None:
    root = _pair(tree)
    result = weekly("new", "--cutoff", "2023-12-01", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "inputs: error: no edition before 2023-12-01 to start from; give --from DATE"
    )
    assert not (root / "inputs/2023-12-01").exists()


def test_new_rejects_a_bad_date_and_a_missing_base(tree, weekly) -> None:
    root = _pair(tree)
    result = weekly("new", "--cutoff", "next week", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "weekly: --cutoff must be a date like 2023-12-20, got 'next week'"
    )
    result = weekly("new", "--cutoff", "2023-12-20", "--from", "2023-11-01", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "inputs/2023-11-01/update.md: error: no edition for --from 2023-11-01"
    )


def test_new_on_the_example_editions(tmp_path: Path, weekly) -> None:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    result = weekly("new", "--cutoff", "2023-12-20", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "created inputs/2023-12-20/update.md from inputs/2023-12-13/update.md\n"
    )
    text = (tmp_path / "inputs/2023-12-20/update.md").read_text(encoding="utf-8")
    assert text.count("  # REVIEW: carried over from 2023-12-13\n  - ") == 2
    assert "  - CTP has temporarily suspended the Afghanistan, Iraq and Syria," in text
    assert "cutoff: 2023-12-20 10:00\n" in text
    leads = [line for line in text.splitlines() if line.startswith("{# Lead: ")]
    assert leads[0].startswith("{# Lead: Jama’at Nusrat al Islam wa al Muslimeen (JNIM)")
    assert leads[1] == (
        "{# Lead: Security forces will likely fail to shield civilians from JNIM’s attacks "
        "because Malian forces cannot contest the group effectively in central Mali. #}"
    )
    assert "  jnim-central:\n" in text and "    chart: weekly\n" in text  # charts carry over
    rendered = weekly(
        "render", "--cutoff", "2023-12-20", "--draft", "--format", "html", cwd=tmp_path
    )
    assert rendered.returncode == 0, rendered.stderr
    from_older = weekly("new", "--cutoff", "2023-11-15", cwd=tmp_path)
    assert from_older.returncode == 0, from_older.stderr
    assert "from inputs/2023-11-08/update.md" in from_older.stdout
    copied = tmp_path / "inputs/2023-11-15/figures/north-mali.png"
    assert copied.read_bytes() == (ROOT / "inputs/2023-11-08/figures/north-mali.png").read_bytes()


def test_new_lists_only_the_leads_of_assessment_blocks(tree, weekly) -> None:
    """A bold-led bullet or quote is evidence, not a lead; a wrapped lead is one line."""
    body = (
        "\n## Mali\n\n"
        "**JNIM is attacking\ncentral Mali more often.** It struck 16 times.[@sigact]\n\n"
        "- **Kidal:** rebels withdrew.[@sigact]\n\n"
        "> **Quoted:** a statement.\n"
    )
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE.split("\n---\n")[0] + "\n---\n" + body,
        }
    )
    result = weekly("new", "--cutoff", "2023-12-20", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "inputs/2023-12-20/update.md").read_text(encoding="utf-8")
    assert text.endswith("\n## Mali\n\n{# Lead: JNIM is attacking central Mali more often. #}\n")
