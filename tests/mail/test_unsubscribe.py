"""Signed unsubscribe links, ``weekly unsubscribe`` and the suppression list ``email`` honours."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest

from support import UNSUBSCRIBE_SECRET
from support.mail import RECIPIENTS, SERIES, SLUG, mail_project, send_args
from weekly.mail.recipients import Recipient
from weekly.mail.unsubscribe import TOKEN_LENGTH, owner, token, verify

SECRET = UNSUBSCRIBE_SECRET.encode()
ADDRESSES = re.findall(r"^([^,\s]+@[^,\s]+),", RECIPIENTS, re.M)


@pytest.fixture
def project(edition: Path) -> Path:
    return mail_project(edition)


def test_tokens_are_opaque_distinct_per_recipient_and_verify() -> None:
    tokens = {address: token(address, SECRET) for address in ADDRESSES}
    assert len(set(tokens.values())) == len(ADDRESSES)
    for address, signed in tokens.items():
        assert len(signed) == TOKEN_LENGTH and re.fullmatch(r"[A-Za-z0-9_-]+", signed)
        assert address.split("@")[0] not in signed.lower()
        assert verify(signed, address, SECRET)
        assert verify(signed, address.upper(), SECRET)  # the address is normalised
    assert token("jane@example.com", b"another secret") != tokens["jane@example.com"]


def test_a_tampered_token_is_refused() -> None:
    recipients = [Recipient(a, "", i) for i, a in enumerate(ADDRESSES, 2)]
    signed = token("jane@example.com", SECRET)
    assert owner(signed, recipients, SECRET).email == "jane@example.com"  # type: ignore[union-attr]
    flipped = signed[:-1] + ("A" if signed[-1] != "A" else "B")
    for tampered in (flipped, signed[:-1], signed + "A", "", "x" * TOKEN_LENGTH):
        assert owner(tampered, recipients, SECRET) is None
    assert not verify(flipped, "jane@example.com", SECRET)
    assert owner(signed, recipients, b"another secret") is None


def test_token_links_need_the_secret(project: Path, weekly, monkeypatch) -> None:
    monkeypatch.delenv("WEEKLY_UNSUBSCRIBE_SECRET")
    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "weekly: unsubscribe_url of series 'salafi-jihadi' uses {token}: set "
        "WEEKLY_UNSUBSCRIBE_SECRET to the secret its links are signed with",
        "weekly: 1 error; nothing sent",
    ]


def test_an_address_in_the_link_and_a_missing_link_are_warned_about(project: Path, weekly) -> None:
    series = project / "inputs" / "series.yaml"
    series.write_text(SERIES.replace("?t={token}", "?a={email}"), encoding="utf-8")
    args = ("email", "--cutoff", "2023-12-13", "--to", "recipients.csv")
    carried = weekly(*args, cwd=project)
    assert carried.returncode == 0, carried.stderr
    assert carried.stderr.splitlines() == [
        "inputs/series.yaml:4: warning: unsubscribe_url carries the address ({email}): anyone "
        "can unsubscribe anyone; use {token}, a signed token [W051]"
    ]
    series.write_text(
        "".join(line for line in SERIES.splitlines(True) if "unsubscribe_url" not in line)
    )
    missing = weekly(*args, cwd=project)
    assert missing.returncode == 0, missing.stderr
    assert missing.stderr.splitlines() == [
        "inputs/series.yaml: warning: no one-click unsubscribe link (unsubscribe_url): large "
        "mail providers expect one from bulk senders [W052]"
    ]


def test_each_message_carries_its_own_token(project: Path, weekly) -> None:
    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    folder = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    for draft in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
        address = message["To"].addresses[0].addr_spec
        url = f"https://example.org/unsubscribe?t={token(address, SECRET)}"
        assert str(message["List-Unsubscribe"]).endswith(f"<{url}>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert url in text


@pytest.mark.slow
def test_the_web_team_unsubscribes_a_token_and_a_send_skips_it(project: Path, weekly, smtp) -> None:
    handler, port = smtp
    signed = token("carol@example.net", SECRET)
    result = weekly("unsubscribe", signed, "--to", "recipients.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "unsubscribed carol@example.net: added to inputs/.weekly/suppressed.txt\n"
    )
    again = weekly("unsubscribe", signed, "--to", "recipients.csv", cwd=project)
    assert again.stdout == (
        "carol@example.net was already unsubscribed (in inputs/.weekly/suppressed.txt)\n"
    )
    suppressed = project / "inputs" / ".weekly" / "suppressed.txt"
    assert suppressed.read_text(encoding="utf-8") == "carol@example.net\n"

    tampered = weekly("unsubscribe", signed[:-2] + "xy", "--to", "recipients.csv", cwd=project)
    assert tampered.returncode == 2
    assert tampered.stderr.splitlines() == [
        "weekly: recipients.csv: the token is not that of anyone on the list (mistyped, "
        "altered, signed with another secret, or the address has left the list)",
        "weekly: 1 error; nobody unsubscribed",
    ]
    assert suppressed.read_text(encoding="utf-8") == "carol@example.net\n"

    dry = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert dry.stdout.splitlines()[-1] == (
        "with --send: 4 to send, 0 already delivered, 0 delivery unknown, 1 unsubscribed (skipped)"
    )
    drafts = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    assert not any("carol" in p.name for p in drafts.glob("*.eml"))

    sent = weekly(*send_args(port), cwd=project)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.splitlines()[-1] == (
        f"sent 4 of 4 messages for 2023-12-13 ({SLUG}.pdf); 0 already delivered, "
        "1 unsubscribed (skipped)"
    )
    assert "carol@example.net" not in handler.per_recipient
    assert sorted(handler.per_recipient.values()) == [1, 1, 1, 1]


def test_a_suppression_list_elsewhere(project: Path, weekly) -> None:
    (project / "blocked.txt").write_text("# unsubscribed by hand\nJANE@example.com\n", "utf-8")
    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv",
                    "--suppressions", "blocked.txt", cwd=project)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith(", 1 unsubscribed (skipped)")
    signed = token("dave@example.com", SECRET)
    added = weekly("unsubscribe", signed, "--to", "recipients.csv",
                   "--suppressions", "blocked.txt", cwd=project)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (project / "blocked.txt").read_text().splitlines()[-1] == "dave@example.com"
