"""Print the HTML of an update to PDF with WeasyPrint, offline and sandboxed.

WeasyPrint only ever sees the page's own assets: a fetcher serves them from memory
and refuses every other URL (``file:``, ``http:``, ``data:`` …), so nothing in the
inputs can make a render read a local file or reach the network.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from weekly.render.provenance import source_digest
from weekly.resolve.figures import Asset

#: Base of the page's relative URLs while printing; never contacted.
BASE_URL = "https://weekly.invalid/edition/"

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class AssetFetcher(URLFetcher):
    """Serve the page's assets from memory; refuse everything else."""

    def __init__(self, assets: Iterable[Asset]) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.assets = {BASE_URL + asset.name: asset for asset in assets}
        #: URLs asked for and refused, for diagnostics and tests.
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return an asset of the page, or raise for anything else."""
        asset = self.assets.get(unquote(url.split("#")[0]))
        if asset is None:
            self.refused.append(url)
            raise ValueError(f"weekly does not fetch {url!r}")
        return URLFetcherResponse(url, asset.data, {"Content-Type": asset.media_type})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Refuse the urllib entry point too (used for redirects)."""
        return self.fetch(url if isinstance(url, str) else url.full_url)


def write_pdf(html: str, assets: Iterable[Asset]) -> bytes:
    """Return the PDF of ``html``; only ``assets`` can be loaded.

    The PDF records the digest of ``html`` and ``assets`` as its identifier
    (:mod:`weekly.render.provenance`), so ``weekly email`` can tell whether it is current.
    """
    assets = list(assets)
    fetcher = AssetFetcher(assets)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    identifier = source_digest(html, assets).encode("ascii")
    return bytes(document.write_pdf(pdf_identifier=identifier))
