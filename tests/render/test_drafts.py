"""A draft page is private: ``render --draft`` writes it into the state folder, not ``output/``.

A draft can show placeholders (the "Unfinished" banner) and the team's open review comments,
while everything under ``output/`` is what a web server publishes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import ROOT, write_tree

DAY = "2023-12-13"
SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"
#: Words of the team's review that only a draft may show.
COMMENT = "Checked against the field notes from Ansongo"
REPLY = "Kept as written after the call"
REVIEW_YAML = f"""\
comments:
  - id: c1
    author: Ruth Reviewer
    time: 2023-12-13T09:00:00Z
    kind: paragraph
    line: 52
    quote: A sentence that is no longer in the draft.
    text: {COMMENT}
    status: open
    replies:
      - author: Omar Analyst
        time: 2023-12-13T09:05:00Z
        text: {REPLY}
"""
PRIVATE = (COMMENT, REPLY, "Ruth Reviewer", "Omar Analyst", "TODO:", "Unfinished")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example editions (charts and all), with one open review comment on 2023-12-13."""
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    write_tree(tmp_path, {f"inputs/{DAY}/review.yaml": REVIEW_YAML})
    return tmp_path


def published_text(output: Path) -> str:
    """Return every file under ``output`` as one text (bytes read leniently)."""
    if not output.exists():
        return ""
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(output.rglob("*")) if p.is_file()
    )


def test_a_draft_goes_to_the_state_folder_with_its_figures(example: Path, weekly) -> None:
    result = weekly("render", "--cutoff", DAY, "--draft", "--format", "html", cwd=example)
    assert result.returncode == 0, result.stderr
    drafts = Path("inputs/.weekly/drafts") / DAY
    assert result.stdout.splitlines() == [
        f"wrote output/{DAY}/{SLUG}.html",
        f"wrote {drafts / f'{SLUG}.draft.html'}",
    ]
    draft = (example / drafts / f"{SLUG}.draft.html").read_text(encoding="utf-8")
    assert COMMENT in draft and REPLY in draft
    figures = sorted(p.name for p in (example / drafts / "figures").iterdir())
    assert figures == ["jnim-central-map.svg", "jnim-central.svg"]
    for name in figures:
        assert f'src="figures/{name}"' in draft
    assert (example / "inputs/.weekly/.gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert not list((example / "output").rglob("*.draft.html"))
    published = published_text(example / "output")
    for secret in PRIVATE:
        assert secret not in published, secret


def test_the_state_option_says_where_the_draft_goes(example: Path, weekly) -> None:
    result = weekly(
        "render", "--cutoff", DAY, "--draft", "--format", "html", "--state", "private",
        cwd=example,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (example / "private/drafts" / DAY / f"{SLUG}.draft.html").is_file()
    assert not (example / "inputs/.weekly").exists()


def test_an_unfinished_draft_publishes_nothing(example: Path, weekly) -> None:
    started = weekly("new", "--cutoff", "2023-12-20", cwd=example)
    assert started.returncode == 0, started.stderr
    result = weekly("render", "--cutoff", "2023-12-20", "--draft", cwd=example)
    assert result.returncode == 0, result.stderr
    assert not (example / "output").exists()
    (page,) = (example / "inputs/.weekly/drafts/2023-12-20").glob("*.draft.html")
    html = page.read_text(encoding="utf-8")
    assert "TODO: headline" in html and "draft-unfinished" in html


def test_a_draft_an_older_version_left_is_a_stray(example: Path, weekly) -> None:
    built = weekly("archive", "--format", "html", cwd=example)
    assert built.returncode == 0, built.stderr
    old = example / "output" / DAY / f"{SLUG}.draft.html"
    old.write_text(f"<p>{COMMENT}</p>", encoding="utf-8")
    advice = (
        "a draft page left by an older version (placeholders, review comments), and "
        "everything under the output folder is published: delete it (render --draft now "
        "writes drafts into the state folder)"
    )
    where = f"output/{DAY}/{SLUG}.draft.html"
    checked = weekly("check", "--cutoff", DAY, cwd=example)
    assert f"{where}: warning: {advice} [W050]" in checked.stdout.splitlines()
    refused = weekly("archive", "--format", "html", cwd=example)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"{where}: error: {advice} [E050]",
        "weekly: 1 error; nothing written",
    ]
    old.unlink()
    again = weekly("archive", "--format", "html", cwd=example)
    assert again.returncode == 0, again.stderr


@pytest.mark.browser
def test_the_draft_opens_from_disk_with_every_figure(example: Path, weekly, page) -> None:
    result = weekly("render", "--cutoff", DAY, "--draft", "--format", "html", cwd=example)
    assert result.returncode == 0, result.stderr
    draft = example / "inputs/.weekly/drafts" / DAY / f"{SLUG}.draft.html"
    page.goto(draft.as_uri())
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.getAttribute('src'), e.complete && e.naturalWidth > 0])"
    )
    assert images == [
        ["figures/jnim-central.svg", True],
        ["figures/jnim-central-map.svg", True],
    ]
    from playwright.sync_api import expect

    expect(page.locator(".draft-banner")).to_have_count(1)
    expect(page.locator("#weekly-comments")).to_contain_text(COMMENT)  # read-only, listed
