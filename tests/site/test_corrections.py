"""Corrections: the dated notices, the versions the archive keeps, the feed, the check, the mail."""

from __future__ import annotations

import datetime as dt
import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from support import SOURCES, UPDATE, run_in_process, write_tree
from support.checkers import axe, described
from support.mail import SUBJECT, mail_project, start_weekly
from support.pdfstructure import structure
from support.publish import Killed, killed

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"
Run = Callable[..., Any]
FIRST = "An earlier version said JNIM struck 16 times; it struck 17 times.[@sigact]"
SECOND = "An earlier version misnamed the bases security forces left."


def with_corrections(*entries: tuple[str, str], update: str = UPDATE) -> str:
    """Return ``update`` with a ``corrections:`` list of (date, text) after ``published``."""
    listed = "".join(f"  - date: {day}\n    text: {json.dumps(text)}\n" for day, text in entries)
    return update.replace(
        "published: 2023-12-15\n", f"published: 2023-12-15\ncorrections:\n{listed}"
    )


def write_update(project: Path, text: str) -> None:
    (project / "inputs" / "2023-12-13" / "update.md").write_text(text, encoding="utf-8")


def archive(project: Path, weekly: Run, *extra: str) -> Any:
    result = weekly("archive", "--jobs", "1", *extra, cwd=project)
    assert result.returncode == 0, result.stderr
    return result


def folder(project: Path) -> Path:
    return project / "output" / "2023-12-13"


# --- the front matter ---------------------------------------------------------------------


def test_each_bad_correction_is_an_error_at_its_line(edition: Path, weekly: Run) -> None:
    write_update(
        edition,
        UPDATE.replace(
            "published: 2023-12-15\n",
            "published: 2023-12-15\ncorrections:\n"
            "  - date: 2023-12-14\n    text: Before it was published.\n"  # line 8
            "  - date: 2023-12-21\n    text: After today.\n"  # line 10
            "  - date: 16 December\n    text: Not a date.\n"  # line 12
            "  - {date: 2023-12-16}\n"  # line 14
            "  - {date: 2023-12-16, text: Fine., by: Editor}\n"  # line 15
            "  - Just a sentence.\n",  # line 16
        ),
    )
    result = weekly(
        "check", "--cutoff", "2023-12-13", cwd=edition, env={"WEEKLY_TODAY": "2023-12-20"}
    )
    where = "inputs/2023-12-13/update.md"
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f"{where}:8: error: correction dated 2023-12-14, before the edition was published "
        "(2023-12-15) [E081]",
        f"{where}:10: error: correction dated 2023-12-21, after today (2023-12-20) [E082]",
        f"{where}:12: error: correction: date must be a date like 2023-12-16, got '16 December' "
        "[E080]",
        f"{where}:14: error: correction: text must say what was wrong and what is right [E080]",
        f"{where}:15: error: correction: unknown field 'by' (a correction has date: and text:) "
        "[E080]",
        f"{where}:16: error: a correction must be a mapping with date: and text: [E080]",
        "6 errors, 0 warnings",
    ]
    assert "Traceback" not in result.stderr


def test_a_correction_dated_today_is_accepted_and_tomorrow_is_not(edition: Path) -> None:
    from weekly.errors import Problems
    from weekly.inputs.frontmatter import read_corrections
    from weekly.inputs.yamlfile import load_yaml

    doc = load_yaml("corrections:\n  - {date: 2023-12-20, text: Fixed.}\n", Path("u.md"), 2)
    published = dt.date(2023, 12, 15)
    problems = Problems()
    (found,) = read_corrections(doc, published, dt.date(2023, 12, 20), problems)
    assert (found.date, found.text, found.line) == (dt.date(2023, 12, 20), "Fixed.", 3)
    assert list(problems) == []
    read_corrections(doc, published, dt.date(2023, 12, 19), problems)
    assert [(p.code, p.line) for p in problems] == [("E082", 3)]


def test_without_published_the_edition_date_is_the_publication(edition: Path, weekly: Run) -> None:
    text = with_corrections(("2023-12-12", "Too early.")).replace("published: 2023-12-15\n", "")
    write_update(edition, text)
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 2
    assert (
        "update.md:7: error: correction dated 2023-12-12, before the edition was published "
        "(2023-12-13)" in result.stdout
    )


