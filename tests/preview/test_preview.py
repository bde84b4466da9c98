"""``weekly preview`` in a real browser (Debian's Chromium through Playwright), its HTTP
surface (404s, same-origin, loopback only) and the command line around it."""

from __future__ import annotations

import datetime as dt
import io
import re
import signal
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from support import edit, write_tree
from support.preview import MAP_SVG, SLUG, UPDATE_MD, WITH_FIGURE, previews, raw_get, start_cli
from weekly.preview import serve as preview

# ---------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def project(preview_project: Path) -> Path:
    """The small edition of conftest, as the working directory (paths print relative)."""
    return preview_project


def live(tab: object) -> None:
    """Wait until the page's reload channel is connected."""
    from playwright.sync_api import expect

    expect(tab.locator("#weekly-status")).to_have_attribute("data-state", "live")  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# The draft in the browser


@pytest.mark.browser
def test_draft_loads_with_banner_cutoff_and_panel(serve, page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    running = serve()
    page.goto(running.url)
    expect(page.locator(".draft-banner .draft-mark")).to_have_text("DRAFT — not for distribution")
    expect(page.locator(".draft-banner .draft-cutoff")).to_have_text(
        "Data Cutoff: December 13, 2023, at 10 a.m."
    )
    expect(page.locator("h1")).to_have_text(
        "Salafi-Jihadi Movement Weekly Update, December 13, 2023: "
        "Al Qaeda Strengthens in Central Mali"
    )
    expect(page.locator(".draft-summary")).to_have_text("No findings: weekly check is clean.")
    expect(page.locator(".draft-facts")).to_contain_text("Endnotes4")
    live(page)
    page.screenshot(path=str(tmp_path / "draft.png"), full_page=True)


@pytest.mark.browser
def test_clicking_a_note_lands_on_it_and_its_back_link_returns(serve, page) -> None:
    from playwright.sync_api import expect

    running = serve()
    page.goto(running.url)
    page.click("#ref-3")
    expect(page).to_have_url(re.compile(r"#note-3$"))
    expect(page.locator("#note-3")).to_be_in_viewport()
    expect(page.locator("#note-3")).to_contain_text("https://acleddata.com/dashboard/#/dashboard")
    page.click("#note-3 .backref")
    expect(page).to_have_url(re.compile(r"#ref-3$"))
    expect(page.locator("#ref-3")).to_be_in_viewport()


@pytest.mark.browser
def test_pointing_at_a_note_shows_its_sources_in_place(serve, page) -> None:
    from playwright.sync_api import expect

    running = serve()
    page.goto(running.url)
    page.hover("#ref-2")
    popover = page.locator(".draft-pop")
    expect(popover).to_be_visible()
    expect(popover.locator(".pop-head")).to_have_text("Note [2]")
    expect(popover.locator(".pop-text")).to_contain_text(
        "SITE Intelligence Group, “JNIM Bombs FAMa and Wagner Vehicles in Mali, Attacks VDP "
        "Positions in Burkina Faso,” November 24, 2023, available by subscription at "
        "www.siteintelgroup.com"
    )
    expect(popover.locator(".pop-keys li")).to_have_text(
        [
            "@site-jnim-2023-11-24 — inputs/sources.yaml:7",
            "@tamani-bandiagara — inputs/sources.yaml:12",
        ]
    )
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)


@pytest.mark.browser
def test_saving_the_update_updates_the_open_page_in_place(serve, page, project: Path) -> None:
    from playwright.sync_api import expect

    running = serve()
    page.goto(running.url)
    live(page)
    page.evaluate("window.scrollTo(0, 300); window.__sameDocument = true")
    edit(
        project / UPDATE_MD,
        "Reuters reported the army's move north.",
        "Reuters reported that the army retook Kidal.",
    )
    expect(page.locator("#L18")).to_contain_text(
        "Reuters reported that the army retook Kidal.", timeout=3000
    )
    # Updated in place: same document (no reload), same scroll position.
    assert page.evaluate("window.__sameDocument") is True
    assert abs(page.evaluate("window.scrollY") - 300) <= 2


