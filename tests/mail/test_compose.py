"""The composer writes the messages ``build_message`` defines, and the dry run streams them."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import run_script
from support.mail import PNG, REGIONS, SERIES
from weekly.mail import compose, drafts
from weekly.mail.compose import Composer
from weekly.mail.message import FILE_POLICY, MailEdition, build_message, prepare
from weekly.mail.recipients import Recipient
from weekly.mail.settings import mail_settings
from weekly.pipeline import load_checked

#: Names that exercise quoting, encoded-words, folding and a byte 0x85 (``Å`` is C3 85,
#: a line break to ``str.splitlines`` if it ever reached one undecoded).
NAMES = [
    "Jane Doe",
    "Müller, Zoë",
    "Åsa Ångström",
    "",
    'A "quoted" <name> & co',
    "Erin Ó Briain " * 9,
    "x" * 120,
    "李小龙",
]
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)
NOW = dt.datetime(2023, 12, 15, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def same_boundaries(data: bytes) -> bytes:
    """Return ``data`` with its multipart boundaries (random in both builds) named alike."""
    found = list(dict.fromkeys(re.findall(rb"={15}\d{19}==", data)))
    for number, boundary in enumerate(found):
        data = data.replace(boundary, b"BOUNDARY-%d" % number)
    return data


@contextlib.contextmanager
def mail_edition(project: Path, figure: str | None = None) -> Iterator[MailEdition]:
    with contextlib.chdir(project):
        update = load_checked(Path("inputs"), "2023-12-13")
        settings = mail_settings(update, None, None, None, figure)
        # Any bytes do for the attachment here: 40 KB of them give many base64 lines.
        yield prepare(update, settings, b"%PDF-1.7\n" + os.urandom(40_000))


@pytest.fixture
def project(edition: Path) -> Path:
    (edition / "inputs" / "series.yaml").write_text(SERIES, encoding="utf-8")
    return edition


@pytest.mark.parametrize("with_figure", [False, True])
def test_composed_messages_are_the_email_package_ones(project: Path, with_figure: bool) -> None:
    figure = None
    if with_figure:
        (project / "inputs" / "2023-12-13" / "update.md").write_text(REGIONS, encoding="utf-8")
        (project / "inputs" / "2023-12-13" / "figures").mkdir()
        (project / "inputs" / "2023-12-13" / "figures" / "map.png").write_bytes(PNG)
        figure = "map"
    with mail_edition(project, figure) as edition:
        for_file, for_smtp = Composer(edition, NOW), Composer(edition, NOW, smtp=True)
        for index, name in enumerate(NAMES):
            recipient = Recipient(f"reader.{index}@example.com", name, index + 2)
            msg, html_size = build_message(edition, recipient, NOW)
            composed = for_file.compose(recipient)
            assert same_boundaries(composed.data) == same_boundaries(
                msg.as_bytes(policy=FILE_POLICY)
            )
            assert composed.html_size == html_size
            wire = re.sub(rb"(?m)^\.", b"..", msg.as_bytes(policy=SMTP_POLICY))
            assert same_boundaries(for_smtp.compose(recipient).data) == same_boundaries(wire)
    parsed = email.message_from_bytes(composed.data, policy=email.policy.default)
    assert str(parsed["To"]) == "李小龙 <reader.7@example.com>"
    if with_figure:
        assert b"Content-Type: image/png" in composed.data


def test_one_run_shares_one_set_of_boundaries_that_no_body_contains(project: Path) -> None:
    with mail_edition(project) as edition:
        composer = Composer(edition, NOW)
        first = composer.compose(Recipient("a@example.com", "A", 2)).data
        second = composer.compose(Recipient("b@example.com", "B", 3)).data
    boundaries = set(re.findall(rb'boundary="(={15}\d{19}==)"', first))
    assert len(boundaries) == 2  # mixed, alternative
    assert boundaries == set(re.findall(rb'boundary="(={15}\d{19}==)"', second))
    for boundary in boundaries:
        lines = first.split(b"\n")
        delimiters = [line for line in lines if boundary in line]
        assert all(line.startswith((b"--", b"Content-Type:")) for line in delimiters)


def recipients(count: int) -> list[Recipient]:
    return [Recipient(f"reader{i}@example.com", f"Reader {i}", i + 2) for i in range(count)]


def test_a_dry_run_replaces_the_old_drafts_and_leaves_no_staging(project: Path) -> None:
    folder = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    dead = subprocess.Popen(["true"])  # noqa: S607
    dead.wait()
    (folder / f".drafts-{dead.pid}").mkdir(parents=True)  # a dry run that died midway
    (folder / f".drafts-{dead.pid}" / "001-x.eml").write_bytes(b"half")
    (folder / f".drafts-{os.getppid()}").mkdir()  # one still running
    with mail_edition(project) as edition:
        assert drafts.write_drafts(edition, recipients(5), folder)[0] == 5
        count, largest = drafts.write_drafts(edition, recipients(2), folder)
    assert count == 2 and largest > 1000
    assert sorted(p.name for p in folder.iterdir()) == [
        f".drafts-{os.getppid()}",
        "001-reader0-example-com.eml",
        "002-reader1-example-com.eml",
    ]


def test_a_dry_run_that_fails_midway_keeps_the_previous_drafts(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project / "inputs" / ".weekly" / "mail" / "2023-12-13"
    with mail_edition(project) as edition:
        drafts.write_drafts(edition, recipients(3), folder)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        real = Composer.compose
        calls = []

        def failing(self: Composer, recipient: Recipient) -> compose.Composed:
            calls.append(recipient)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return real(self, recipient)

        monkeypatch.setattr(Composer, "compose", failing)
        with pytest.raises(OSError):
            drafts.write_drafts(edition, recipients(4)[::-1], folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


#: Writes 150 then 1,500 drafts in a fresh process (as ``weekly email`` runs), printing the
#: peak memory allocated by each. The cyclic garbage collector is off meanwhile, so garbage
#: only it frees counts too (when it runs depends on everything else a process holds).
MEASURE = """
import gc, json, os, tracemalloc
from pathlib import Path
from weekly.mail import drafts
from weekly.mail.message import prepare
from weekly.mail.recipients import Recipient
from weekly.mail.settings import mail_settings
from weekly.pipeline import load_checked

update = load_checked(Path("inputs"), "2023-12-13")
settings = mail_settings(update, None, None, None, None, {"WEEKLY_UNSUBSCRIBE_SECRET": "s"})
edition = prepare(update, settings, b"%PDF-1.7\\n" + os.urandom(40_000))

def peak(count, folder):
    listed = [Recipient(f"reader{i}@example.com", f"Reader {i}", i + 2) for i in range(count)]
    gc.collect()
    gc.disable()
    tracemalloc.start()
    drafts.write_drafts(edition, listed, Path(folder))
    result = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gc.enable()
    return result

peak(20, "warm")  # caches of the email package and Jinja
print(json.dumps([peak(150, "small"), peak(1500, "large")]))
"""


@pytest.mark.slow
def test_the_dry_run_holds_no_more_memory_for_ten_times_the_recipients(project: Path) -> None:
    small, large = json.loads(run_script(project, MEASURE))
    assert len(list((project / "large").glob("*.eml"))) == 1500
    # Holding even just each message's own pieces (headers, bodies) adds ~7 KB a message:
    # ~9 MB for 1,350 more; holding whole messages, as before, ~55 KB each; the garbage
    # classes of the email package's header registry, ~23 KB each.
    assert large < small + 1_000_000, (small, large)