def test_a_bad_today_is_one_line_and_no_traceback(edition: Path, weekly: Run) -> None:
    write_update(edition, with_corrections(("2023-12-16", FIRST)))
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition, env={"WEEKLY_TODAY": "soon"})
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "weekly: WEEKLY_TODAY must be a date like 2023-12-16, got 'soon'",
        "1 error, 0 warnings",
    ]
    assert "Traceback" not in result.stderr


# --- the notice in HTML and PDF -----------------------------------------------------------


def test_the_notices_print_under_the_masthead_newest_first(edition: Path, weekly: Run) -> None:
    assert (
        weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition).returncode == 0
    )
    before = (folder(edition) / f"{SLUG}.html").read_text(encoding="utf-8")
    write_update(edition, with_corrections(("2023-12-16", FIRST), ("2023-12-18", SECOND)))
    assert (
        weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition).returncode == 0
    )
    html = (folder(edition) / f"{SLUG}.html").read_text(encoding="utf-8")
    notices = html[html.index('<section class="corrections"') : html.index("</section>")]
    assert notices.splitlines()[1:] == [
        '<p class="correction"><strong>Correction (<time datetime="2023-12-18">December 18, '
        "2023</time>):</strong> An earlier version misnamed the bases security forces left.</p>",
        '<p class="correction"><strong>Correction (<time datetime="2023-12-16">December 16, '
        "2023</time>):</strong> An earlier version said JNIM struck 16 times; it struck 17 "
        'times.<a class="ref" id="ref-5" href="#note-5" role="doc-noteref">[5]</a></p>',
    ]
    assert html.index("</header>") < html.index('class="corrections"') < html.index("Key Takeaway")
    # The correction's citation comes after the body's: the notes readers cite keep their numbers.
    assert (before.count('<p class="note"'), html.count('<p class="note"')) == (4, 5)
    for number in range(1, 5):
        note = f'<p class="note" id="note-{number}">'
        assert (
            before[before.index(note) :].split("</p>")[0]
            == html[html.index(note) :].split("</p>")[0]
        )


def test_the_pdf_prints_the_notice_as_a_tagged_paragraph(edition: Path, weekly: Run) -> None:
    def render() -> Path:
        result = weekly("render", "--cutoff", "2023-12-13", "--format", "pdf", cwd=edition)
        assert result.returncode == 0, result.stderr
        return folder(edition) / f"{SLUG}.pdf"

    paragraphs = sum(e.role == "P" for e in structure(render()).walk())
    write_update(edition, with_corrections(("2023-12-16", FIRST)))
    pdf = render()
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert (
        "Correction (December 16, 2023): An earlier version said JNIM struck 16 times; it struck 17 times.[5]"
        in text
    )
    assert (
        text.index("Data Cutoff")
        < text.index("Correction (December 16")
        < text.index("Key Takeaway")
    )
    tree = structure(pdf)
    assert sum(e.role == "P" for e in tree.walk()) == paragraphs + 1
    assert sum(e.role == "Note" for e in tree.walk()) == 5


# --- the archive: versions kept, feed, index, sitemap ---------------------------------------