@pytest.mark.browser
def test_a_broken_save_shows_the_errors_and_a_fixed_save_clears_them(
    serve, page, project: Path
) -> None:
    from playwright.sync_api import expect

    running = serve()
    page.goto(running.url)
    live(page)
    update = project / UPDATE_MD
    good = update.read_text(encoding="utf-8")
    update.write_text(good.replace("[@reuters-kidal]", "[@nope]"), encoding="utf-8")
    overlay = page.locator("#weekly-errors")
    expect(overlay).to_be_visible(timeout=3000)
    expect(overlay.locator("li")).to_have_text(
        ["inputs/2023-12-13/update.md:18: unknown source 'nope'"]
    )
    expect(page.locator(".draft-summary")).to_have_text(
        "1 error stops the build; showing the last good build."
    )
    update.write_text(good.replace("headline: Al Qaeda", "headline: Now Al Qaeda"), "utf-8")
    expect(overlay).to_have_count(0, timeout=3000)
    expect(page.locator("h1")).to_contain_text("Now Al Qaeda Strengthens in Central Mali")


@pytest.mark.browser
def test_a_preview_that_starts_broken_recovers(serve, page, project: Path) -> None:
    from playwright.sync_api import expect

    update = project / UPDATE_MD
    good = update.read_text(encoding="utf-8")
    update.write_text(good.replace("authors: [Liam Karr]", "authors: [Liam Karr"), "utf-8")
    running = serve()
    page.goto(running.url)
    expect(page.locator("#weekly-errors li")).to_have_text(
        [re.compile(r"^inputs/2023-12-13/update\.md:\d+: malformed YAML: ")]
    )
    live(page)
    update.write_text(good, encoding="utf-8")
    expect(page.locator("#weekly-errors")).to_have_count(0, timeout=3000)
    expect(page.locator("h1")).to_contain_text("Al Qaeda Strengthens in Central Mali")


@pytest.mark.browser
def test_shared_sources_images_and_templates_rebuild_the_page(serve, page, project: Path) -> None:
    from playwright.sync_api import expect

    write_tree(
        project,
        {
            "inputs/2023-12-13/update.md": WITH_FIGURE,
            "inputs/2023-12-13/figures/central.svg": MAP_SVG.format(color="aa0000"),
            "reports/templates/salafi-jihadi/_header.html": (
                '<header class="masthead"><h1>{{ page.title }}</h1>'
                '<p class="custom">First header</p></header>\n'
            ),
        },
    )
    running = serve()
    page.goto(running.url)
    live(page)
    expect(page.locator(".custom")).to_have_text("First header")
    expect(page.locator("#figure-1 .draft-provenance")).to_contain_text(
        "Static image figures/central.svg"
    )
    # The shared bibliography.
    edit(project / "inputs/sources.yaml", "Mali army says", "Malian army says")
    expect(page.locator("#note-4")).to_contain_text("“Malian army says", timeout=3000)
    # An image: the page asks for the new file under a new URL.
    before = page.locator("#figure-1 img").get_attribute("src")
    (project / "inputs/2023-12-13/figures/central.svg").write_text(MAP_SVG.format(color="0000aa"))
    expect(page.locator("#figure-1 img")).not_to_have_attribute("src", before, timeout=3000)
    src = page.locator("#figure-1 img").get_attribute("src")
    status, body = raw_get(running.server.server_address[1], "/" + src)
    assert (status, b"0000aa" in body) == (200, True)
    # A template: a broken one shows where, a fixed one recovers.
    header = project / "reports/templates/salafi-jihadi/_header.html"
    header.write_text("{% if %}\n", encoding="utf-8")
    expect(page.locator("#weekly-errors li")).to_have_text(
        [re.compile(r"^reports/templates/salafi-jihadi/_header\.html:1: ")], timeout=3000
    )
    header.write_text('<header><p class="custom">Second header</p></header>\n', "utf-8")
    expect(page.locator(".custom")).to_have_text("Second header", timeout=3000)
    expect(page.locator("#weekly-errors")).to_have_count(0)


@pytest.mark.browser
def test_the_panel_lists_check_findings_linked_to_their_place(
    serve, page, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    from weekly import check

    def run_checks(update, problems, caches=None) -> None:
        bullet = update.body.blocks()[1].items[1]
        problems.warning("W900", update.edition.path, bullet.line, "an evidence bullet to see")

    monkeypatch.setattr(check, "run_checks", run_checks)
    running = serve()
    page.goto(running.url)
    expect(page.locator(".draft-summary")).to_have_text("1 finding from weekly check.")
    finding = page.locator(".draft-findings li")
    expect(finding).to_have_text("inputs/2023-12-13/update.md:16warningan evidence bullet to see")
    # At this width the panel is a drawer behind the "Review" button.
    expect(finding).to_be_hidden()
    page.get_by_role("button", name="Review · 1").click()
    finding.locator("a").click()
    expect(page.locator("#weekly-panel")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"#L16$"))
    expect(page.locator("#L16")).to_be_in_viewport()
    expect(page.locator("#L16")).to_have_text("Security forces pulled back.[3]")


