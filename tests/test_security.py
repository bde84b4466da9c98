"""Hostile input: no network, no local files, no script reaches the output."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from weekly.assets import Asset
from weekly.render.pdf import BASE_URL, AssetFetcher, write_pdf

UPDATE_PATH = "inputs/2023-12-13/update.md"


@pytest.fixture
def spy_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            self.send_response(302)
            self.send_header("Location", "file:///etc/hostname")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_fetcher_serves_only_the_pages_assets() -> None:
    asset = Asset("figures/map.png", b"\x89PNG...", "image/png")
    fetcher = AssetFetcher([asset])
    assert fetcher.fetch(BASE_URL + "figures/map.png").read() == b"\x89PNG..."
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "data:text/plain,hi",
        BASE_URL + "../x",
    ):
        with pytest.raises(ValueError, match="weekly does not fetch"):
            fetcher.fetch(url)
    assert fetcher.refused == [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "data:text/plain,hi",
        BASE_URL + "../x",
    ]


def test_weasyprint_never_reaches_files_or_the_network(spy_server: tuple[str, list[str]]) -> None:
    url, seen = spy_server
    html = f"""<html><head>
    <link rel="stylesheet" href="{url}/style.css">
    <style>@import url("{url}/import.css"); body {{ background: url("file:///etc/hostname"); }}</style>
    </head><body><p>Hello</p>
    <img src="file:///etc/hostname"><img src="{url}/pixel.png"><img src="/etc/hostname">
    <object data="{url}/object"></object><iframe src="{url}/frame"></iframe>
    </body></html>"""
    pdf = write_pdf(html, [])
    assert pdf.startswith(b"%PDF-")
    assert seen == []


def test_svg_figure_cannot_pull_in_outside_resources(edition: Path, weekly, spy_server) -> None:
    url, seen = spy_server
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image href="{url}/a.png" width="5" height="5"/><image xlink:href="file:///etc/hostname" width="5" height="5"/>'
        "</svg>"
    )
    (edition / "inputs/2023-12-13/figures").mkdir(parents=True)
    (edition / "inputs/2023-12-13/figures/map.svg").write_text(svg, encoding="utf-8")
    path = edition / UPDATE_PATH
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "---\n\n**JNIM", "figures:\n  m:\n    title: Map\n    image: figures/map.svg\n---\n\n**JNIM"
    )
    path.write_text(text + '\n{{ figure("m") }}\n', encoding="utf-8")
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 0, result.stderr
    assert seen == []


def test_raw_html_and_dangerous_links_are_neutralised(edition: Path, weekly, spy_server) -> None:
    url, seen = spy_server
    path = edition / UPDATE_PATH
    hostile = (
        "\n<script>alert('x')</script>\n\n"
        f'<img src="{url}/track.png" onerror="alert(1)">\n\n'
        "[click](javascript:alert(1)) [local](file:///etc/passwd) "
        f"![pixel]({url}/pixel.png) [fine](https://example.org/a)\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + hostile, encoding="utf-8")
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 0, result.stderr
    html = next((edition / "output/2023-12-13").glob("*.html")).read_text(encoding="utf-8")
    body = html.split("<body", 1)[1]
    assert "<script" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body or "&lt;script&gt;" in body
    assert "<img" not in body
    assert 'href="javascript:' not in body and 'href="file:' not in body
    assert '<a href="https://example.org/a">fine</a>' in body
    assert seen == []


def test_same_inputs_give_the_same_html_byte_for_byte(edition: Path, weekly) -> None:
    outputs = []
    for _ in range(2):
        result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition)
        assert result.returncode == 0, result.stderr
        outputs.append(next((edition / "output/2023-12-13").glob("*.html")).read_bytes())
    assert outputs[0] == outputs[1]


def test_data_links_are_never_made(edition: Path, weekly) -> None:
    path = edition / UPDATE_PATH
    hostile = (
        "\n[png](data:image/png;base64,iVBORw0KGgo=) [page](DATA:text/html,<b>x</b>) "
        "[spaced]( data:image/gif;base64,R0lGOD) [fine](https://example.org/b)\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + hostile, encoding="utf-8")
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition)
    assert result.returncode == 0, result.stderr
    html = next((edition / "output/2023-12-13").glob("*.html")).read_text(encoding="utf-8")
    body = html.split("<body", 1)[1]
    assert 'href="data:' not in body.lower()
    assert '<a href="https://example.org/b">fine</a>' in body
