"""The archive site in Chromium, served by a plain static server on loopback: search, a region
page, and axe-core on the index. A missing Chromium, Pagefind or axe-core fails, never skips."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest

from support import run_weekly, write_tree
from support.checkers import AXE
from support.site_inputs import FILES, PAGES

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the archive once and serve ``output/`` under ``/weekly/`` on 127.0.0.1."""
    root = tmp_path_factory.mktemp("site")
    write_tree(root, FILES)
    result = run_weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    (root / "public").mkdir()
    (root / "public" / "weekly").symlink_to(root / "output")  # served below the server's root
    handler = functools.partial(_Quiet, directory=str(root / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/weekly/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tab(browser: object) -> Iterator[object]:
    """One tab for the module: each test loads its own page into it (the site keeps no cookie
    or storage), which costs a tenth of opening a tab."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Loopback only: any other request fails the page instead of leaving the machine.
    page.route("**/*", _loopback_only)
    yield page
    context.close()


def _loopback_only(route: object) -> None:
    url = route.request.url  # type: ignore[attr-defined]
    if url.startswith("http://127.0.0.1:"):
        route.continue_()  # type: ignore[attr-defined]
    else:
        route.abort()  # type: ignore[attr-defined]


def _search(tab: object, site: str, words: str) -> list[dict[str, str]]:
    from playwright.sync_api import expect

    tab.goto(site + "index.html")  # type: ignore[attr-defined]
    tab.fill("#search-input", words)  # type: ignore[attr-defined]
    tab.click("#search-form button")  # type: ignore[attr-defined]
    expect(tab.locator("#search-status")).to_contain_text("found")  # type: ignore[attr-defined]
    return tab.eval_on_selector_all(  # type: ignore[attr-defined,no-any-return]
        "#search-results li",
        """items => items.map(li => ({
            title: li.querySelector('h3').textContent,
            href: li.querySelector('a').href,
            date: li.querySelector('.published').textContent,
            excerpt: li.querySelector('.excerpt').innerHTML,
        }))""",
    )


def test_searching_kidal_finds_the_edition_that_discusses_it(tab: object, site: str) -> None:
    results = _search(tab, site, "Kidal")
    assert len(results) == 1, results
    (found,) = results
    assert found["title"] == (
        "Salafi-Jihadi Movement Weekly Update, December 6, 2023: The Army Takes Kidal"
    )
    assert found["date"] == "December 6, 2023"
    assert found["href"] == site + PAGES["2023-12-06"] + "#mali-heading"  # the section
    assert "<mark>Kidal" in found["excerpt"]
    tab.click("#search-results a")  # type: ignore[attr-defined]
    assert tab.title().endswith("The Army Takes Kidal")  # type: ignore[attr-defined]


def test_search_leaves_out_endnotes_and_neighbour_links(tab: object, site: str) -> None:
    # "Reuters" appears only in the endnote of 2023-12-06 (the Kidal source): endnotes are
    # left out of the index, so excerpts come from the article.
    assert _search(tab, site, "Reuters") == []
    # "Besieges" is the headline of 2023-11-29; the next edition links to it, but is not found.
    results = _search(tab, site, "besieges")
    assert [r["href"] for r in results] == [site + PAGES["2023-11-29"]]


def test_markup_in_an_edition_stays_text_in_search_results(tab: object, site: str) -> None:
    results = _search(tab, site, "posters")
    assert [r["href"] for r in results] == [site + PAGES["2023-11-29"]]
    assert "&lt;img src=x" in results[0]["excerpt"]
    assert tab.eval_on_selector_all("#search-results img", "found => found.length") == 0  # type: ignore[attr-defined]
    assert tab.evaluate("window.pwned === undefined")  # type: ignore[attr-defined]


def test_a_region_page_lists_the_editions_covering_it(tab: object, site: str) -> None:
    tab.goto(site + PAGES["2023-12-06"])  # type: ignore[attr-defined]
    tab.click(".topics.regions a:text('Mali')")  # type: ignore[attr-defined]
    assert tab.url == site + "regions/mali.html"  # type: ignore[attr-defined]
    headlines = tab.eval_on_selector_all(  # type: ignore[attr-defined]
        "main h2 a, main h3 a", "links => links.map(a => a.textContent)"
    )
    assert headlines == ["Al Qaeda Strengthens in Central Mali", "The Army Takes Kidal"]


@pytest.mark.parametrize("width", [1000, 360])
def test_the_index_passes_axe_core(browser: object, site: str, width: int) -> None:
    if not AXE.is_file():
        pytest.fail(f"axe-core not found at {AXE}: run `npm install` (or npm install axe-core)")
    context = browser.new_context(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.route("**/*", _loopback_only)
        page.goto(site + "index.html")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
            "v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
        )
        assert found == []
        # the page holds no horizontal scroll on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_a_region_page_and_the_404_pass_axe_core(browser: object, site: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.route("**/*", _loopback_only)
        for path in ("regions/mali.html", "404.html"):
            page.goto(site + path)
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            found = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => v.id)"
            )
            assert found == [], path
    finally:
        context.close()


def test_output_needs_no_server_code(site: str) -> None:
    """The search index is plain files under output/pagefind."""
    import urllib.request

    with urllib.request.urlopen(site + "pagefind/pagefind.js", timeout=10) as response:
        assert response.status == 200
