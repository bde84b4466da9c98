"""The private state folder: mail drafts and ledgers never under output/, an old ledger taken over."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support.mail import RECIPIENTS, SLUG, mail_project, send_args

ADDRESSES = re.findall(r"^([^,\s]+@[^,\s]+),", RECIPIENTS, re.M)
#: A ledger as versions before the state folder wrote it, in output/2023-12-13/mail/.
OLD_LEDGER = (
    '{"time": "2023-12-14T09:00:00+00:00", "email": "jane@example.com", "status": "attempt"}\n'
    '{"time": "2023-12-14T09:00:01+00:00", "email": "jane@example.com", "status": "sent", '
    '"detail": "250 2.0.0 Message accepted"}\n'
    '{"time": "2023-12-14T09:00:02+00:00", "email": "bob@example.org", "status": "attempt"}\n'
)


@pytest.fixture
def project(edition: Path) -> Path:
    return mail_project(edition)


def _old_layout(project: Path) -> Path:
    """Write the mail folder an earlier version left under output/; return it."""
    old = project / "output" / "2023-12-13" / "mail"
    old.mkdir(parents=True)
    (old / "ledger.jsonl").write_text(OLD_LEDGER, encoding="utf-8")
    (old / "001-jane-example-com.eml").write_text("To: jane@example.com\n\nold draft\n", "utf-8")
    (old / ".lock").write_text("", "utf-8")
    return old


def _leaks(output: Path) -> list[str]:
    """Return ``file: address`` for every recipient address found in a file under ``output``."""
    found = []
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        for address in ADDRESSES:
            forms = {address, address.replace("@", "%40"), address.replace("@", "&#64;")}
            if any(form.lower().encode() in data for form in forms):
                found.append(f"{path.relative_to(output)}: {address}")
    return found


@pytest.mark.slow
def test_no_address_is_ever_under_output(project: Path, weekly, smtp) -> None:
    handler, port = smtp
    steps = [
        ("render", "--cutoff", "2023-12-13"),
        ("email", "--cutoff", "2023-12-13", "--to", "recipients.csv"),
        tuple(send_args(port)),
        ("archive",),
    ]
    for args in steps:
        result = weekly(*args, cwd=project)
        assert result.returncode == 0, (args, result.stderr)
        assert _leaks(project / "output") == [], args
    assert sorted(handler.per_recipient) == sorted(ADDRESSES)
    state = project / "inputs" / ".weekly"
    assert (state / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    ledger = (state / "mail" / "2023-12-13" / "ledger.jsonl").read_text(encoding="utf-8")
    assert all(address in ledger for address in ADDRESSES)
    assert len(list((state / "mail" / "2023-12-13").glob("*.eml"))) == len(ADDRESSES)


def test_a_dry_run_says_where_the_drafts_are(project: Path, weekly) -> None:
    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "wrote 5 messages to inputs/.weekly/mail/2023-12-13/ (dry run: nothing sent)" in (
        result.stdout.splitlines()
    )
    assert not (project / "output" / "2023-12-13" / "mail").exists()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_state_folder_can_be_elsewhere(project: Path, weekly, how: str) -> None:
    args = ["email", "--cutoff", "2023-12-13", "--to", "recipients.csv"]
    if how == "option":
        result = weekly(*args, "--state", "private", cwd=project)
    else:
        result = weekly(*args, cwd=project, env={"WEEKLY_STATE": "private"})
    assert result.returncode == 0, result.stderr
    assert "wrote 5 messages to private/mail/2023-12-13/ (dry run: nothing sent)" in (
        result.stdout.splitlines()
    )
    assert not (project / "inputs" / ".weekly").exists()
    assert len(list((project / "private" / "mail" / "2023-12-13").glob("*.eml"))) == 5


def test_one_function_answers_where_the_state_is(tmp_path: Path) -> None:
    from weekly.state import mail_folder, state_dir

    inputs = tmp_path / "inputs"
    assert state_dir(inputs, environ={}) == inputs / ".weekly"
    assert state_dir(inputs, environ={"WEEKLY_STATE": "/srv/weekly"}) == Path("/srv/weekly")
    assert state_dir(inputs, Path("here"), {"WEEKLY_STATE": "/srv/weekly"}) == Path("here")
    assert mail_folder(Path("s"), "2023-12-13") == Path("s/mail/2023-12-13")


def test_an_old_ledger_is_taken_over_and_at_most_once_holds(project: Path, weekly, smtp) -> None:
    handler, port = smtp
    old = _old_layout(project)
    result = weekly(*send_args(port), cwd=project)
    # jane was delivered, bob's delivery is unknown: by the old ledger, neither is sent again
    assert sorted(handler.per_recipient) == [
        "carol@example.net",
        "dave@example.com",
        "erin@example.com",
    ]
    assert result.returncode == 1  # bob: delivery unknown
    assert result.stdout.splitlines()[-1] == (
        f"sent 3 of 3 messages for 2023-12-13 ({SLUG}.pdf); 1 already delivered, 1 delivery unknown"
    )
    assert not old.exists()
    new = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    text = (new / "ledger.jsonl").read_text(encoding="utf-8")
    assert text.startswith(OLD_LEDGER)  # nothing of the old ledger lost, in its order
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["email"] for r in records if r["status"] == "sent"] == [
        "jane@example.com",
        "carol@example.net",
        "dave@example.com",
        "erin@example.com",
    ]
    assert (new / "001-jane-example-com.eml").read_text(encoding="utf-8").endswith("old draft\n")
    again = weekly(*send_args(port), cwd=project)
    assert again.returncode == 1
    assert sorted(handler.per_recipient.values()) == [1, 1, 1]  # nobody twice


def test_an_old_ledger_is_merged_before_a_newer_one(project: Path, weekly, smtp) -> None:
    """Both layouts hold records (an old version ran after a new one): all are kept."""
    handler, port = smtp
    _old_layout(project)
    new = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    new.mkdir(parents=True)
    newer = (
        '{"time": "2023-12-15T09:00:00+00:00", "email": "carol@example.net", "status": "sent"}\n'
    )
    (new / "ledger.jsonl").write_text(newer, encoding="utf-8")
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 1
    assert sorted(handler.per_recipient) == ["dave@example.com", "erin@example.com"]
    text = (new / "ledger.jsonl").read_text(encoding="utf-8")
    assert text.startswith(OLD_LEDGER + newer)


def test_check_warns_about_files_that_are_not_the_sites(project: Path, weekly) -> None:
    _old_layout(project)
    (project / "output" / "2023-12-13" / "subscribers.csv").write_text(RECIPIENTS, "utf-8")
    (project / "output" / "notes.txt").write_text("call jane@example.com\n", "utf-8")
    result = weekly("check", "--cutoff", "2023-12-13", cwd=project)
    assert result.returncode == 0
    message = (
        "warning: not a file of the site, and everything under the output folder is published: "
        "move it out (mail and other private state belong in the state folder)"
    )
    assert [line for line in result.stdout.splitlines() if line.startswith("output/")] == [
        f"output/2023-12-13/mail/.lock: {message} [W050]",
        f"output/2023-12-13/mail/001-jane-example-com.eml: {message} [W050]",
        f"output/2023-12-13/mail/ledger.jsonl: {message} [W050]",
        f"output/2023-12-13/subscribers.csv: {message} [W050]",
        f"output/notes.txt: {message} [W050]",
    ]
    dry = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv", cwd=project)
    assert dry.returncode == 0, dry.stderr
    (project / "output" / "2023-12-13" / "subscribers.csv").unlink()
    (project / "output" / "notes.txt").unlink()
    clean = weekly("check", "--cutoff", "2023-12-13", cwd=project)
    assert "output/" not in clean.stdout


def test_archive_refuses_to_publish_files_that_are_not_the_sites(project: Path, weekly) -> None:
    _old_layout(project)
    (project / "output" / "notes.txt").write_text("call jane@example.com\n", "utf-8")
    (project / "output" / "pagefind").mkdir()
    (project / "output" / "countries").mkdir()
    (project / "output" / "countries" / "mali.html").write_text("<p>Mali</p>", "utf-8")
    (project / "output" / ".2023-12-13.lock").write_text("", "utf-8")
    result = weekly("archive", "--format", "html", cwd=project)
    assert result.returncode == 2
    message = (
        "not a file of the site, and everything under the output folder is published: "
        "move it out (mail and other private state belong in the state folder)"
    )
    assert result.stderr.splitlines() == [
        f"output/2023-12-13/mail/.lock: error: {message} [E050]",
        f"output/2023-12-13/mail/001-jane-example-com.eml: error: {message} [E050]",
        f"output/2023-12-13/mail/ledger.jsonl: error: {message} [E050]",
        f"output/notes.txt: error: {message} [E050]",
        "weekly: 4 errors; nothing written",
    ]
    assert not (project / "output" / "index.html").exists()


def test_the_sites_own_files_pass(project: Path, weekly) -> None:
    first = weekly("archive", "--format", "html,pdf,fragment", "--base-url", "https://x.org/",
                   cwd=project)  # fmt: skip
    assert first.returncode == 0, first.stderr
    from weekly.site.owned import unowned

    output = project / "output"
    for name in ("2023-12-13/share-card.png", "favicon.svg", "robots.txt", "sitemap.xml"):
        assert (output / name).is_file(), name
    assert unowned(output) == []
    render = weekly("render", "--cutoff", "2023-12-13", "--draft", "--format", "html",
                    cwd=project)  # fmt: skip
    assert render.returncode == 0, render.stderr
    again = weekly("archive", "--format", "html,pdf,fragment", "--base-url", "https://x.org/",
                   cwd=project)  # fmt: skip
    assert again.returncode == 0, again.stderr


def test_a_state_folder_inside_the_output_is_refused(project: Path, weekly) -> None:
    result = weekly("email", "--cutoff", "2023-12-13", "--to", "recipients.csv",
                    "--state", "output/private", cwd=project)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "weekly: the state folder output/private is inside the output folder output, which is "
        "published: choose one outside it (--state)",
        "weekly: 1 error; nothing sent",
    ]
    assert not (project / "output" / "private").exists()


def test_the_sites_file_names_count_only_where_the_site_writes_them(tmp_path: Path) -> None:
    from weekly.site.owned import unowned

    output = tmp_path / "output"
    edition = output / "2023-12-13"
    edition.mkdir(parents=True)
    for path in (output / "robots.txt", output / "favicon.svg", edition / "share-card.png"):
        path.write_bytes(b"x")
    (edition / "s.before-2023-12-16.html").write_bytes(b"x")
    assert unowned(output) == []
    misplaced = [output / "share-card.png", edition / "robots.txt", edition / "favicon.svg"]
    for path in misplaced:
        path.write_bytes(b"x")
    assert unowned(output) == sorted(misplaced)
    assert unowned(output, ["2023-12-13"]) == sorted(misplaced[1:])


def test_what_a_killed_site_write_leaves_is_the_sites_and_nothing_else(tmp_path: Path) -> None:
    """A kill between a temporary copy and its rename leaves ``.NAME.XXXXXXXX.tmp``: that is
    a piece of a page the next archive writes again, not a stray; any other name still is."""
    from weekly.site.owned import unowned

    output = tmp_path / "output"
    edition = output / "2023-12-13"
    (output / "series").mkdir(parents=True)
    edition.mkdir()
    (output / ".pagefind-a1b2c3d4").mkdir()
    interrupted = [
        output / ".manifest.json.k2j4h6g8.tmp",
        output / ".index.html.abcd_123.tmp",
        output / "series" / ".africa-file.html.zz99yy88.tmp",
        edition / ".s.pdf.q1w2e3r4.tmp",
        edition / ".share-card.png.q1w2e3r4.tmp",
    ]
    strays = [
        output / ".subscribers.csv.k2j4h6g8.tmp",  # not a file the site writes there
        edition / ".ledger.jsonl.q1w2e3r4.tmp",
        output / ".index.html.tmp",  # not the writer's temporary name
    ]
    for path in interrupted + strays:
        path.write_bytes(b"x")
    assert unowned(output) == sorted(strays)
