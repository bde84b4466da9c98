"""``weekly email`` against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import fcntl
import signal
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from support import UNSUBSCRIBE_SECRET
from support.mail import (
    PASSWORD,
    PNG,
    RECIPIENTS,
    REGIONS,
    SECRET_ENV,
    SLUG,
    SUBJECT,
    drop_once_after,
    ledger,
    mail_project,
    send_args,
    start_weekly,
)
from weekly.mail.unsubscribe import token as unsubscribe_token


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mail project rendered once (HTML and PDF) for the module: ``email`` attaches the
    PDF it finds current in ``output/`` instead of printing it again."""
    from support import SOURCES, UPDATE, run_in_process, write_tree

    root = write_tree(
        tmp_path_factory.mktemp("rendered"),
        {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": UPDATE},
    )
    mail_project(root)
    done = run_in_process("render", "--cutoff", "2023-12-13", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def unrendered(edition: Path) -> Path:
    """The mail project with nothing rendered yet: ``email`` renders it first."""
    return mail_project(edition)


@pytest.fixture
def project(rendered: Path, tmp_path: Path) -> Path:
    """The small edition of conftest, a series override and a recipient list, rendered: a
    copy of its own for each test (times kept, so the PDF stays current)."""
    import shutil

    return Path(shutil.copytree(rendered, tmp_path / "project", symlinks=True))


Run = Callable[..., Any]


def test_send_delivers_both_alternatives_and_the_pdf(project: Path, weekly: Run, smtp) -> None:
    handler, port = smtp
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"sent 5 of 5 messages for 2023-12-13 ({SLUG}.pdf); 0 already delivered"
    )
    assert handler.per_recipient == {
        "jane@example.com": 1,
        "bob@example.org": 1,
        "carol@example.net": 1,
        "dave@example.com": 1,
        "erin@example.com": 1,
    }
    pdf = (project / "output" / "2023-12-13" / f"{SLUG}.pdf").read_bytes()
    messages = {str(m["To"].addresses[0].addr_spec): m for m in handler.parsed()}
    bob = messages["bob@example.org"]
    assert bob["To"].addresses[0].display_name == "Müller, Zoë"
    assert bob["From"] == "Critical Threats Project <updates@example.org>"
    assert bob["Reply-To"] == "editors@example.org"
    assert bob["Subject"] == SUBJECT
    assert bob["Date"].datetime is not None
    token = unsubscribe_token("bob@example.org", UNSUBSCRIBE_SECRET.encode())
    assert bob["List-Unsubscribe"] == (
        f"<mailto:unsubscribe@example.org>, <https://example.org/unsubscribe?t={token}>"
    )
    assert "bob" not in str(bob["List-Unsubscribe"]).split(",")[1]
    assert bob["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert bob.get_content_type() == "multipart/mixed"
    alternative, attachment = bob.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, html = alternative.get_payload()
    assert text.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert "Al Qaeda–linked militants are attacking central Mali more often." in text.get_content()
    assert f"Read the full update: https://example.org/analysis/{SLUG}" in text.get_content()
    body = html.get_content()
    assert "Al Qaeda Strengthens in Central Mali" in body
    assert "Data Cutoff: December 13, 2023, at 10 a.m." in body
    assert f'href="https://example.org/analysis/{SLUG}"' in body
    assert "<style" not in body and 'style="' in body
    assert len(body.encode("utf-8")) < 100 * 1024
    assert attachment.get_filename() == f"{SLUG}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf
    # Message-IDs are stable per edition and recipient, and differ between recipients.
    ids = {addr: m["Message-ID"] for addr, m in messages.items()}
    assert len(set(ids.values())) == 5
    records = ledger(project)
    assert [r["status"] for r in records].count("sent") == 5
    assert {r["email"] for r in records if r["status"] == "sent"} == set(messages)
    assert all(r["edition"] == "2023-12-13" for r in records)

    again = weekly(*send_args(port), cwd=project)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == (
        f"sent 0 of 0 messages for 2023-12-13 ({SLUG}.pdf); 5 already delivered"
    )
    assert "rendered" not in again.stdout  # the PDF on disk is up to date: reused
    assert sum(handler.per_recipient.values()) == 5

    resent = weekly(*send_args(port, "--resend", "--only", "carol@example.net"), cwd=project)
    assert resent.returncode == 0, resent.stderr
    assert handler.per_recipient["carol@example.net"] == 2
    assert handler.parsed()[-1]["Message-ID"] == ids["carol@example.net"]


def test_temporary_failure_is_retried(project: Path, weekly: Run, smtp) -> None:
    handler, port = smtp
    handler.soft_once = {"bob@example.org", "dave@example.com"}
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 0, result.stderr
    assert handler.tries["bob@example.org"] == 2
    assert set(handler.per_recipient.values()) == {1}
    assert len(handler.per_recipient) == 5


@pytest.mark.e2e
def test_permanent_failure_is_reported_and_others_delivered(
    project: Path, weekly: Run, smtp
) -> None:
    handler, port = smtp
    handler.refuse = {"bob@example.org": "550 5.1.1 <bob@example.org>: mailbox unavailable"}
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "recipients.csv:3: bob@example.org: not delivered (permanent): "
        "550 5.1.1 <bob@example.org>: mailbox unavailable",
        "weekly: 1 recipient not delivered",
    ]
    assert handler.tries["bob@example.org"] == 1  # a permanent failure is not retried
    assert set(handler.per_recipient) == {
        "jane@example.com",
        "carol@example.net",
        "dave@example.com",
        "erin@example.com",
    }
    assert [r["status"] for r in ledger(project) if r["email"] == "bob@example.org"] == ["failed"]


def test_dropped_connection_rerun_delivers_the_rest_exactly_once(
    project: Path, weekly: Run, smtp
) -> None:
    handler, port = smtp
    handler.drop_after = 2
    first = weekly(*send_args(port, "--retries", "1"), cwd=project)
    assert first.returncode == 1
    assert len(handler.messages) == 2
    lines = first.stderr.splitlines()
    assert lines[0].startswith(
        "recipients.csv:4: carol@example.net: not delivered (temporary; a rerun tries again): "
    )
    assert lines[1].startswith("recipients.csv:5: dave@example.com: not tried: not tried: ")
    assert lines[-1] == "weekly: 3 recipients not delivered"

    handler.drop_after = None
    second = weekly(*send_args(port), cwd=project)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == (
        f"sent 3 of 3 messages for 2023-12-13 ({SLUG}.pdf); 2 already delivered"
    )
    assert handler.per_recipient == dict.fromkeys(
        [
            "jane@example.com",
            "bob@example.org",
            "carol@example.net",
            "dave@example.com",
            "erin@example.com",
        ],
        1,
    )


def test_a_connection_dropped_once_is_reopened(project: Path, weekly: Run, smtp) -> None:
    handler, port = smtp
    drop_once_after(handler, 2)
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 0, result.stderr
    assert set(handler.per_recipient.values()) == {1}
    assert len(handler.per_recipient) == 5


def test_lost_confirmation_is_never_sent_twice_without_resend(
    project: Path, weekly: Run, smtp
) -> None:
    handler, port = smtp
    handler.drop_in_data = {"carol@example.net"}
    first = weekly(*send_args(port), cwd=project)
    assert first.returncode == 1
    assert (
        "recipients.csv:4: carol@example.net: delivery unknown (not sent again without --resend): connection lost before the server confirmed"
        in first.stderr
    )
    assert handler.per_recipient == dict.fromkeys(
        [
            "jane@example.com",
            "bob@example.org",
            "carol@example.net",
            "dave@example.com",
            "erin@example.com",
        ],
        1,
    )
    handler.drop_in_data = set()
    second = weekly(*send_args(port), cwd=project)
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        "recipients.csv:4: carol@example.net: delivery unknown (a run stopped while the server "
        "had the message); not sent again: check, then use --resend --only ADDRESS",
        "weekly: 1 recipient not delivered",
    ]
    assert handler.per_recipient["carol@example.net"] == 1