@pytest.mark.browser
def test_pdf_is_printed_in_the_background_and_linked(serve, page) -> None:
    from playwright.sync_api import expect

    running = serve(pdf=True)
    page.goto(running.url)
    link = page.locator(".draft-pdf a")
    expect(link).to_have_attribute("href", f"/{SLUG}.pdf")
    expect(page.locator("#weekly-pdf-state")).to_contain_text("ready", timeout=90_000)
    status, body = raw_get(running.server.server_address[1], f"/{SLUG}.pdf")
    assert status == 200 and body.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Al Qaeda Strengthens in Central Mali" in text
    for aid in ("DRAFT", "not for distribution", "Reviewer panel", "Static image"):
        assert aid not in text


# ---------------------------------------------------------------------------
# The HTTP surface


TRAVERSALS = [
    "/../inputs/2023-12-13/update.md",
    "/../../etc/passwd",
    "/%2e%2e/inputs/sources.yaml",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/%252e%252e/inputs/sources.yaml",
    "/figures/../../inputs/sources.yaml",
    "/figures/..%2f..%2finputs%2fsources.yaml",
    "/figures/%2e%2e%5c%2e%2e%5cinputs%5csources.yaml",
    "/..\\inputs\\sources.yaml",
    "/figures\\..\\..\\inputs\\sources.yaml",
    "//etc/passwd",
    "/etc/passwd",
    "/inputs/sources.yaml",
    "/inputs/",
    "/inputs/2023-12-13/update.md",
    "/figures/",
    "/figures",
    "/output/",
    "/%00",
    "/%ff%fe",
    "/./",
    "/index.html/../inputs/sources.yaml",
    "http://127.0.0.1/inputs/sources.yaml",
    "/C:/Windows/win.ini",
    "/__weekly/",
    f"/{SLUG}.pdf",
    f"/{SLUG}.draft.html",
]


