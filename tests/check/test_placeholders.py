"""Placeholders are errors: an edition straight out of ``weekly new`` is refused everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import SOURCES, UPDATE

#: What ``weekly new`` leaves in the edition after conftest's 2023-12-13, line by line.
LEFT = [
    "inputs/2023-12-20/update.md:5: error: headline is still a placeholder: 'TODO: headline' [E051]",
    "inputs/2023-12-20/update.md:9: error: a '# REVIEW:' marker is still here: review the line "
    "below it, then delete the marker [E053]",
    "inputs/2023-12-20/update.md:11: error: key_takeaway is still a placeholder: "
    "'TODO: key takeaway' [E051]",
    "inputs/2023-12-20/update.md:13: error: the body is empty: write the edition [E052]",
]


@pytest.fixture
def started(edition: Path, weekly) -> Path:
    """The small edition of conftest and next week's, as ``weekly new`` writes it."""
    result = weekly("new", "--cutoff", "2023-12-20", cwd=edition)
    assert result.returncode == 0, result.stderr
    return edition


def test_check_names_each_placeholder_with_its_line(started: Path, weekly) -> None:
    result = weekly("check", "--cutoff", "2023-12-20", cwd=started)
    assert result.returncode == 2
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == LEFT
    assert result.stdout.splitlines()[-1] == "4 errors, 0 warnings"


def test_render_refuses_and_writes_nothing(started: Path, weekly) -> None:
    result = weekly("render", "--cutoff", "2023-12-20", "--format", "html", cwd=started)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [*LEFT, "weekly: 4 errors; nothing written"]
    assert not (started / "output" / "2023-12-20").exists()


def test_a_draft_render_writes_the_draft_page_alone_with_a_banner(started: Path, weekly) -> None:
    result = weekly("render", "--cutoff", "2023-12-20", "--draft", cwd=started)
    assert result.returncode == 0, result.stderr
    assert not (started / "output" / "2023-12-20").exists()  # nothing unfinished is published
    drafts = started / "inputs" / ".weekly" / "drafts" / "2023-12-20"
    written = sorted(p.name for p in drafts.iterdir())
    assert written == ["salafi-jihadi-movement-weekly-update-december-20-2023.draft.html"]
    html = (drafts / written[0]).read_text(encoding="utf-8")
    assert (
        '<span class="draft-unfinished">Unfinished: 4 placeholders left (see weekly check); '
        "it cannot be published</span>"
    ) in html
    assert "headline is still a placeholder" in html  # listed in the reviewer panel


def test_archive_does_not_publish_the_unfinished_edition(started: Path, weekly) -> None:
    result = weekly("archive", "--format", "html", cwd=started)
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if "2023-12-20" in line] == LEFT
    assert not (started / "output" / "index.html").exists()
    assert not (started / "output" / "2023-12-20").exists()


def test_archive_keeps_the_published_site_as_it_was(edition: Path, weekly) -> None:
    first = weekly("archive", "--format", "html", cwd=edition)
    assert first.returncode == 0, first.stderr
    index = (edition / "output" / "index.html").read_bytes()
    feed = (edition / "output" / "feed.xml").read_bytes()
    assert weekly("new", "--cutoff", "2023-12-20", cwd=edition).returncode == 0
    second = weekly("archive", "--format", "html", cwd=edition)
    assert second.returncode == 2
    assert (edition / "output" / "index.html").read_bytes() == index
    assert (edition / "output" / "feed.xml").read_bytes() == feed
    assert b"TODO" not in index and b"TODO" not in feed


def test_email_does_not_send_it(started: Path, weekly) -> None:
    (started / "recipients.csv").write_text("email,name\njane@example.com,Jane\n", "utf-8")
    result = weekly("email", "--cutoff", "2023-12-20", "--to", "recipients.csv", cwd=started)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [*LEFT, "weekly: 4 errors; nothing sent"]
    assert not (started / "inputs" / ".weekly" / "mail" / "2023-12-20").exists()
    assert not (started / "output" / "2023-12-20").exists()


def test_import_and_body_placeholders_and_empty_sections(tree, weekly) -> None:
    head, body = UPDATE.split("---\n\n", 1)
    head = head.replace(
        "key_takeaway:",
        "figures:\n  map:\n    title: 'TODO: figure title'\n    image: map.svg\n"
        "    alt: A map.\n    source: Liam Karr.\nkey_takeaway:",
    )
    text = f"{head}---\n\n{body}\n{{{{ figure('map') }}}}\n\n## Mali\n\nTODO: the Mali section\n\n## Niger\n"
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": text,
            "inputs/2023-12-13/map.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
        }
    )
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    lines = text.splitlines()
    title_line = lines.index("    title: 'TODO: figure title'") + 1
    todo_line = lines.index("TODO: the Mali section") + 1
    niger_line = lines.index("## Niger") + 1
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == [
        f"inputs/2023-12-13/update.md:{title_line}: error: figures.map.title is still a "
        "placeholder: 'TODO: figure title' [E051]",
        f"inputs/2023-12-13/update.md:{todo_line}: error: the body still has a placeholder: "
        "'TODO: the Mali section' [E051]",
        f"inputs/2023-12-13/update.md:{niger_line}: error: section '## Niger' is empty: write it "
        "or delete the heading [E052]",
    ]


def test_the_preview_shows_an_unfinished_edition_with_its_placeholders(
    started: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.preview import raw_get
    from weekly.preview import serve as preview

    monkeypatch.chdir(started)
    running = preview.start(Path("inputs"), "2023-12-20", port=0, serve=True)
    try:
        status, html = raw_get(running.server.server_address[1], "/")
    finally:
        running.stop()
    assert status == 200
    page = html.decode("utf-8")
    assert "Unfinished: 4 placeholders left (see weekly check); it cannot be published" in page
    assert "error stops the build" not in page and "errors stop the build" not in page
    assert "headline is still a placeholder" in page  # listed in the panel