def test_interrupted_ledger_attempt_is_not_resent(project: Path, weekly: Run, smtp) -> None:
    """A run killed after handing a message over leaves an 'attempt' record: not resent."""
    handler, port = smtp
    folder = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    folder.mkdir(parents=True)
    (folder / "ledger.jsonl").write_text(
        '{"email": "jane@example.com", "status": "attempt"}\n'
        '{"email": "bob@example.org", "status": "attempt"}\n'
        '{"email": "bob@example.org", "status": "sent"}\n'
        '{"email": "carol@example.net", "sta',  # torn by the crash
        encoding="utf-8",
    )
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 1
    assert set(handler.per_recipient) == {
        "carol@example.net",
        "dave@example.com",
        "erin@example.com",
    }
    assert result.stdout.splitlines()[-1] == (
        f"sent 3 of 3 messages for 2023-12-13 ({SLUG}.pdf); 1 already delivered, 1 delivery unknown"
    )


def tls_args(port: int, *extra: str) -> list[str]:
    return [
        "email", "--cutoff", "2023-12-13", "--to", "recipients.csv", "--send",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-user", "mailer",
        "--rate", "0", "--retry-delay", "0", "--timeout", "10", *extra,
    ]  # fmt: skip


def test_starttls_with_a_trusted_ca_file_and_login(project: Path, weekly: Run, tls_smtp) -> None:
    handler, port, ca_file = tls_smtp
    env = {"WEEKLY_SMTP_PASSWORD": PASSWORD, "WEEKLY_SMTP_SECURITY": "starttls"}
    untrusted = weekly(*tls_args(port), cwd=project, env=env)
    assert untrusted.returncode == 1
    assert (
        f"recipients.csv:2: jane@example.com: not tried: TLS certificate of 127.0.0.1:{port} not "
        "trusted: unable to get local issuer certificate (use --ca-file to trust a private CA)"
    ) in untrusted.stderr
    assert handler.messages == []

    wrong = weekly(
        *tls_args(port, "--ca-file", str(ca_file)),
        cwd=project,
        env={**env, "WEEKLY_SMTP_PASSWORD": "not-" + PASSWORD},
    )
    assert wrong.returncode == 1
    assert f"login as mailer refused by 127.0.0.1:{port}: 535" in wrong.stderr
    assert handler.messages == []

    result = weekly(*tls_args(port, "--ca-file", str(ca_file)), cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    assert len(handler.per_recipient) == 5
    for run in (untrusted, wrong, result):
        assert PASSWORD not in run.stdout + run.stderr
    mail = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    assert PASSWORD not in (mail / "ledger.jsonl").read_text(encoding="utf-8")


def test_login_needs_the_password_from_the_environment(project: Path, weekly: Run) -> None:
    result = weekly(*tls_args(2525), cwd=project, env={"WEEKLY_SMTP_PASSWORD": ""})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "weekly: WEEKLY_SMTP_PASSWORD is not set (needed to log in as mailer)",
        "weekly: 1 error; nothing sent",
    ]


