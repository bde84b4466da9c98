"""The preview and team-review tests' inputs, the preview server and raw HTTP requests."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from support import SLUG, SRC, UPDATE

__all__ = ["SLUG"]

UPDATE_MD = Path("inputs/2023-12-13/update.md")
MAP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">'
    '<rect width="400" height="200" fill="#{color}"/></svg>'
)
WITH_FIGURE = UPDATE.replace(
    "key_takeaway:",
    "figures:\n  central:\n    title: JNIM Attacks in Central Mali\n"
    "    image: figures/central.svg\n    source: Liam Karr.\nkey_takeaway:",
).replace("\n**Security forces", '\n{{ figure("central") }}\n\n**Security forces')

#: The edition's review file, relative to the project.
REVIEW = Path("inputs/2023-12-13/review.yaml")
REVIEW_YAML = """\
comments:
  - id: c1
    author: Mary Editor
    time: 2023-12-13T09:00:00Z
    kind: bullet
    line: 15
    quote: It claimed a bombing of a convoy.[2]
    text: Which convoy? Name the road and the date of the bombing please.
    status: open
    replies:
      - author: Liam
        time: 2023-12-13T09:05:00Z
        text: Added.
  - id: c2
    author: Mary Editor
    time: 2023-12-13T09:01:00Z
    kind: paragraph
    line: 40
    quote: A paragraph that was cut from the draft.
    text: Is this still needed?
  - id: c3
    author: Mary Editor
    time: 2023-12-13T09:02:00Z
    kind: paragraph
    line: 18
    quote: Security forces will likely fail to protect civilians.
    text: Fine now.
    status: resolved
"""


@contextmanager
def previews(inputs: Path = Path("inputs")) -> Iterator[Callable[..., object]]:
    """Yield a function starting a preview of 2023-12-13 on a free port; stop them all after."""
    from weekly.preview import serve as preview

    started: list[preview.Running] = []

    def start(**options: object) -> preview.Running:
        running = preview.start(inputs, "2023-12-13", port=0, serve=True, **options)  # type: ignore[arg-type]
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in started:
            running.stop()


def request(
    port: int,
    method: str,
    target: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request exactly as written; return status, headers and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": f"127.0.0.1:{port}", **(headers or {})}.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post(port: int, target: str, data: object, headers: dict[str, str]) -> tuple[int, object]:
    """POST ``data`` as JSON the way the draft page does; return status and JSON answer."""
    sent = {
        "Content-Type": "application/json",
        "Origin": f"http://127.0.0.1:{port}",
        **headers,
    }
    status, _, body = request(port, "POST", target, sent, json.dumps(data).encode())
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def raw_get(port: int, target: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Send ``GET target`` exactly as written (no normalising) and return status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": f"127.0.0.1:{port}", **(headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_cli(cwd: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``weekly preview --cutoff latest ARGS`` in ``cwd`` in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "weekly", "preview", "--cutoff", "latest", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(SRC), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