def test_a_new_correction_keeps_the_version_published_before(edition: Path, weekly: Run) -> None:
    archive(edition, weekly)
    page, pdf = folder(edition) / f"{SLUG}.html", folder(edition) / f"{SLUG}.pdf"
    first_html, first_pdf = page.read_bytes(), pdf.read_bytes()
    corrected = UPDATE.replace("at least 16 times", "at least 17 times")
    write_update(edition, with_corrections(("2023-12-16", FIRST), update=corrected))
    result = archive(edition, weekly)
    kept = folder(edition) / f"{SLUG}.before-2023-12-16.html"
    assert result.stdout.splitlines()[:3] == [
        "rendered 2023-12-13 (changed)",
        f"kept output/2023-12-13/{kept.name} (the version published before a correction)",
        f"kept output/2023-12-13/{SLUG}.before-2023-12-16.pdf (the version published before a "
        "correction)",
    ]
    assert kept.read_bytes() == first_html
    assert kept.with_suffix(".pdf").read_bytes() == first_pdf
    html = page.read_text(encoding="utf-8")
    assert f'<a class="earlier-version" href="{kept.name}">Earlier version</a></p>' in html
    assert "17 times" in html and "17 times" not in first_html.decode()
    manifest = json.loads((edition / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert f"{SLUG}.before-2023-12-16.pdf" in manifest["editions"]["2023-12-13"]["files"]

    assert archive(edition, weekly).stdout.splitlines()[0] == "skipped 2023-12-13 (unchanged)"

    second_html = page.read_bytes()
    again = corrected.replace("Security forces pulled back", "Security forces left two bases")
    write_update(
        edition, with_corrections(("2023-12-16", FIRST), ("2023-12-18", SECOND), update=again)
    )
    archive(edition, weekly)
    assert kept.read_bytes() == first_html  # never overwritten
    latest = folder(edition) / f"{SLUG}.before-2023-12-18.html"
    assert latest.read_bytes() == second_html
    html = page.read_text(encoding="utf-8")
    assert html.count("Earlier version</a>") == 2
    assert (
        f'December 18, 2023</time>):</strong> {SECOND} <a class="earlier-version" href="{latest.name}">'
        in html
    )
    assert sorted(p.name for p in folder(edition).iterdir() if ".before-" in p.name) == [
        f"{SLUG}.before-2023-12-16.html",
        f"{SLUG}.before-2023-12-16.pdf",
        f"{SLUG}.before-2023-12-18.html",
        f"{SLUG}.before-2023-12-18.pdf",
    ]


def test_feed_index_and_sitemap_follow_the_latest_correction(edition: Path, weekly: Run) -> None:
    base = ("--format", "html", "--base-url", "https://example.org/sjm")
    archive(edition, weekly, *base)
    output = edition / "output"
    page = f"https://example.org/sjm/2023-12-13/{SLUG}.html"
    # published: 2023-12-15 is when the edition went out: the feed's and the entry's date
    feed = (output / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<updated>2023-12-15T00:00:00-05:00</updated>") == 2
    assert "<published>2023-12-15T00:00:00-05:00</published>" in feed
    assert "Corrected" not in (output / "index.html").read_text(encoding="utf-8")
    assert (
        f"<loc>{page}</loc>\n    <lastmod>2023-12-15T00:00:00-05:00</lastmod>"
        in (output / "sitemap.xml").read_text()
    )

    write_update(edition, with_corrections(("2023-12-16", FIRST)))
    archive(edition, weekly, *base)
    feed = (output / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<updated>2023-12-16T00:00:00-05:00</updated>") == 2  # the feed and its entry
    assert "2023-12-13T10:00:00" not in feed
    assert "<published>2023-12-15T00:00:00-05:00</published>" in feed  # published stays put
    assert "<updated>2023-12-15" not in feed
    index = (output / "index.html").read_text(encoding="utf-8")
    assert (
        '<time datetime="2023-12-13">December 13, 2023</time> · '
        '<span class="corrected">Corrected December 16, 2023</span>' in index
    )
    assert (
        f"<loc>{page}</loc>\n    <lastmod>2023-12-16T00:00:00-05:00</lastmod>"
        in (output / "sitemap.xml").read_text()
    )


def test_a_silent_edit_is_a_warning_unless_accepted(edition: Path, weekly: Run) -> None:
    archive(edition, weekly, "--format", "html")
    write_update(edition, UPDATE.replace("at least 16 times", "at least 17 times"))
    result = archive(edition, weekly, "--format", "html")
    assert (
        "inputs/2023-12-13/update.md:1: warning: published edition changed without a new "
        "correction; add one under corrections:, or pass --accept-silent-edit for a typo-level fix"
    ) in result.stderr
    assert not list(folder(edition).glob("*.before-*"))
    write_update(edition, UPDATE.replace("at least 16 times", "at least 18 times"))
    accepted = archive(edition, weekly, "--format", "html", "--accept-silent-edit")
    assert "W080" not in accepted.stderr and "warning" not in accepted.stderr
    assert accepted.stdout.splitlines()[0] == "rendered 2023-12-13 (changed)"
    # A review comment is not an edit of the edition.
    (edition / "inputs" / "2023-12-13" / "review.yaml").write_text(
        "comments: []\n", encoding="utf-8"
    )
    assert "warning" not in archive(edition, weekly, "--format", "html").stderr


def test_a_manifest_with_a_forged_correction_date_is_not_trusted(
    edition: Path, weekly: Run
) -> None:
    from weekly.site.manifest import load_manifest

    archive(edition, weekly, "--format", "html")
    path = edition / "output" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert load_manifest(edition / "output")
    data["editions"]["2023-12-13"]["corrected"] = "</updated><script>"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_manifest(edition / "output") == {}


# --- check: what changed since the version published --------------------------------------


def test_check_lists_the_blocks_changed_since_publication(edition: Path, weekly: Run) -> None:
    where = "inputs/2023-12-13/update.md"
    assert weekly("check", "--cutoff", "2023-12-13", cwd=edition).stdout == "no problems found\n"
    archive(edition, weekly, "--format", "html")
    assert weekly("check", "--cutoff", "2023-12-13", cwd=edition).stdout == "no problems found\n"
    edited = UPDATE.replace("Security forces pulled back.", "Security forces left two bases.")
    edited = edited.replace(
        "- It claimed a bombing of a convoy.[@site-jnim-2023-11-24; @tamani-bandiagara]\n", ""
    )
    write_update(edition, with_corrections(("2023-12-16", SECOND), update=edited))
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f'{where}:18: warning: removed since the version published: "It claimed a bombing of a '
        'convoy." [W081]',
        f'{where}:18: warning: changed since the version published: "Security forces left two '
        'bases." (was: "Security forces pulled back.") [W081]',
        f'{where}:18: warning: removed since the version published: "SITE Intelligence Group, '
        '“JNIM Bombs FAMa and Wagner Vehicles in Mali, Attacks VDP Positions in…" [W081]',
        "0 errors, 3 warnings",
    ]
    assert all(
        "W081" in json.dumps(f)
        for f in json.loads(
            weekly("check", "--cutoff", "2023-12-13", "--format", "json", cwd=edition).stdout
        )
    )
    # Another output folder: nothing published there, nothing to compare.
    other = weekly("check", "--cutoff", "2023-12-13", "--output", "elsewhere", cwd=edition)
    assert other.stdout == "no problems found\n"


# --- the correction's mail ------------------------------------------------------------------


@pytest.fixture
def project(edition: Path) -> Path:
    """The small edition, its series' mail settings and a list of five recipients."""
    return mail_project(edition)


def mail_args(port: int, *extra: str) -> list[str]:
    return [
        "email", "--cutoff", "2023-12-13", "--to", "recipients.csv", "--send",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none",
        "--rate", "0", "--retry-delay", "0", "--timeout", "10", *extra,
    ]  # fmt: skip


def mail_folder(project: Path) -> Path:
    """Return where the edition's drafts and ledger are kept: the private state folder."""
    return project / "inputs" / ".weekly" / "mail" / "2023-12-13"


def ledger_records(project: Path) -> list[dict[str, Any]]:
    path = mail_folder(project) / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_correction_goes_once_to_those_who_received_the_edition(
    project: Path, weekly: Run, smtp
) -> None:
    handler, port = smtp
    sent = weekly(
        *mail_args(port, "--only", "jane@example.com", "--only", "bob@example.org"), cwd=project
    )
    assert sent.returncode == 0, sent.stderr
    edition_ids = {m["To"].addresses[0].addr_spec: m["Message-ID"] for m in handler.parsed()}
    handler.messages.clear()
    write_update(project, with_corrections(("2023-12-16", FIRST)))
    with (project / "recipients.csv").open("a", encoding="utf-8") as stream:
        stream.write("frank@example.com,Frank,\n")  # joined after the edition went out

    result = weekly(*mail_args(port, "--correction"), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "correction of 2023-12-16: 2 recipients on the list received the edition",
        f"sent 2 of 2 messages for 2023-12-13 ({SLUG}.pdf); 0 already delivered",
    ]
    assert handler.per_recipient == {"jane@example.com": 1, "bob@example.org": 1}
    messages = {m["To"].addresses[0].addr_spec: m for m in handler.parsed()}
    jane = messages["jane@example.com"]
    assert jane["Subject"] == f"Correction: {SUBJECT}"
    assert jane["Message-ID"] != edition_ids["jane@example.com"]
    alternative, attachment = jane.get_payload()
    text, html = (part.get_content() for part in alternative.get_payload())
    notice = (
        "Correction (December 16, 2023): An earlier version said JNIM struck 16 times; it struck "
        "17 times."
    )
    assert notice in " ".join(text.split())
    assert f"Read the corrected update: https://example.org/analysis/{SLUG}" in text
    assert "<strong>Correction (December 16, 2023):</strong> An earlier version" in html
    assert attachment.get_filename() == f"{SLUG}.pdf"
    pdf = attachment.get_content()
    assert pdf == (folder(project) / f"{SLUG}.pdf").read_bytes()
    assert (
        "Correction (December 16, 2023)"
        in PdfReader(folder(project) / f"{SLUG}.pdf").pages[0].extract_text()
    )
    records = [r for r in ledger_records(project) if r.get("correction")]
    assert {(r["email"], r["status"], r["correction"]) for r in records} >= {
        ("jane@example.com", "sent", "2023-12-16"),
        ("bob@example.org", "sent", "2023-12-16"),
    }

    again = weekly(*mail_args(port, "--correction"), cwd=project)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == (
        f"sent 0 of 0 messages for 2023-12-13 ({SLUG}.pdf); 2 already delivered"
    )
    assert len(handler.messages) == 2
    # The edition's own ledger is untouched by the correction's records.
    edition_again = weekly(*mail_args(port, "--only", "jane@example.com"), cwd=project)
    assert edition_again.stdout.splitlines()[-1].endswith("1 already delivered")
    assert len(handler.messages) == 2


def test_a_dry_run_writes_the_correction_drafts_apart(project: Path, weekly: Run, smtp) -> None:
    _, port = smtp
    assert weekly(*mail_args(port, "--only", "carol@example.net"), cwd=project).returncode == 0
    write_update(project, with_corrections(("2023-12-16", FIRST)))
    result = weekly(
        "email", "--cutoff", "2023-12-13", "--to", "recipients.csv", "--correction", cwd=project
    )
    assert result.returncode == 0, result.stderr
    drafts = mail_folder(project) / "correction-2023-12-16"
    assert not (folder(project) / "mail").exists()  # nothing private under output/
    assert [p.name for p in drafts.glob("*.eml")] == ["001-carol-example-net.eml"]
    assert "  Subject: Correction: " + SUBJECT in result.stdout.splitlines()


def test_correction_without_corrections_is_refused(project: Path, weekly: Run, smtp) -> None:
    _, port = smtp
    result = weekly(*mail_args(port, "--correction"), cwd=project)
    assert result.returncode == 2
    assert (
        "inputs/2023-12-13/update.md:1: error: --correction: the edition has no corrections to "
        "mail [E820]" in result.stderr.splitlines()
    )
    assert "Traceback" not in result.stderr


def test_killed_mid_correction_then_rerun_sends_nobody_twice(
    project: Path, weekly: Run, smtp
) -> None:
    handler, port = smtp
    assert weekly(*mail_args(port), cwd=project).returncode == 0
    handler.messages.clear()
    write_update(project, with_corrections(("2023-12-16", FIRST)))
    assert weekly("render", "--cutoff", "2023-12-13", cwd=project).returncode == 0
    process = start_weekly(mail_args(port, "--correction"), project)
    original = handler.handle_DATA

    async def kill_at_second(server, session, envelope) -> str:  # noqa: ANN001
        if len(handler.messages) == 1:
            process.send_signal(signal.SIGKILL)
        return await original(server, session, envelope)

    handler.handle_DATA = kill_at_second  # type: ignore[method-assign]
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    handler.handle_DATA = original  # type: ignore[method-assign]
    rerun = weekly(*mail_args(port, "--correction"), cwd=project)
    assert set(handler.per_recipient.values()) == {1}
    assert len(handler.per_recipient) == 5
    # The second message was with the server when the run died: unknown, so not sent again.
    assert rerun.returncode == 1
    assert "recipients.csv:3: bob@example.org: delivery unknown" in rerun.stderr
    assert all(m["Subject"] == f"Correction: {SUBJECT}" for m in handler.parsed())


# --- accessibility -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corrected_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An archive whose edition was corrected twice, and the correction's mail."""
    from weekly.mail.message import prepare_correction, render_bodies
    from weekly.mail.recipients import Recipient
    from weekly.mail.settings import mail_settings
    from weekly.pipeline import load_checked

    project = write_tree(
        tmp_path_factory.mktemp("corrected"),
        {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": UPDATE},
    )
    archive(project, run_in_process, "--format", "html")
    write_update(project, with_corrections(("2023-12-16", FIRST)))
    archive(project, run_in_process, "--format", "html")
    write_update(project, with_corrections(("2023-12-16", FIRST), ("2023-12-18", SECOND)))
    archive(project, run_in_process, "--format", "html")
    update = load_checked(project / "inputs", "2023-12-13")
    mail = prepare_correction(update, mail_settings(update), b"%PDF-1.7")
    _, html = render_bodies(mail, Recipient("reader@example.org", "A Reader", 2))
    (folder(project) / "correction-mail.html").write_text(html, encoding="utf-8")
    return {
        "corrected page": folder(project) / f"{SLUG}.html",
        "index": project / "output" / "index.html",
        "correction mail": folder(project) / "correction-mail.html",
    }


@pytest.mark.browser
@pytest.mark.parametrize("name", ["corrected page", "index", "correction mail"])
def test_corrected_pages_have_no_axe_violations(
    name: str, corrected_pages: dict[str, Path], browser: Any, axe_source: str
) -> None:
    shown = {
        "corrected page": "Earlier version</a>",
        "index": "Corrected December 18, 2023",
        "correction mail": "Correction (December 18, 2023):",
    }
    assert shown[name] in corrected_pages[name].read_text(encoding="utf-8")
    results = axe(browser, axe_source, corrected_pages[name])
    assert results["passes"], "axe ran no checks at all"
    assert results["violations"] == [], described(results["violations"])


def test_a_correction_never_dates_an_entry_before_its_cutoff() -> None:
    from weekly.site.feed import updated
    from weekly.site.manifest import Entry

    entry = Entry(
        "2023-12-13", "s", "S", "O", "T", "H", "slug", "December 13, 2023",
        "2023-12-13T10:00:00-05:00", [], "", [],
    )  # fmt: skip
    assert updated(entry) == "2023-12-13T10:00:00-05:00"
    entry.corrected = "2023-12-13T00:00:00-05:00"  # corrected the day it went out
    assert updated(entry) == "2023-12-13T10:00:00-05:00"
    entry.published = "2023-12-15T00:00:00-05:00"  # nor before it was published
    entry.corrected = "2023-12-14T00:00:00-05:00"
    assert updated(entry) == "2023-12-15T00:00:00-05:00"
    entry.corrected = "2023-12-16T00:00:00-05:00"
    assert updated(entry) == "2023-12-16T00:00:00-05:00"


def test_the_next_edition_does_not_inherit_the_corrections(edition: Path, weekly: Run) -> None:
    write_update(edition, with_corrections(("2023-12-16", FIRST)))
    result = weekly("new", "--cutoff", "2023-12-20", cwd=edition)
    assert result.returncode == 0, result.stderr
    started = (edition / "inputs" / "2023-12-20" / "update.md").read_text(encoding="utf-8")
    assert "corrections" not in started and "CTP has paused" in started


def test_a_ledger_read_for_a_correction_sees_only_its_records(tmp_path: Path) -> None:
    from weekly.mail.ledger import Ledger

    Ledger.read(tmp_path).append(email="jane@example.com", status="sent")
    Ledger.read(tmp_path, "2023-12-16").append(email="bob@example.org", status="attempt")
    records = [json.loads(line) for line in (tmp_path / "ledger.jsonl").read_text().splitlines()]
    assert [r.get("correction") for r in records] == [None, "2023-12-16"]
    edition, correction = Ledger.read(tmp_path), Ledger.read(tmp_path, "2023-12-16")
    assert (edition.state("jane@example.com").sent, edition.state("bob@example.org").last) == (
        1,
        "",
    )
    assert correction.state("jane@example.com").sent == 0
    assert correction.state("bob@example.org").uncertain
    assert Ledger.read(tmp_path, "2023-12-18").states == {}


def test_a_kept_version_deleted_by_hand_drops_its_link_once(edition: Path, weekly: Run) -> None:
    archive(edition, weekly, "--format", "html")
    write_update(edition, with_corrections(("2023-12-16", FIRST)))
    archive(edition, weekly, "--format", "html")
    kept = folder(edition) / f"{SLUG}.before-2023-12-16.html"
    kept.unlink()
    result = archive(edition, weekly, "--format", "html")
    assert result.stdout.splitlines()[0] == "rendered 2023-12-13 (output missing)"
    page = (folder(edition) / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "Correction (<time" in page and "Earlier version" not in page
    again = archive(edition, weekly, "--format", "html")
    assert again.stdout.splitlines()[0] == "skipped 2023-12-13 (unchanged)"


def test_render_all_accepts_a_silent_edit_and_a_single_render_refuses_the_flag(
    edition: Path, weekly: Run
) -> None:
    assert weekly("render", "--all", "--jobs", "1", "--format", "html", cwd=edition).returncode == 0
    write_update(edition, UPDATE.replace("at least 16 times", "at least 17 times"))
    args = ("render", "--all", "--jobs", "1", "--format", "html")
    accepted = weekly(*args, "--accept-silent-edit", cwd=edition)
    assert accepted.returncode == 0 and "W080" not in accepted.stderr
    assert "warning" not in accepted.stderr
    single = weekly("render", "--cutoff", "2023-12-13", "--accept-silent-edit", cwd=edition)
    assert single.returncode == 2
    assert "--accept-silent-edit applies to --all only" in single.stderr


@pytest.mark.slow
def test_a_kill_at_any_step_of_publishing_a_correction_loses_no_version(tmp_path: Path) -> None:
    """Killed at each file-system step of the corrected edition's publish (the last one after
    the switch, before the manifest is written), then run again: the version published first
    is kept exactly once, byte for byte, and linked."""
    import shutil

    def run(root: Path, limit: int) -> Killed:
        return killed(root, ["archive", "--jobs", "1", "--format", "html"], limit)

    base = write_tree(
        tmp_path / "base", {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": UPDATE}
    )
    archive(base, run_in_process, "--format", "html")
    original = (folder(base) / f"{SLUG}.html").read_bytes()
    write_update(base, with_corrections(("2023-12-16", FIRST)))
    probe = shutil.copytree(base, tmp_path / "probe", symlinks=True)
    steps = run(probe, 0).steps
    assert steps >= 5
    outcomes = set()
    for limit in range(1, steps + 1):
        root = shutil.copytree(base, tmp_path / f"kill-{limit}", symlinks=True)
        assert run(root, limit).returncode == -9, limit
        page = (folder(root) / f"{SLUG}.html").read_bytes()
        kept = sorted(p.name for p in folder(root).glob("*.before-*.html"))
        if page == original:
            assert kept == [], limit  # killed before the switch: the old edition, alone
            outcomes.add("old")
        else:
            assert b"Correction (<time" in page and kept == [f"{SLUG}.before-2023-12-16.html"]
            outcomes.add("new")
        archive(root, run_in_process, "--format", "html")
        kept = sorted(p.name for p in folder(root).glob("*.before-*"))
        assert kept == [f"{SLUG}.before-2023-12-16.html"], limit  # once: no "-2" copy
        assert (folder(root) / kept[0]).read_bytes() == original, limit
        html = (folder(root) / f"{SLUG}.html").read_text(encoding="utf-8")
        assert f'href="{kept[0]}">Earlier version</a>' in html, limit
    assert outcomes == {"old", "new"}


def test_a_correction_is_checked_like_a_notice(edition: Path, weekly: Run) -> None:
    write_update(
        edition,
        UPDATE.replace(
            "published: 2023-12-15\n",
            "published: 2023-12-15\ncorrections:\n  - date: 2023-12-16\n"
            "    text: <script>alert(1)</script> was misquoted by @someone.[@no-such-source]\n",
        ),
    )
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    where = "inputs/2023-12-13/update.md"
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{where}:9:") and "no-such-source" in line for line in lines)
    assert any(line.startswith(f"{where}:9: warning: '@someone' names no source") for line in lines)
    write_update(edition, with_corrections(("2023-12-16", "<script>alert(1)</script> was wrong.")))
    assert (
        weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition).returncode == 0
    )
    html = (folder(edition) / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; was wrong." in html
    assert "<script>alert" not in html