def test_header_injection_is_refused(project: Path, weekly: Run, smtp) -> None:
    handler, port = smtp
    (project / "recipients.csv").write_text(
        'email,name\njane@example.com,"Jane\r\nBcc: victim@example.net"\n'
        "eve@example.com\r\nbcc: x@example.net,Eve\n",
        encoding="utf-8",
    )
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "recipients.csv:2: error: name contains a line break or control character [E301]",
        "recipients.csv:5: error: invalid email address 'bcc: x@example.net' (the email "
        "address contains invalid characters before the @-sign: ':', SPACE) [E301]",
        "weekly: 2 errors; nothing sent",
    ]

    (project / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    sender = weekly(*send_args(port, "--from", "a@example.org\r\nBcc: v@example.net"), cwd=project)
    assert sender.returncode == 2
    assert sender.stderr.splitlines() == [
        "weekly: --from contains a line break or control character",
        "weekly: 1 error; nothing sent",
    ]
    reply = weekly(*send_args(port, "--reply-to", "a@example.org\nBcc: v@example.net"), cwd=project)
    assert reply.returncode == 2
    assert "--reply-to contains a line break or control character" in reply.stderr

    update = project / "inputs" / "2023-12-13" / "update.md"
    text = update.read_text(encoding="utf-8")
    update.write_text(
        text.replace(
            "headline: Al Qaeda Strengthens in Central Mali",
            'headline: "Al Qaeda Strengthens\\r\\nBcc: victim@example.net"',
        ),
        encoding="utf-8",
    )
    headline = weekly(*send_args(port), cwd=project)
    assert headline.returncode == 2
    assert headline.stderr.splitlines() == [
        "inputs/2023-12-13/update.md:3: error: headline contains a line break or control "
        "character; it cannot be a mail subject [E002]",
        "weekly: 1 error; nothing sent",
    ]
    assert handler.messages == []


def test_bad_recipients_are_all_reported(project: Path, weekly: Run, smtp) -> None:
    handler, port = smtp
    (project / "recipients.csv").write_text(
        "email,name\n"
        "jane@example.com,Jane\n"
        "not-an-address,Nobody\n"
        "\n"
        "JANE@example.com,Jane again\n"
        "bob@example,Bob\n"
        ",Empty\n"
        "carol@example.net,Carol\n",
        encoding="utf-8",
    )
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "recipients.csv:3: error: invalid email address 'not-an-address' (an email address "
        "must have an @-sign) [E301]",
        "recipients.csv:5: error: duplicate address JANE@example.com (first on line 2) [E302]",
        "recipients.csv:6: error: invalid email address 'bob@example' (the part after the "
        "@-sign is not valid; it should have a period) [E301]",
        "recipients.csv:7: error: missing email address [E301]",
        "weekly: 4 errors; nothing sent",
    ]
    assert handler.messages == []
    assert not (project / "inputs" / ".weekly" / "mail" / "2023-12-13").exists()


