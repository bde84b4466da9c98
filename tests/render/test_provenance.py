"""The mailed PDF is the one the current inputs give, whichever command wrote the last PDF."""

from __future__ import annotations

import email
import email.policy
import io
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from pypdf import PdfReader

from support.mail import SLUG, mail_project
from weekly.assets import Asset
from weekly.render.provenance import recorded_digest, source_digest

APPROVED = "Al Qaeda Strengthens in Central Mali"
DRAFT = "Unapproved Draft Headline About Menaka"


@pytest.fixture
def project(edition: Path) -> Path:
    return mail_project(edition)


def set_headline(project: Path, old: str, new: str) -> None:
    path = project / "inputs" / "2023-12-13" / "update.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def mailed_pdf(project: Path) -> bytes:
    eml = project / "inputs" / ".weekly" / "mail" / "2023-12-13" / "001-jane-example-com.eml"
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    [attachment] = list(msg.iter_attachments())
    data = attachment.get_content()
    assert isinstance(data, bytes)
    return data


@pytest.mark.slow
def test_a_pdf_records_the_digest_of_what_it_was_printed_from() -> None:
    from weekly.render.pdf import write_pdf

    html = "<h1>Provenance</h1><img src='dot.svg'>"
    dot = Asset(
        "dot.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>",
        "image/svg+xml",
    )
    pdf = write_pdf(html, [dot])
    assert recorded_digest(pdf) == source_digest(html, [dot])
    first_id = PdfReader(io.BytesIO(pdf)).trailer["/ID"][0]
    assert first_id.encode("latin-1").decode("ascii") == source_digest(html, [dot])
    assert source_digest(html + " ", [dot]) != source_digest(html, [dot])
    assert source_digest(html, [Asset("dot.svg", b"<svg/>", "image/svg+xml")]) != source_digest(
        html, [dot]
    )
    assert recorded_digest(b"%PDF-1.7\n%%EOF\n") is None


@pytest.mark.slow
def test_email_after_a_pdf_only_render_of_a_draft_attaches_the_approved_text(
    project: Path, weekly
) -> None:
    assert weekly("render", "--cutoff", "2023-12-13", cwd=project).returncode == 0
    set_headline(project, APPROVED, DRAFT)
    draft = weekly("render", "--cutoff", "2023-12-13", "--format", "pdf", cwd=project)
    assert draft.returncode == 0, draft.stderr
    pdf_path = project / "output" / "2023-12-13" / f"{SLUG}.pdf"
    assert DRAFT in pdf_text(pdf_path.read_bytes())
    set_headline(project, DRAFT, APPROVED)

    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"rendered output/2023-12-13/{SLUG}.pdf"
    text = pdf_text(mailed_pdf(project))
    assert APPROVED in text and DRAFT not in text
    assert mailed_pdf(project) == pdf_path.read_bytes()

    again = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert again.returncode == 0, again.stderr
    assert not again.stdout.startswith("rendered")  # now current: reused, not printed again


@pytest.mark.slow
def test_email_after_preview_pdf_of_a_draft_attaches_the_approved_text(
    project: Path, weekly, monkeypatch
) -> None:
    from weekly.preview import serve as preview

    monkeypatch.chdir(project)
    assert weekly("render", "--cutoff", "2023-12-13", cwd=project).returncode == 0
    pdf_path = project / "output" / "2023-12-13" / f"{SLUG}.pdf"
    rendered = pdf_path.read_bytes()
    set_headline(project, APPROVED, DRAFT)
    running = preview.start(
        Path("inputs"), "2023-12-13", port=0, output=Path("output"), pdf=True, serve=True
    )
    try:
        deadline = time.monotonic() + 240
        while pdf_path.read_bytes() == rendered:
            assert time.monotonic() < deadline, "preview --pdf wrote no PDF"
            time.sleep(0.2)
    finally:
        running.stop()
    assert DRAFT in pdf_text(pdf_path.read_bytes())
    set_headline(project, DRAFT, APPROVED)

    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    text = pdf_text(mailed_pdf(project))
    assert APPROVED in text and DRAFT not in text
