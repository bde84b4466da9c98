"""The W3C Nu HTML checker over every kind of page weekly writes: zero errors.

One archive (two series, so there is a series page) gives the edition, index, series,
region and 404 pages; a render gives the draft and the CMS fragment; the email composer gives
the email. The checker (``vnu.jar`` from npm ``vnu-jar``, run on Java) starts once and checks
every file in one call. A missing Java or jar is a failure that says how to fix it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.checkers import nu_messages
from support.site_inputs import FILES, PAGES

BASE = "https://example.org/weekly/"


def _fragment_page(fragment: Path) -> Path:
    """Wrap the CMS fragment in the smallest document a CMS page would give it."""
    wrapped = fragment.with_name("fragment-in-a-page.html")
    body = fragment.read_text(encoding="utf-8")
    wrapped.write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>A CMS page</title>\n</head>\n<body>\n{body}</body>\n</html>\n",
        encoding="utf-8",
    )
    return wrapped


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every page kind, written by the real commands."""
    from support import run_in_process, write_tree
    from weekly.mail.message import prepare, prepare_correction, render_bodies
    from weekly.mail.recipients import Recipient
    from weekly.mail.settings import mail_settings
    from weekly.pipeline import load_checked

    files = dict(FILES)
    files["inputs/series.yaml"] = "iran-update:\n  name: Iran Update\n"
    files["inputs/2023-11-29/update.md"] = str(files["inputs/2023-11-29/update.md"]).replace(
        "series: salafi-jihadi", "series: iran-update"
    )
    root = write_tree(tmp_path_factory.mktemp("nu"), files)
    done = run_in_process("archive", "--format", "html", "--base-url", BASE, cwd=root)
    assert done.returncode == 0, done.stderr
    done = run_in_process(
        "render",
        "--cutoff",
        "2023-12-13",
        "--format",
        "fragment",
        "--draft",
        "--output",
        "drafts",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    output, drafts = root / "output", root / "drafts" / "2023-12-13"
    update = load_checked(root / "inputs", "2023-12-13")
    edition = prepare(update, mail_settings(update), b"%PDF-1.7")
    _, mail = render_bodies(edition, Recipient("reader@example.org", "A Reader", 2))
    (root / "mail.html").write_text(mail, encoding="utf-8")
    update_md = root / "inputs" / "2023-12-13" / "update.md"
    update_md.write_text(
        update_md.read_text("utf-8").replace(
            "\n---\n",
            "\ncorrections:\n  - date: 2026-01-02\n    text: An earlier version misdated it.\n---\n",
            1,
        ),
        "utf-8",
    )
    corrected = load_checked(root / "inputs", "2023-12-13")
    edition = prepare_correction(corrected, mail_settings(corrected), b"%PDF-1.7")
    _, mail = render_bodies(edition, Recipient("reader@example.org", "A Reader", 2))
    (root / "mail-correction.html").write_text(mail, encoding="utf-8")
    # the page the preview shows when no build of the edition succeeded yet
    from weekly.render.draft import DraftAids, ProblemView, error_page

    errors = [ProblemView("error", "E101", "update.md:14", "unknown source 'x'", "")]
    aids = DraftAids(edition="2023-12-13", cutoff="", errors=errors, live=True)
    (root / "errors.html").write_text(error_page(aids), encoding="utf-8")
    return {
        "edition": output / PAGES["2023-12-13"],
        "edition (first of its series)": output / PAGES["2023-12-06"],
        "draft": next((root / "inputs/.weekly/drafts/2023-12-13").glob("*.draft.html")),
        "fragment": _fragment_page(next(drafts.glob("*.fragment.html"))),
        "index": output / "index.html",
        "series": output / "series/iran-update.html",
        "region": output / "regions/mali.html",
        "country": output / "countries/somalia.html",
        "preview error page": root / "errors.html",
        "404": output / "404.html",
        "email": root / "mail.html",
        "correction email": root / "mail-correction.html",
    }


BAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>x</title>'
    "<style>h1 { string-set: title content(); }</style></head><body><h1>x</h1></body></html>\n"
)  # print-only CSS in a style element: an error the checker must report


@pytest.fixture(scope="module")
def messages(pages: dict[str, Path]) -> dict[str, list[dict[str, object]]]:
    """The checker's messages for every page kind and for a known-bad page, by file URL: one
    start of Java for all of them."""
    bad = pages["email"].parent / "known-bad.html"
    bad.write_text(BAD, encoding="utf-8")
    found: dict[str, list[dict[str, object]]] = {}
    for message in nu_messages([*pages.values(), bad]):
        found.setdefault(str(message.get("url")), []).append(message)
    return found


def test_every_page_kind_passes_the_nu_checker(
    pages: dict[str, Path], messages: dict[str, list[dict[str, object]]]
) -> None:
    for kind, path in pages.items():
        assert path.is_file(), f"{kind}: {path} was not written"
    errors = [
        f"{kind}:{m.get('lastLine')}: {m.get('message')}"
        for kind, path in pages.items()
        for m in messages.get(f"file:{path}", [])
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)


def test_the_checker_does_report_an_error(
    pages: dict[str, Path], messages: dict[str, list[dict[str, object]]]
) -> None:
    """The check can fail: the known-bad page checked in the same run gets its error."""
    bad = pages["email"].parent / "known-bad.html"
    assert any(m.get("type") == "error" for m in messages.get(f"file:{bad}", [])), messages