@pytest.fixture(scope="module")
def read_only_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of one preview for every request that only reads (none changes a file)."""
    from support import SOURCES, UPDATE

    root = write_tree(
        tmp_path_factory.mktemp("read-only"),
        {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": UPDATE},
    )
    with previews(root / "inputs") as start:
        yield start().server.server_address[1]  # type: ignore[attr-defined]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_anything_but_the_draft_and_its_files_is_not_found(
    read_only_port: int, target: str
) -> None:
    assert raw_get(read_only_port, target) == (404, b"Not found\n")


def test_the_draft_and_its_figures_are_served(serve, project: Path) -> None:
    write_tree(
        project,
        {
            "inputs/2023-12-13/update.md": WITH_FIGURE,
            "inputs/2023-12-13/figures/central.svg": MAP_SVG.format(color="aa0000"),
        },
    )
    running = serve()
    port = running.server.server_address[1]
    status, html = raw_get(port, "/")
    assert status == 200 and b"DRAFT \xe2\x80\x94 not for distribution" in html
    src = re.search(rb'<img src="(figures/central\.svg\?v=[0-9a-f]+)"', html)
    assert src is not None
    assert raw_get(port, "/" + src[1].decode()) == (200, MAP_SVG.format(color="aa0000").encode())
    assert raw_get(port, "/figures/central.svg")[0] == 200
    assert raw_get(port, "/figures/central%2esvg")[0] == 200


def test_other_hosts_and_origins_are_refused(serve) -> None:
    running = serve()
    port = running.server.server_address[1]
    refused = (403, b"Forbidden: weekly preview answers only its own page\n")
    assert raw_get(port, "/", {"Host": "evil.example"}) == refused
    assert raw_get(port, "/", {"Host": f"evil.example:{port}"}) == refused
    origin = {"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example"}
    assert raw_get(port, preview.EVENTS, origin) == refused
    cross = {"Host": f"127.0.0.1:{port}", "Sec-Fetch-Site": "cross-site"}
    assert raw_get(port, preview.EVENTS, cross) == refused
    assert raw_get(port, "/", {"Host": f"localhost:{port}"})[0] == 200
    # Following a link to the draft from elsewhere is fine; reading the channel is not.
    assert raw_get(port, "/", {"Sec-Fetch-Site": "cross-site"})[0] == 200


def test_the_reload_channel_streams_build_numbers_to_the_same_origin(serve) -> None:
    running = serve()
    port = running.server.server_address[1]
    with socket.create_connection(("127.0.0.1", port), 10) as sock:
        sock.sendall(
            f"GET {preview.EVENTS} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n".encode()
        )
        stream = sock.makefile("rb")
        head = []
        while (line := stream.readline()) != b"\r\n":
            head.append(line.decode().strip())
        assert head[0] == "HTTP/1.1 200 OK"
        assert "Content-Type: text/event-stream; charset=utf-8" in head
        version = running.preview.page.version
        expected = f"retry: 500\n\nevent: build\ndata: {version}\n\n".encode()
        assert b"".join(stream.readline() for _ in range(5)) == expected
        # Then nothing until the next build (a keep-alive comes only every 15 seconds).
        sock.settimeout(1.0)
        with pytest.raises(TimeoutError):
            stream.readline()


def test_the_server_listens_on_127_0_0_1_only(serve) -> None:
    running = serve()
    host, port = running.server.socket.getsockname()[:2]
    assert host == "127.0.0.1"
    assert running.server.socket.family == socket.AF_INET
    for other in ("127.0.0.2", "127.1.2.3"):
        with pytest.raises(ConnectionRefusedError), socket.create_connection((other, port), 2):
            pass
    if socket.has_ipv6:
        with pytest.raises(OSError), socket.create_connection(("::1", port), 2):
            pass


# ---------------------------------------------------------------------------
# Draft aids never reach the final outputs


@pytest.mark.slow
def test_final_html_and_pdf_carry_no_draft_aids(edition: Path, weekly) -> None:
    plain = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert plain.returncode == 0, plain.stderr
    folder = edition / "output" / "2023-12-13"
    final_before = (folder / f"{SLUG}.html").read_bytes()
    result = weekly("render", "--cutoff", "2023-12-13", "--draft", cwd=edition)
    assert result.returncode == 0, result.stderr
    final = (folder / f"{SLUG}.html").read_text(encoding="utf-8")
    assert final.encode() == final_before
    assert not (folder / f"{SLUG}.draft.html").exists()  # never under output/
    drafts = edition / "inputs" / ".weekly" / "drafts" / "2023-12-13"
    draft = (drafts / f"{SLUG}.draft.html").read_text(encoding="utf-8")
    aids = [
        "DRAFT — not for distribution",
        'class="draft"',
        '<div class="draft-banner"',
        '<aside class="draft-panel"',
        '<script id="weekly-draft-script">',
        "data-line=",
        'id="L13"',
        "__weekly",
    ]
    for aid in aids[:-1]:
        assert aid in draft
    for aid in aids:
        assert aid not in final
    pdf = PdfReader(folder / f"{SLUG}.pdf")
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Al Qaeda Strengthens in Central Mali" in text
    for aid in ("DRAFT", "not for distribution", "Reviewer panel", "line 13"):
        assert aid not in text


def test_the_yaml_cache_hands_out_copies_a_reader_may_change(tmp_path: Path) -> None:
    from weekly.inputs import yamlfile

    text = "a:\n  b: [1, 2]\n  when: 2023-12-13\n"
    path = tmp_path / "x.yaml"
    cache = yamlfile.YamlCache()  # what the preview passes to the loaders
    first = cache.load(text, path)
    first.data["a"]["b"].append(3)
    first.data["a"]["c"] = "new"
    first.lines[("z",)] = 9
    second = cache.load(text, path)
    assert len(cache.docs) == 1
    fresh = yamlfile.load_yaml(text, path)
    assert second == fresh
    assert second.data == {"a": {"b": [1, 2], "when": dt.date(2023, 12, 13)}}
    assert second.line("a", "b") == 2


def test_findings_link_to_their_place_in_the_draft(project: Path) -> None:
    from weekly.errors import Problem
    from weekly.pipeline import load_checked
    from weekly.render.draft import aids_for, anchor_for, draft_html

    write_tree(
        project,
        {
            "inputs/2023-12-13/update.md": WITH_FIGURE,
            "inputs/2023-12-13/figures/central.svg": MAP_SVG.format(color="aa0000"),
        },
    )
    update = load_checked(Path("inputs"), "2023-12-13")
    path = "inputs/2023-12-13/update.md"

    def at(line: int, file: str = path, column: int = 0) -> Problem:
        return Problem(file, line, column, "warning", "W000", "look here")

    assert anchor_for(at(18), update) == "#L18"  # the first lead (after 5 figure lines)
    assert anchor_for(at(20), update) == "#L20"  # the first evidence bullet
    assert anchor_for(at(21), update) == "#L21"  # the second evidence bullet
    assert anchor_for(at(22), update) == "#L21"  # a blank line: the block before it
    assert anchor_for(at(23), update) == "#figure-1"
    assert anchor_for(at(11), update) == "#figure-1"  # the figure's front matter
    assert anchor_for(at(8), update) == "#top"  # a notice
    assert anchor_for(at(12, "inputs/sources.yaml"), update) == "#note-2"  # tamani-bandiagara
    assert anchor_for(at(1, "elsewhere.csv"), update) == ""
    column = update.citations[0].column
    assert anchor_for(at(18, column=column), update) == "#ref-1"
    page = draft_html(update, aids_for(update, [at(21)]))
    assert (
        '<li class="warning"><a href="#L21"><span class="where">inputs/2023-12-13/update.md:21'
        in page
    )
    assert '<ul class="evidence">\n<li id="L20" data-line="20">' in page
    assert '<li id="L21" data-line="21">' in page


# ---------------------------------------------------------------------------
# The command line


@pytest.mark.slow
def test_cli_prints_the_url_follows_edits_and_stops_on_ctrl_c(edition: Path) -> None:
    process = start_cli(edition, "--port", "0")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert re.fullmatch(r"\d\d:\d\d:\d\d rebuilt in \d+ ms\n", lines[0])
        serving = re.fullmatch(
            r"Serving the draft of 2023-12-13 at (http://127\.0\.0\.1:(\d+)/)\n", lines[1]
        )
        assert serving, lines
        assert lines[2] == "Edit the inputs and save: the page follows. Press Ctrl-C to stop.\n"
        url = serving[1]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"Al Qaeda Strengthens in Central Mali" in response.read()
        edit(edition / UPDATE_MD, "Al Qaeda Strengthens", "Al Qaeda Surges")
        deadline = time.monotonic() + 3
        seen = b""
        while time.monotonic() < deadline and b"Al Qaeda Surges" not in seen:
            time.sleep(0.05)
            with urllib.request.urlopen(url, timeout=10) as response:
                seen = response.read()
        assert b"Al Qaeda Surges" in seen
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert out.endswith("weekly: preview stopped\n")
    assert err == ""


def test_cli_busy_port_is_one_clear_line(edition: Path, weekly) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = weekly("preview", "--cutoff", "2023-12-13", "--port", str(port), cwd=edition)
    assert result.returncode == 2
    assert result.stderr == (
        f"weekly: port {port} on 127.0.0.1 is in use; choose another with --port "
        "(--port 0 picks a free one)\n"
    )
    assert result.stdout == ""


def test_cli_unknown_edition(edition: Path, weekly) -> None:
    result = weekly("preview", "--cutoff", "2023-01-04", "--port", "0", cwd=edition)
    assert result.returncode == 2
    assert result.stderr == (
        "inputs/2023-01-04/update.md: error: no edition for cutoff 2023-01-04\n"
        "weekly: 1 error; nothing written\n"
    )


@pytest.mark.slow
def test_an_unfinished_preview_writes_nothing_under_the_output(preview_project: Path) -> None:
    update = preview_project / "inputs" / "2023-12-13" / "update.md"
    text = update.read_text(encoding="utf-8")
    update.write_text(text.replace("Al Qaeda Strengthens in Central Mali", '"TODO: headline"'))
    with previews() as start:
        running = start(output=Path("out"), pdf=True, state=Path("private"))
        deadline = time.monotonic() + 90
        while not running.preview.pdf.state.startswith("ready"):  # printed, shown in the page
            assert time.monotonic() < deadline, running.preview.pdf.state
            time.sleep(0.1)
    # stopped: the PDF thread is done with this print
    draft = preview_project / "private" / "drafts" / "2023-12-13" / f"{SLUG}.draft.html"
    assert "TODO: headline" in draft.read_text(encoding="utf-8")
    assert not (preview_project / "out").exists()  # neither the draft nor the PDF


@pytest.mark.slow
def test_cli_writes_the_draft_to_the_state_folder(edition: Path) -> None:
    process = start_cli(edition, "--port", "0", "--output", "out", "--state", "private")
    try:
        assert process.stdout is not None
        for _ in range(3):
            process.stdout.readline()
        draft = edition / "private" / "drafts" / "2023-12-13" / f"{SLUG}.draft.html"
        deadline = time.monotonic() + 10
        while not draft.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = draft.read_text(encoding="utf-8")
        assert "DRAFT — not for distribution" in text
        assert '"live": false' in text
        assert not list((edition / "out").rglob("*.draft.html"))  # nothing unfinished published
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
