"""The site and the email in Chromium at 1280 and 390 px: search (in the address, as you
type, to the section, filtered), the compact list past the latest ten, chart labels a phone
can read, and an email that needs no sideways scrolling."""

from __future__ import annotations

import functools
import http.server
import re
import statistics
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import ROOT, run_in_process, write_tree
from support.site_inputs import FILES, PAGES, edition

pytestmark = pytest.mark.browser
WIDTHS = [1280, 390]
SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def _more_editions() -> dict[str, str | bytes]:
    """The site archive plus eleven older editions (fourteen in all), one in 2022."""
    files = dict(FILES)
    days = ["2022-12-28"] + [f"2023-{month:02d}-15" for month in range(1, 11)]
    for number, day in enumerate(days, 1):
        files[f"inputs/{day}/update.md"] = edition(
            day,
            f"Older Headline Number {number}",
            f"An older takeaway {number}.",
            f"**Something happened.** A quiet week number {number}.[@sigact]\n",
        )
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the archive once (fourteen editions) and serve ``output/`` on 127.0.0.1."""
    root = write_tree(tmp_path_factory.mktemp("phone"), _more_editions())
    done = run_in_process("archive", "--format", "html", cwd=root)
    assert done.returncode == 0, done.stderr
    url, server = _serve(root / "output")
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example edition (an events chart and map) rendered and served, with its email."""
    import shutil

    from weekly.mail.message import prepare, prepare_correction, render_bodies
    from weekly.mail.recipients import Recipient
    from weekly.mail.settings import mail_settings
    from weekly.pipeline import load_checked

    root = tmp_path_factory.mktemp("example")
    shutil.copytree(ROOT / "inputs", root / "inputs")
    done = run_in_process("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert done.returncode == 0, done.stderr
    update = load_checked(root / "inputs", "2023-12-13")
    mail = prepare(update, mail_settings(update), b"%PDF-1.7")
    _, html = render_bodies(mail, Recipient("reader@example.org", "A Reader", 2))
    (root / "output" / "mail.html").write_text(html, encoding="utf-8")
    # The correction's mail, from the same edition with a correction added.
    update_md = root / "inputs" / "2023-12-13" / "update.md"
    update_md.write_text(
        update_md.read_text("utf-8").replace(
            "published: 2023-12-15\n",
            "published: 2023-12-15\ncorrections:\n  - date: 2023-12-16\n"
            "    text: An earlier version of this update misdated the attack on the N15.\n",
        ),
        "utf-8",
    )
    update = load_checked(root / "inputs", "2023-12-13")
    mail = prepare_correction(update, mail_settings(update), b"%PDF-1.7")
    _, html = render_bodies(mail, Recipient("reader@example.org", "A Reader", 2))
    (root / "output" / "mail-correction.html").write_text(html, encoding="utf-8")
    url, server = _serve(root / "output")
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """One tab per width for the module: each test loads its own page into it (the site keeps
    no cookie or storage), which costs a tenth of opening a tab."""
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route("**/*", _loopback_only)
    yield page
    context.close()


def _loopback_only(route: Any) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def _results(tab: Any) -> list[dict[str, str]]:
    from playwright.sync_api import expect

    expect(tab.locator("#search-status")).to_contain_text("found")
    return tab.eval_on_selector_all(  # type: ignore[no-any-return]
        "#search-results li",
        """items => items.map(li => ({
            title: li.querySelector('h3').textContent,
            href: li.querySelector('a').href,
            excerpt: li.querySelector('.excerpt').innerHTML,
        }))""",
    )


def _no_sideways_scroll(tab: Any) -> None:
    width = tab.viewport_size["width"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def test_a_search_in_the_address_runs_on_load_and_links_to_the_section(tab: Any, site: str) -> None:
    tab.goto(site + "index.html?q=Kidal")
    assert tab.input_value("#search-input") == "Kidal"
    (found,) = _results(tab)
    assert found["href"] == site + PAGES["2023-12-06"] + "#mali-heading"
    assert "<mark>Kidal" in found["excerpt"]
    _no_sideways_scroll(tab)
    tab.click("#search-results a")
    tab.wait_for_url("**#mali-heading")
    # the section is scrolled to the top of the window, or as far as the page goes
    top, scrolled, bottom = tab.evaluate(
        """() => [document.getElementById('mali-heading').getBoundingClientRect().top,
                  scrollY > 0, scrollY + innerHeight >= document.documentElement.scrollHeight - 1]"""
    )
    assert scrolled and top >= 0 and (top < 2 or bottom)


def test_typing_searches_and_writes_the_address(tab: Any, site: str) -> None:
    tab.goto(site + "index.html")
    tab.locator("#search-input").press_sequentially("Djibo", delay=30)  # no Enter, no button
    tab.wait_for_url(site + "index.html?q=Djibo")
    (found,) = _results(tab)
    assert found["href"] == site + PAGES["2023-12-06"] + "#burkina-faso-heading"
    assert tab.url == site + "index.html?q=Djibo"
    # the address, opened afresh, gives the same results
    tab.goto(tab.url)
    assert [r["href"] for r in _results(tab)] == [found["href"]]


def test_excerpts_come_from_the_article_not_the_endnotes(tab: Any, site: str) -> None:
    # "Reuters" is only in an endnote, which the index leaves out
    tab.goto(site + "index.html?q=Reuters")
    assert _results(tab) == []
    assert tab.text_content("#search-status") == "0 editions found."
    tab.goto(site + "index.html?q=flag")
    (found,) = _results(tab)
    text = re.sub("<[^>]+>", "", found["excerpt"])
    assert "Troops raised the flag over the town of Kidal" in text
    assert "reuters.com" not in text and "All editions" not in text


def test_filters_by_region_and_year(tab: Any, site: str) -> None:
    # a filter applies to editions: Kidal is in one edition, which covers no Somalia
    tab.goto(site + "index.html?q=Kidal&region=Somalia")
    assert tab.input_value("#search-region") == "Somalia"
    assert _results(tab) == []
    tab.goto(site + "index.html?q=Kidal&region=Burkina%20Faso")
    assert len(_results(tab)) == 1
    tab.goto(site + "index.html")
    regions = tab.eval_on_selector_all("#search-region option", "o => o.map(x => x.value)")
    assert regions == ["", "Burkina Faso", "Mali", "Somalia"]
    years = tab.eval_on_selector_all("#search-year option", "o => o.map(x => x.value)")
    assert years == ["", "2023", "2022"]
    # "quiet" is in the eleven older editions only
    tab.fill("#search-input", "quiet")
    assert len(_results(tab)) == 11
    tab.select_option("#search-year", "2022")
    (found,) = _results(tab)
    assert found["href"].startswith(site + "2022-12-28/")
    assert tab.url == site + "index.html?q=quiet&year=2022"
    tab.select_option("#search-year", "")
    tab.select_option("#search-region", "Somalia")
    assert _results(tab) == []
    tab.fill("#search-input", "shabaab")
    tab.wait_for_url(site + "index.html?q=shabaab&region=Somalia")  # the search has started
    (found,) = _results(tab)
    assert found["href"].startswith(site + PAGES["2023-12-13"])


def test_the_index_lists_ten_editions_in_full_and_the_rest_in_a_line(tab: Any, site: str) -> None:
    tab.goto(site + "index.html")
    full = tab.eval_on_selector_all(".featured article, .editions-list > li", "x => x.length")
    compact = tab.eval_on_selector_all(".compact-list > li", "x => x.map(li => li.id)")
    assert full == 10
    # fourteen editions: the featured one and nine in full, then one line each, oldest last
    assert compact == [
        "edition-2023-03-15-salafi-jihadi",
        "edition-2023-02-15-salafi-jihadi",
        "edition-2023-01-15-salafi-jihadi",
        "edition-2022-12-28-salafi-jihadi",
    ]
    line = tab.locator(".compact-list > li").first
    assert line.locator("a").first.get_attribute("href").endswith(".html")
    # one line each at desktop width, a couple at most on a phone
    height = line.evaluate("li => li.getBoundingClientRect().height")
    assert height < (80 if tab.viewport_size["width"] < 500 else 45)
    _no_sideways_scroll(tab)


def _label_heights(tab: Any, frame_selector: str) -> list[float]:
    """Return the on-screen heights of the text labels of the SVG shown in ``frame_selector``.

    The SVG is fetched and drawn inline at exactly the size the page gives its <img>, so
    each label's box is what the reader sees.
    """
    return tab.evaluate(  # type: ignore[no-any-return]
        """async (selector) => {
            const img = document.querySelector(selector + ' img');
            const shown = img.getBoundingClientRect();
            const svg = await (await fetch(img.src)).text();
            const probe = document.createElement('div');
            probe.style.cssText = `position:absolute;left:0;top:0;width:${shown.width}px`;
            probe.innerHTML = svg.replace(/^[\\s\\S]*?(<svg)/, '$1');
            const root = probe.querySelector('svg');
            root.setAttribute('width', shown.width);
            root.setAttribute('height', shown.height);
            document.body.append(probe);
            const heights = [...root.querySelectorAll('text')]
                .map(t => t.getBoundingClientRect().height).filter(h => h > 0);
            probe.remove();
            return heights;
        }""",
        frame_selector,
    )


def test_chart_and_map_labels_stay_legible_at_phone_width(tab: Any, example: str) -> None:
    tab.goto(example + f"2023-12-13/{SLUG}.html")
    width = tab.viewport_size["width"]
    for figure in ("#figure-1", "#figure-2"):
        heights = _label_heights(tab, figure)
        assert len(heights) > 5, figure
        # the smallest label drawn (6 pt on the PDF's column) is at least 10 px on screen,
        # the typical one (7.5 pt) at least 12 px: scaled to the phone's column they were 5
        assert min(heights) >= 10, (figure, width, sorted(heights)[:5])
        assert statistics.median(heights) >= 12, (figure, width, statistics.median(heights))
    # the page itself does not scroll sideways; a chart wider than the phone scrolls alone
    _no_sideways_scroll(tab)
    if width < 500:
        frame = tab.locator("#figure-1")
        assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
        assert frame.evaluate("f => getComputedStyle(f).overflowX") == "auto"


def test_the_full_size_link_opens_the_figure(tab: Any, example: str) -> None:
    tab.goto(example + f"2023-12-13/{SLUG}.html")
    tab.click("#figure-1 .figure-open a")
    assert tab.url.endswith("/2023-12-13/figures/jnim-central.svg")
    assert tab.evaluate("document.documentElement.localName") == "svg"


@pytest.mark.parametrize("mail", ["mail.html", "mail-correction.html"])
def test_the_email_fits_a_phone_and_keeps_600_px_on_a_desktop(
    tab: Any, example: str, mail: str
) -> None:
    tab.goto(example + mail)
    width = tab.viewport_size["width"]
    _no_sideways_scroll(tab)
    page = tab.evaluate("document.querySelector('table.page').getBoundingClientRect().width")
    if width < 600:
        assert page <= width - 16 + 0.5  # the 8 px gutters either side
        # every line of text and the button stay inside the window
        right = tab.evaluate(
            "Math.max(...[...document.querySelectorAll('td, a, h1')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert right <= width
    else:
        assert page == 600


def test_the_edition_page_passes_axe_core(tab: Any, example: str) -> None:
    """At a phone's width too, where the charts scroll sideways inside their figures."""
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.fail(f"axe-core not found at {axe}: run `npm ci` at the repository root")
    tab.goto(example + f"2023-12-13/{SLUG}.html")
    tab.add_script_tag(content=axe.read_text(encoding="utf-8"))
    found = tab.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
        "v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    assert found == []