@pytest.mark.e2e
def test_dry_run_writes_eml_files_that_parse(unrendered: Path, weekly: Run) -> None:
    project = unrendered
    result = weekly("email", "--cutoff", "latest", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"rendered output/2023-12-13/{SLUG}.pdf",
        "wrote 5 messages to inputs/.weekly/mail/2023-12-13/ (dry run: nothing sent)",
        f"  Subject: {SUBJECT}",
        "  From: Critical Threats Project <updates@example.org>",
        "  Reply-To: editors@example.org",
        result.stdout.splitlines()[5],
        result.stdout.splitlines()[6],
        f"  Web version: https://example.org/analysis/{SLUG}",
        "with --send: 5 to send, 0 already delivered, 0 delivery unknown",
    ]
    assert result.stdout.splitlines()[5].startswith(f"  Attachment: {SLUG}.pdf (")
    folder = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    names = sorted(p.name for p in folder.glob("*.eml"))
    assert names == [
        "001-jane-example-com.eml",
        "002-bob-example-org.eml",
        "003-carol-example-net.eml",
        "004-dave-example-com.eml",
        "005-erin-example-com.eml",
    ]
    msg = email.message_from_bytes(
        (folder / "005-erin-example-com.eml").read_bytes(), policy=email.policy.default
    )
    assert isinstance(msg, EmailMessage)
    assert str(msg["To"]) == "Erin Ó Briain <erin@example.com>"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    [attachment] = list(msg.iter_attachments())
    assert (
        attachment.get_content() == (project / "output" / "2023-12-13" / f"{SLUG}.pdf").read_bytes()
    )
    assert not (folder / "ledger.jsonl").exists()


def test_a_second_sending_run_waits_for_the_lock(project: Path, weekly: Run, smtp) -> None:
    handler, port = smtp
    folder = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    folder.mkdir(parents=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write("4242\n")
        lock.flush()
        result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 3
    assert result.stderr.splitlines()[-1] == (
        "weekly: another 'weekly email --send' is sending 2023-12-13 "
        "(lock inputs/.weekly/mail/2023-12-13/.lock held, pid 4242); nothing sent"
    )
    assert handler.messages == []
    after = weekly(*send_args(port), cwd=project)
    assert after.returncode == 0, after.stderr
    assert len(handler.messages) == 5


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killed_midway_then_rerun_gives_everyone_exactly_one_copy(
    project: Path, weekly: Run, smtp, how: signal.Signals
) -> None:
    handler, port = smtp
    # Render first so the kill lands while sending, not while rendering.
    assert weekly("render", "--cutoff", "2023-12-13", cwd=project).returncode == 0
    process = start_weekly(send_args(port), project)
    original = handler.handle_DATA

    async def kill_at_second(server, session, envelope) -> str:  # noqa: ANN001
        if len(handler.messages) == 1:
            process.send_signal(how)
        return await original(server, session, envelope)

    handler.handle_DATA = kill_at_second  # type: ignore[method-assign]
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    if how != signal.SIGKILL:
        # A polite stop finishes the message under way, records it, and stops.
        assert "weekly: interrupted; rerun to send to the rest" in stderr
        assert len(handler.messages) == 2
    handler.handle_DATA = original  # type: ignore[method-assign]
    rerun = weekly(*send_args(port), cwd=project)
    assert set(handler.per_recipient.values()) == {1}
    assert len(handler.per_recipient) == 5
    if how == signal.SIGKILL:
        # Killed while the server had the second message: its delivery is unknown to the
        # ledger, so it is not sent again (at most once) and the rerun says so.
        assert rerun.returncode == 1
        assert "recipients.csv:3: bob@example.org: delivery unknown" in rerun.stderr
    else:
        assert rerun.returncode == 0, rerun.stderr


def test_multi_region_teasers_and_a_figure(project: Path, weekly: Run) -> None:
    (project / "inputs" / "2023-12-13" / "update.md").write_text(REGIONS, encoding="utf-8")
    (project / "inputs" / "2023-12-13" / "figures").mkdir()
    (project / "inputs" / "2023-12-13" / "figures" / "map.png").write_bytes(PNG)
    args = [
        "email",
        "--cutoff",
        "2023-12-13",
        "--to",
        "recipients.csv",
        "--only",
        "jane@example.com",
    ]
    result = weekly(*args, "--figure", "map", cwd=project)
    assert result.returncode == 0, result.stderr
    eml = project / "inputs" / ".weekly" / "mail" / "2023-12-13" / "001-jane-example-com.eml"
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Mali. JNIM is attacking central Mali more often." in text
    assert "Somalia. Al Shabaab will likely retake towns in central Somalia." in text
    assert "Authors: Liam Karr and Kathryn Tyson" in text
    assert "Figure 1. Attacks in Central Mali" in text
    related = msg.get_body(("related",))
    assert related is not None
    html = related.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [image] = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    assert image.get_content() == PNG
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    assert sorted(p.name for p in eml.parent.glob("*.eml")) == ["001-jane-example-com.eml"]

    unknown = weekly(*args, "--figure", "nope", cwd=project)
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        "weekly: --figure: no figure 'nope' placed in this edition (placed: map)",
        "weekly: 1 error; nothing sent",
    ]


