"""axe-core in headless Chromium: zero WCAG 2.1 A/AA and best-practice violations on the
final page, the draft page with its reviewer panel, the archive index and the email HTML.

axe-core comes from ``node_modules`` (``npm ci`` at the repository root, run by
``scripts/setup.sh``); Chromium from Debian. A missing one is a failure, never a skip.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from support import ROOT
from support.checkers import axe, described

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Render the example editions once: final and draft pages, archive index, email HTML."""
    from weekly.mail.message import prepare, render_bodies
    from weekly.mail.recipients import Recipient
    from weekly.mail.settings import mail_settings
    from weekly.pipeline import load_checked, render
    from weekly.render.draft import DraftAids, ProblemView, aids_for, draft_html, error_page
    from weekly.site.archive import build_archive

    project = tmp_path_factory.mktemp("axe")
    shutil.copytree(ROOT / "inputs", project / "inputs")
    inputs, output = project / "inputs", project / "output"
    build_archive(inputs, output, ("html",))
    render(inputs, output, "2023-12-13", ("html",), draft=True)
    folder = output / "2023-12-13"
    drafts = inputs / ".weekly" / "drafts" / "2023-12-13"  # where render --draft wrote it
    update = load_checked(inputs, "2023-12-13")
    # A draft as an editor sees it mid-review: findings listed (linked and not), live
    # status, a PDF link; then the same with the overlay of errors that stopped a rebuild,
    # and the page preview shows when no build succeeded at all.
    where = "inputs/2023-12-13/update.md"
    findings = [
        ProblemView("warning", "W101", f"{where}:20", "evidence bullet has no citation", "#L20"),
        ProblemView("warning", "W301", "inputs/sources.yaml:3", "source 'x' is never cited"),
    ]
    errors = [ProblemView("error", "E101", f"{where}:14", "unknown source 'acled-dash'", "")]
    review = dataclasses.replace(
        aids_for(update, live=True, pdf_href=f"{SLUG}.pdf"), problems=findings
    )
    (drafts / "review.draft.html").write_text(draft_html(update, review), encoding="utf-8")
    from weekly.check.carried import CarriedOver

    carried = dataclasses.replace(
        review, carried=CarriedOver("2023-11-08", [1], [update.body.blocks()[0].line])
    )
    (drafts / "carried.draft.html").write_text(draft_html(update, carried), encoding="utf-8")
    broken = dataclasses.replace(review, errors=errors)
    (drafts / "broken.draft.html").write_text(draft_html(update, broken), encoding="utf-8")
    nothing = DraftAids(edition="2023-12-13", cutoff=review.cutoff, errors=errors, live=True)
    (folder / "errors.html").write_text(error_page(nothing), encoding="utf-8")
    edition = prepare(update, mail_settings(update), b"%PDF-1.7")
    _, mail = render_bodies(edition, Recipient("reader@example.org", "A Reader", 2))
    (folder / "mail.html").write_text(mail, encoding="utf-8")
    from weekly.authoring.new import start_edition  # next week's, placeholders and all

    start_edition(inputs, "2023-12-20")
    unfinished = render(inputs, output, "2023-12-20", ("html",), draft=True)
    assert unfinished.written[0].name.endswith(".draft.html")
    return {
        "unfinished draft (placeholders)": unfinished.written[0],
        "final": folder / f"{SLUG}.html",
        "draft": drafts / f"{SLUG}.draft.html",
        "draft in review": drafts / "review.draft.html",
        "draft with carried-over text": drafts / "carried.draft.html",
        "draft with errors": drafts / "broken.draft.html",
        "preview error page": folder / "errors.html",
        "final (archive, with navigation)": output
        / "2023-11-08"
        / next(p.name for p in (output / "2023-11-08").glob("*.html")),
        "index": output / "index.html",
        "email": folder / "mail.html",
        "judgments over time": output / "series/salafi-jihadi-judgments.html",
    }


@pytest.mark.parametrize(
    "name",
    [
        "final",
        "draft",
        "draft in review",
        "draft with carried-over text",
        "draft with errors",
        "unfinished draft (placeholders)",
        "preview error page",
        "final (archive, with navigation)",
        "index",
        "email",
        "judgments over time",
    ],
)
def test_page_has_no_axe_violations(name: str, pages, browser, axe_source) -> None:
    results = axe(browser, axe_source, pages[name])
    assert results["passes"], "axe ran no checks at all"
    assert results["violations"] == [], described(results["violations"])


def test_axe_finds_what_the_pages_avoid(tmp_path: Path, browser, axe_source) -> None:
    """The harness really runs axe: a page without main, lang or alt text fails."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>t</title></head><body>"
        '<h1>Title</h1><h3>Skipped a level</h3><img src="x.png">'
        '<p style="color:#aaa;background:#fff">faint</p></body></html>',
        encoding="utf-8",
    )
    ids = {v["id"] for v in axe(browser, axe_source, page)["violations"]}
    assert {"html-has-lang", "image-alt", "landmark-one-main", "color-contrast"} <= ids