def test_only_matches_addresses_as_the_list_normalises_them(
    project: Path, weekly: Run, smtp
) -> None:
    """``--only`` is matched after normalising: spaces, case and IDN domains."""
    handler, port = smtp
    (project / "recipients.csv").write_text(
        RECIPIENTS + "ana@bücher.example,Ana\n", encoding="utf-8"
    )
    only = ["--only", " Jane@Example.com", "--only", "ana@BÜCHER.example"]
    dry = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", *only, cwd=project)
    assert dry.returncode == 0, dry.stderr
    assert (
        "wrote 2 messages to inputs/.weekly/mail/2023-12-13/ (dry run: nothing sent)" in dry.stdout
    )
    assert dry.stdout.splitlines()[-1] == (
        "with --send: 2 to send, 0 already delivered, 0 delivery unknown"
    )
    result = weekly(*send_args(port, *only), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"sent 2 of 2 messages for 2023-12-13 ({SLUG}.pdf); 0 already delivered"
    )
    assert handler.per_recipient == {"jane@example.com": 1, "ana@xn--bcher-kva.example": 1}


def test_only_addresses_not_on_the_list_are_all_reported(unrendered: Path, weekly: Run) -> None:
    project = unrendered
    result = weekly(
        "email", "--cutoff", "2023-12-13", "--to", "recipients.csv",
        "--only", "jane@example.com", "--only", "zed@example.com", "--only", "not-an-address",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "weekly: --only: zed@example.com is not in recipients.csv",
        "weekly: --only: not-an-address is not in recipients.csv",
        "weekly: 2 errors; nothing sent",
    ]
    assert not (project / "output").exists()


def test_region_teaser_of_a_lead_wrapped_across_lines(project: Path, weekly: Run) -> None:
    wrapped = REGIONS.replace(
        "**JNIM is attacking central Mali more often.**",
        "**JNIM is attacking\ncentral Mali more often.**",
    )
    (project / "inputs" / "2023-12-13" / "update.md").write_text(wrapped, encoding="utf-8")
    (project / "inputs" / "2023-12-13" / "figures").mkdir()
    (project / "inputs" / "2023-12-13" / "figures" / "map.png").write_bytes(PNG)
    result = weekly(
        "email", "--cutoff", "2023-12-13", "--to", "recipients.csv", "--only", "jane@example.com",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    eml = project / "inputs" / ".weekly" / "mail" / "2023-12-13" / "001-jane-example-com.eml"
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Mali. JNIM is attacking central Mali more often." in text


ENCODED_CRLF = "=?utf-8?q?Jane=0D=0AReply-To=3A_phish=40evil=2Eexample?="


def test_encoded_word_header_injection_is_refused_everywhere(
    project: Path, weekly: Run, smtp
) -> None:
    handler, port = smtp
    (project / "recipients.csv").write_text(
        f"email,name\njane@example.com,{ENCODED_CRLF}\n", encoding="utf-8"
    )
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 2
    assert (
        result.stderr.splitlines()[0]
        == "recipients.csv:2: error: name contains a line break or control character [E301]"
    )

    (project / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    update = project / "inputs" / "2023-12-13" / "update.md"
    text = update.read_text(encoding="utf-8")
    update.write_text(
        text.replace("headline: Al Qaeda Strengthens in Central Mali", f"headline: {ENCODED_CRLF}"),
        encoding="utf-8",
    )
    headline = weekly(*send_args(port), cwd=project)
    assert headline.returncode == 2
    assert "headline contains a line break or control character" in headline.stderr
    update.write_text(text, encoding="utf-8")

    (project / "inputs" / "series.yaml").write_text(
        f"salafi-jihadi:\n  name: Salafi-Jihadi Movement Weekly Update\n  organization: '{ENCODED_CRLF}'\n",
        encoding="utf-8",
    )
    organization = weekly(*send_args(port), cwd=project)
    assert organization.returncode == 2
    assert "organization of series 'salafi-jihadi' contains a line break" in organization.stderr
    assert handler.messages == []  # nothing reached the server, let alone a Reply-To


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("jane@example.com.", "an email address cannot end with a period"),
        ("@example.com", "there must be something before the @-sign"),
    ],
)
def test_addresses_the_old_check_crashed_on(
    project: Path, weekly: Run, address: str, why: str
) -> None:
    (project / "recipients.csv").write_text(f"email,name\n{address},X\n", encoding="utf-8")
    result = weekly("email", "--cutoff", "latest", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 2
    assert (
        result.stderr.splitlines()[0]
        == f"recipients.csv:2: error: invalid email address '{address}' ({why}) [E301]"
    )
    assert "Traceback" not in result.stderr


def test_a_semicolon_separated_list_from_excel_is_read(tmp_path: Path) -> None:
    from weekly.mail.recipients import read_recipients

    path = tmp_path / "recipients.csv"
    path.write_text(
        'email;name\njane@example.com;"Doe, Jane"\nbob@bücher.de;Bob\n', encoding="utf-8-sig"
    )
    found = read_recipients(path)
    assert [(r.email, r.name, r.line) for r in found] == [
        ("jane@example.com", "Doe, Jane", 2),
        ("bob@xn--bcher-kva.de", "Bob", 3),
    ]


def test_the_mail_core_returns_reports_without_printing(
    unrendered: Path, smtp, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = unrendered
    from weekly.mail import dispatch
    from weekly.mail.options import Delivery, EmailOptions, SmtpOptions

    handler, port = smtp
    monkeypatch.chdir(project)
    to, inputs, output = Path("recipients.csv"), Path("inputs"), Path("output")
    dry = EmailOptions(only=("carol@example.net", "JANE@example.com"))
    loaded = dispatch.load("2023-12-13", to, inputs, output, dry, SECRET_ENV)
    assert [p.name for p in loaded.rendered] == [f"{SLUG}.html", f"{SLUG}.pdf"]  # no share card
    assert loaded.smtp is None and [r.email for r in loaded.recipients] == [
        "jane@example.com",
        "carol@example.net",
    ]
    report = dispatch.run(loaded, to, output, dry)
    assert report.status == 0 and report.sent is None and report.locked is None
    assert report.dry_run is not None
    assert report.dry_run.count == 2  # streamed to disk, not held: the files say which
    assert sorted(p.name for p in report.dry_run.folder.glob("*.eml")) == [
        "001-jane-example-com.eml",
        "002-carol-example-net.eml",
    ]
    assert report.dry_run.plan.send == loaded.recipients and not report.dry_run.clipped

    smtp_options = SmtpOptions("127.0.0.1", port, security="none", timeout=10)
    send = EmailOptions(send=True, smtp=smtp_options, delivery=Delivery(retry_delay=0))
    loaded = dispatch.load("2023-12-13", to, inputs, output, send, SECRET_ENV)
    assert loaded.rendered == []  # the PDF on disk is current
    report = dispatch.run(loaded, to, output, send)
    assert report.status == 0 and report.sent is not None
    assert [o.status for o in report.sent.outcomes] == ["sent"] * 5
    assert report.sent.undelivered == 0 and not report.sent.interrupted
    assert sum(handler.per_recipient.values()) == 5
    assert capsys.readouterr() == ("", "")
