"""Team review: the shared preview's access rules, comments in review.yaml, the review
API, changes since the last review, and how check, render and email treat comments."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from support import ROOT, edit, write_tree
from support.mail import send_args
from support.preview import (
    MAP_SVG,
    REVIEW,
    REVIEW_YAML,
    SLUG,
    UPDATE_MD,
    WITH_FIGURE,
    post,
    request,
    start_cli,
)
from weekly.preview import serve as preview
from weekly.review import changes
from weekly.review.blocks import Block
from weekly.review.comments import Comment, ReviewError, dump_review, parse_review, read_review
from weekly.review.place import place

BULLET = "It claimed a bombing of a convoy."


@pytest.fixture
def project(preview_project: Path) -> Path:
    """The small edition, as the working directory."""
    return preview_project


def cookie_of(running: preview.Running) -> dict[str, str]:
    """Return the Cookie header a browser holds after the first visit."""
    access = running.server.access
    return {"Cookie": f"{access.cookie_name}={access.token}"} if access.token else {}


def comment_on(running: preview.Running, anchor: str, text: str, author: str = "Editor") -> object:
    port = running.server.server_address[1]
    status, answer = post(
        port,
        "/api/comments",
        {"anchor": anchor, "author": author, "text": text},
        cookie_of(running),
    )
    assert status == 201, answer
    return answer


# ---------------------------------------------------------------------------
# review.yaml


def test_review_yaml_round_trips(tmp_path: Path) -> None:
    comments = parse_review(REVIEW_YAML, tmp_path / "review.yaml")
    assert [c.id for c in comments] == ["c1", "c2", "c3"]
    assert comments[0].replies[0].text == "Added."
    assert comments[0].time == "2023-12-13T09:00:00Z"
    assert [c.file_line for c in comments] == [2, 14, 21]
    again = parse_review(dump_review(comments), tmp_path / "review.yaml")
    assert [c.as_dict() for c in again] == [c.as_dict() for c in comments]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("comments:\n  - id: c1\n    text: [unclosed\n", 4, "malformed YAML"),
        (REVIEW_YAML.replace("status: resolved", "status: done"), 28, "open or resolved"),
        (REVIEW_YAML.replace("    author: Mary Editor\n", "", 1), 2, "needs 'author'"),
        (REVIEW_YAML.replace("id: c2", "id: c1"), 14, "'c1' is used twice"),
        ("- just a list\n", 1, "mapping with a list of 'comments'"),
    ],
)
def test_a_malformed_review_yaml_names_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "review.yaml"
    with pytest.raises(ReviewError) as raised:
        parse_review(text, path)
    [problem] = raised.value.problems
    assert (problem.line, problem.code) == (line, "W803")
    assert message in problem.message


def test_a_comment_follows_its_paragraph_and_is_outdated_when_it_is_gone() -> None:
    comment = Comment("c1", "A", "", "paragraph", 18, "Security forces pulled back.", "Why?")
    moved = [
        Block("L13", "paragraph", 13, "Something else entirely, about the north."),
        Block("L25", "paragraph", 25, "Security forces pulled back."),
    ]
    assert place(comment, moved) == moved[1]
    edited = [Block("L30", "paragraph", 30, "Security forces pulled back from Kidal.")]
    assert place(comment, edited) == edited[0]
    gone = [Block("L13", "paragraph", 13, "Something else entirely, about the north.")]
    assert place(comment, gone) is None


def test_word_changes_mark_insertions_and_deletions() -> None:
    assert changes.word_diff(
        "Reuters reported the army's move north.", "Reuters reported that the army retook Kidal."
    ) == [
        ("=", "Reuters reported "),
        ("+", "that "),
        ("=", "the "),
        ("-", "army's move north."),
        ("+", "army retook Kidal."),
    ]
    then = changes.Reviewed(
        "t", "Ed", [{"anchor": "L1", "kind": "paragraph", "text": t} for t in ("A b.", "C d.")]
    )
    now = [Block("L1", "paragraph", 1, "A b."), Block("L3", "note", 3, "New note.")]
    found = changes.changes(then, now)
    assert found["blocks"] == [{"anchor": "L3", "parts": [("-", "C d."), ("+", "New note.")]}]
    assert found["removed"] == []


# ---------------------------------------------------------------------------
# Access: the shared preview


def test_a_shared_preview_needs_the_token_for_everything(serve, project: Path) -> None:
    write_tree(
        project,
        {
            str(UPDATE_MD): WITH_FIGURE,
            "inputs/2023-12-13/figures/central.svg": MAP_SVG.format(color="aa0000"),
        },
    )
    running = serve(share=True, host="127.0.0.1")
    port = running.server.server_address[1]
    token = running.server.access.token
    assert token and len(token) >= 43  # 32 random bytes, URL-safe: 256 bits
    assert running.url == f"http://127.0.0.1:{port}/?token={token}"
    refused = (403, b"Forbidden: weekly preview answers only its own page\n")
    targets = ("/", "/figures/central.svg", "/favicon.ico", "/api/comments", preview.EVENTS)
    for target in (*targets, "/api/changes", "/?token=wrong", "/nowhere"):
        status, _, body = request(port, "GET", target)
        assert (status, body) == refused, target
    bad_cookie = {"Cookie": f"{running.server.access.cookie_name}=guess"}
    assert request(port, "GET", "/", bad_cookie)[::2] == refused
    # The first visit trades the token for a cookie and drops it from the address.
    status, headers, _ = request(port, "GET", f"/?token={token}")
    assert status == 303 and headers["Location"] == "/"
    assert headers["Set-Cookie"] == (
        f"weekly_review_{port}={token}; Path=/; HttpOnly; SameSite=Strict"
    )
    assert request(port, "GET", "/", cookie_of(running))[0] == 200
    assert request(port, "GET", "/api/comments", cookie_of(running))[0] == 200
    assert request(port, "GET", "/figures/central.svg", cookie_of(running))[0] == 200
    # The right token does not help a request that names another host (DNS rebinding).
    rebinding = {**cookie_of(running), "Host": f"evil.example:{port}"}
    assert request(port, "GET", "/", rebinding)[::2] == refused
    assert request(port, "GET", f"/?token={token}", {"Host": f"evil.example:{port}"})[0] == 403


def test_changes_need_the_cookie_and_the_page_s_own_origin(serve) -> None:
    running = serve(share=True, host="127.0.0.1")
    port = running.server.server_address[1]
    token = running.server.access.token
    data = {"anchor": "L15", "author": "Mallory", "text": "sneaky"}
    cookie = cookie_of(running)
    for headers in (
        {},  # no cookie
        {"Origin": "http://evil.example"},
        {**cookie, "Origin": "http://evil.example"},  # cross-origin, even with the cookie
        {**cookie, "Origin": f"http://localhost:{port}"},  # not the name it is served on
        {**cookie, "Origin": "null"},
        {**cookie, "Sec-Fetch-Site": "cross-site"},
    ):
        assert post(port, "/api/comments", data, headers)[0] == 403, headers
    # The token in the query never authorises a change.
    assert post(port, f"/api/comments?token={token}", data, {})[0] == 403
    # No Origin at all: only with the header no other site can send.
    plain = {"Content-Type": "application/json", **cookie}
    body = json.dumps(data).encode()
    assert request(port, "POST", "/api/comments", plain, body)[0] == 403
    with_header = {**plain, "X-Weekly-Review": "1"}
    assert request(port, "POST", "/api/comments", with_header, body)[0] == 201
    form = {**cookie, "Content-Type": "application/x-www-form-urlencoded"}
    assert post(port, "/api/comments", data, form)[0] == 415
    assert len(read_review(Path("inputs/2023-12-13"))) == 1


def test_every_interface_answers_only_to_its_names(serve) -> None:
    running = serve(share=True)
    assert running.server.socket.getsockname()[0] == "0.0.0.0"
    port = running.server.server_address[1]
    names = running.server.access.names
    assert "127.0.0.1" in names and running.url.startswith(f"http://{names[0]}:{port}/?token=")
    assert request(port, "GET", "/", cookie_of(running))[0] == 200
    other = {**cookie_of(running), "Host": f"attacker.example:{port}"}
    assert request(port, "GET", "/", other)[0] == 403


def test_without_share_nothing_needs_a_token_but_changes_stay_same_origin(serve) -> None:
    running = serve()
    port = running.server.server_address[1]
    assert running.server.access.token is None and "token" not in running.url
    assert request(port, "GET", "/api/comments")[0] == 200
    data = {"anchor": "L15", "author": "Me", "text": "note to self"}
    assert post(port, "/api/comments", data, {"Origin": "http://evil.example"})[0] == 403
    assert post(port, "/api/comments", data, {})[0] == 201


# ---------------------------------------------------------------------------
# The review API


def test_comments_replies_and_resolving_through_the_api(serve, project: Path) -> None:
    running = serve()
    port = running.server.server_address[1]
    made = comment_on(running, "L15", "Which convoy?")
    assert made["anchor"] == "L15" and made["kind"] == "bullet" and made["line"] == 15
    assert made["quote"].startswith(BULLET) and made["status"] == "open"
    cid = made["id"]
    status, answer = post(
        port, f"/api/comments/{cid}/replies", {"author": "Liam", "text": "The N15."}, {}
    )
    assert status == 200 and answer["replies"][0]["text"] == "The N15."
    listing = json.loads(request(port, "GET", "/api/comments")[2])
    assert listing["open"] == 1 and listing["error"] == ""
    assert post(port, f"/api/comments/{cid}/resolve", {}, {})[0] == 200
    assert post(port, "/api/comments/nope/resolve", {}, {}) == (404, {"error": "no comment 'nope'"})
    [stored] = read_review(project / "inputs/2023-12-13")
    assert (stored.status, stored.author, stored.text) == ("resolved", "Editor", "Which convoy?")
    assert stored.replies[0].author == "Liam"
    text = (project / REVIEW).read_text(encoding="utf-8")
    assert "quote: It claimed a bombing of a convoy." in text and "line: 15" in text


def test_a_comment_whose_bullet_is_deleted_is_kept_as_outdated(serve, project: Path) -> None:
    running = serve()
    port = running.server.server_address[1]
    comment_on(running, "L16", "Pulled back where?")
    edit(project / UPDATE_MD, "\n- Security forces pulled back.[@acled-dashboard]", "")
    running.preview.build()
    [listed] = json.loads(request(port, "GET", "/api/comments")[2])["comments"]
    assert (listed["outdated"], listed["anchor"], listed["quote"]) == (
        True,
        None,
        "Security forces pulled back.[3]",
    )
    assert len(read_review(project / "inputs/2023-12-13")) == 1


def test_oversized_and_empty_comments_are_refused(serve, project: Path) -> None:
    running = serve()
    port = running.server.server_address[1]
    long = {"anchor": "L15", "author": "Ed", "text": "x" * 4001}
    assert post(port, "/api/comments", long, {}) == (
        413,
        {"error": "the comment is longer than 4000 characters"},
    )
    huge = {"anchor": "L15", "author": "Ed", "text": "x" * 20_000}
    assert post(port, "/api/comments", huge, {}) == (
        413,
        {"error": "the request body must be at most 16 KiB"},
    )
    empty = {"anchor": "L15", "author": "Ed", "text": "   "}
    assert post(port, "/api/comments", empty, {}) == (400, {"error": "the comment is missing"})
    gone = {"anchor": "L99", "author": "Ed", "text": "hm"}
    assert post(port, "/api/comments", gone, {})[0] == 409
    assert not (project / REVIEW).exists()


def test_concurrent_posts_lose_nothing(serve, project: Path) -> None:
    running = serve()
    errors: list[object] = []

    def reviewer(number: int) -> None:
        try:
            for round_ in range(3):
                comment_on(running, "L13", f"remark {number}.{round_}", author=f"R{number}")
        except AssertionError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = read_review(project / "inputs/2023-12-13")
    assert sorted(c.text for c in stored) == sorted(
        f"remark {n}.{r}" for n in range(8) for r in range(3)
    )
    assert len({c.id for c in stored}) == 24


def test_two_stores_on_one_file_share_its_lock(tmp_path: Path) -> None:
    """Two previews of one edition (two processes) lose nothing either: the file lock."""
    from weekly.review.store import CommentStore

    stores = [CommentStore(tmp_path), CommentStore(tmp_path)]

    def post_many(store: CommentStore, who: str) -> None:
        for number in range(12):
            store.add(Comment("", who, "", "paragraph", 13, "q", f"{who} {number}"))

    threads = [threading.Thread(target=post_many, args=(s, f"R{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(read_review(tmp_path)) == 24


def test_a_malformed_review_yaml_is_reported_and_never_overwritten(serve, project: Path) -> None:
    broken = "comments:\n  - id: c1\n    text: [unclosed\n"
    write_tree(project, {str(REVIEW): broken})
    running = serve()
    port = running.server.server_address[1]
    status, _, page = request(port, "GET", "/")
    assert status == 200 and b"Al Qaeda Strengthens in Central Mali" in page
    listing = json.loads(request(port, "GET", "/api/comments")[2])
    assert listing["comments"] == []
    assert listing["error"].startswith(f"{REVIEW}:4: malformed YAML")
    status, answer = post(port, "/api/comments", {"anchor": "L15", "author": "E", "text": "x"}, {})
    assert status == 409 and answer["error"].startswith(f"{REVIEW}:4: ")
    assert (project / REVIEW).read_text(encoding="utf-8") == broken


def test_changes_since_the_last_review_through_the_api(serve, project: Path) -> None:
    running = serve()
    port = running.server.server_address[1]
    assert request(port, "GET", "/api/changes")[0] == 404
    assert post(port, "/api/reviewed", {"author": "Ed"}, {})[0] == 200
    snapshot = json.loads((project / "inputs/2023-12-13/review-snapshot.json").read_text())
    assert snapshot["by"] == "Ed" and {"anchor", "kind", "text"} == set(snapshot["blocks"][0])
    version = running.preview.page.version
    edit(project / UPDATE_MD, "pulled back.", "held their ground.")
    running.preview.build()
    assert running.preview.page.version > version
    found = json.loads(request(port, "GET", "/api/changes")[2])
    assert found["blocks"] == [
        {
            "anchor": "L16",
            "parts": [
                ["=", "Security forces "],
                ["-", "pulled back."],
                ["+", "held their ground."],
                ["=", "[3]"],
            ],
        }
    ]


def test_the_preview_keeps_parsed_yaml_in_its_cache(serve) -> None:
    from weekly.inputs import series

    running = serve()
    cached = {Path(path).name for _, path, _ in running.preview.yaml_cache.docs}
    assert {"sources.yaml", "update.md"} <= cached
    # the package's own series.yaml never changes: it is parsed once per process
    assert series._builtin_doc() is series._builtin_doc()


# ---------------------------------------------------------------------------
# check, render and email


def test_check_lists_open_comments_at_their_lines(project: Path, weekly) -> None:
    moved = REVIEW_YAML.replace("line: 15", "line: 3")  # lines moved since: found by quote
    write_tree(project, {str(REVIEW): moved})
    result = weekly("check", "--cutoff", "2023-12-13", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{REVIEW}:14: warning: open review comment by Mary Editor on a block no longer in "
        "the draft (“A paragraph that was cut from the draft.”): Is this still needed? [W802]\n"
        f"{UPDATE_MD}:15: warning: open review comment by Mary Editor: Which convoy? Name "
        "the road and the date… [W801]\n"
        "0 errors, 2 warnings\n"
    )
    strict = weekly("check", "--cutoff", "2023-12-13", "--strict", "--format", "json", cwd=project)
    assert strict.returncode == 1
    assert [f["code"] for f in json.loads(strict.stdout)] == ["W802", "W801"]


def test_check_places_takeaway_and_note_comments_at_their_lines(serve, project: Path) -> None:
    from weekly.pipeline import check

    running = serve()
    comment_on(running, "takeaway-1", "Say which militants.")
    comment_on(running, "note-4", "Is Reuters enough here?")
    comment_on(running, "L18", "Tighten this.")
    running.stop()
    edit(
        project / UPDATE_MD, "published: 2023-12-15\n", "published: 2023-12-15\ndate: 2023-12-13\n"
    )
    found = [(f.line, f.code, f.message) for f in check(Path("inputs"), "2023-12-13")]
    assert found == [
        (10, "W801", "open review comment by Editor: Say which militants."),
        (19, "W801", "open review comment by Editor: Is Reuters enough here?"),
        (19, "W801", "open review comment by Editor: Tighten this."),
    ]


def test_check_reports_a_malformed_review_yaml_at_its_line(project: Path, weekly) -> None:
    write_tree(project, {str(REVIEW): REVIEW_YAML.replace("status: open", "status: maybe")})
    result = weekly("check", "--cutoff", "2023-12-13", cwd=project)
    assert result.stdout == (
        f"{REVIEW}:9: warning: review.yaml: status must be open or resolved [W803]\n"
        "0 errors, 1 warning\n"
    )


def test_render_keeps_comments_to_the_draft(project: Path, weekly) -> None:
    write_tree(project, {str(REVIEW): REVIEW_YAML})
    result = weekly("render", "--cutoff", "2023-12-13", "--draft", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "open review comment" not in result.stdout + result.stderr
    folder = project / "output" / "2023-12-13"
    final = [
        (folder / f"{SLUG}.html").read_text(encoding="utf-8"),
        "".join(p.extract_text() for p in PdfReader(folder / f"{SLUG}.pdf").pages),
    ]
    for text in final:
        for secret in ("Which convoy", "Mary Editor", "Is this still needed", "Added.", "Fine now"):
            assert secret not in text
    draft_path = project / "inputs" / ".weekly" / "drafts" / "2023-12-13" / f"{SLUG}.draft.html"
    draft = draft_path.read_text(encoding="utf-8")
    config = json.loads(re.search(r'id="weekly-draft-config">(.*?)</script>', draft)[1])
    listed = config["comments"]["comments"]
    assert [(c["id"], c["anchor"], c["outdated"]) for c in listed] == [
        ("c1", "L15", False),
        ("c2", None, True),
    ]  # the resolved c3 is left out
    assert config["api"] == "" and "Fine now" not in draft


@pytest.mark.browser
def test_a_static_draft_shows_open_comments_read_only(project: Path, weekly, contexts) -> None:
    from playwright.sync_api import expect

    write_tree(project, {str(REVIEW): REVIEW_YAML})
    assert (
        weekly(
            "render", "--cutoff", "2023-12-13", "--draft", "--format", "html", cwd=project
        ).returncode
        == 0
    )
    tab = contexts().new_page()
    drafts = project / "inputs" / ".weekly" / "drafts" / "2023-12-13"
    tab.goto((drafts / f"{SLUG}.draft.html").as_uri())
    expect(tab.locator("#L15 .draft-thread")).to_contain_text("Which convoy?")
    expect(tab.locator("#L15 .draft-thread")).to_contain_text("Added.")
    expect(tab.locator("#weekly-comments > li")).to_have_count(2)
    expect(tab.locator("#weekly-comment-form, [data-resolve], .draft-reply")).to_have_count(0)


def test_email_send_holds_back_while_comments_are_open(project: Path, weekly, smtp) -> None:
    handler, port = smtp
    (project / "recipients.csv").write_text("email,name\na@example.org,A\n", encoding="utf-8")
    write_tree(project, {str(REVIEW): REVIEW_YAML})
    held = weekly(*send_args(port), cwd=project)
    assert held.returncode == 2
    assert held.stderr == (
        f"{REVIEW}: error: 2 review comments are still open; resolve them in 'weekly preview' "
        "or pass --ignore-open-comments [E804]\nweekly: 1 error; nothing sent\n"
    )
    assert handler.messages == []
    sent = weekly(*send_args(port, "--ignore-open-comments"), cwd=project)
    assert sent.returncode == 0, sent.stderr
    assert len(handler.messages) == 1


# ---------------------------------------------------------------------------
# Two reviewers in Chromium


@pytest.fixture
def contexts(browser: Any) -> Iterator[Callable[[], Any]]:
    """Return a function opening a fresh browser context (a reviewer of their own)."""
    opened: list[Any] = []

    def open_context() -> Any:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


def same_document(tab: Any) -> None:
    tab.evaluate("window.__sameDocument = true")


@pytest.mark.browser
def test_two_reviewers_comment_reply_and_resolve_live(serve, contexts, project: Path) -> None:
    from playwright.sync_api import expect

    running = serve(share=True, host="127.0.0.1")
    analyst, editor = contexts().new_page(), contexts().new_page()
    for tab in (analyst, editor):
        tab.goto(running.url)
        expect(tab).to_have_url(re.compile(r"/$"))  # the token left the address bar
        expect(tab.locator("#weekly-status")).to_have_attribute("data-state", "live")
        same_document(tab)
    # The editor clicks the bullet, names herself and comments.
    editor.click("#L15")
    expect(editor.locator("#weekly-block")).to_have_value("L15")
    editor.get_by_label("Your name").fill("Mary Editor")
    editor.get_by_label("Comment", exact=True).fill("Which convoy? Name the road.")
    editor.get_by_role("button", name="Add comment").click()
    expect(editor.locator("#weekly-form-status")).to_have_text("Comment added.")
    # The analyst's open page shows it beside the bullet and in the panel, unreloaded.
    thread = analyst.locator("#L15 .draft-thread")
    expect(thread).to_contain_text("Mary Editor")
    expect(thread).to_contain_text("Which convoy? Name the road.")
    expect(analyst.locator("#weekly-comments > li")).to_have_count(1)
    expect(analyst.locator("#weekly-comment-count")).to_have_text("· 1 open")
    # The analyst replies, then resolves it; the editor's page follows.
    analyst.get_by_label("Your name").fill("Liam Karr")
    thread.get_by_label("Reply to Mary Editor").fill("The N15, on November 24.")
    thread.get_by_role("button", name="Reply").click()
    expect(editor.locator("#L15 .draft-thread")).to_contain_text("The N15, on November 24.")
    thread.get_by_role("button", name="Resolve the comment by Mary Editor").click()
    expect(analyst.locator(".draft-thread")).to_have_count(0)
    expect(editor.locator(".draft-thread")).to_have_count(0)
    expect(editor.locator("#weekly-comment-count")).to_have_text("· 0 open")
    for tab in (analyst, editor):
        assert tab.evaluate("window.__sameDocument") is True
    [stored] = read_review(project / "inputs/2023-12-13")
    assert (stored.status, stored.author, stored.replies[0].author) == (
        "resolved",
        "Mary Editor",
        "Liam Karr",
    )
    # The browser remembers the name.
    editor.reload()
    expect(editor.get_by_label("Your name")).to_have_value("Mary Editor")


@pytest.mark.browser
def test_without_the_token_a_browser_gets_403_and_another_site_cannot_post(
    serve, contexts, project: Path
) -> None:
    running = serve(share=True, host="127.0.0.1")
    port = running.server.server_address[1]
    stranger = contexts().new_page()
    response = stranger.goto(f"http://127.0.0.1:{port}/")
    assert response.status == 403
    assert stranger.locator("body").inner_text().strip() == (
        "Forbidden: weekly preview answers only its own page"
    )
    assert stranger.request.get(f"http://127.0.0.1:{port}/api/comments").status == 403
    # A reviewer who holds the cookie opens another site, whose page tries to post a
    # comment to the draft: as a form (the classic forgery) and with fetch.
    reviewer = contexts()
    tab = reviewer.new_page()
    tab.goto(running.url)
    target = f"http://127.0.0.1:{port}/api/comments"
    forged = (
        f'<!DOCTYPE html><html lang="en"><title>elsewhere</title><form method="post" '
        f'action="{target}" enctype="text/plain"><input name=\'{{"anchor": "L15", '
        f'"author": "Mallory", "text": "x", "pad": "\' value=\'"}}\'></form></html>'
    )
    reviewer.route(
        "http://attacker.test/**",
        lambda route: route.fulfill(body=forged, content_type="text/html"),
    )
    tab.goto("http://attacker.test/")
    with tab.expect_navigation(url=target) as answer:
        tab.evaluate("document.forms[0].submit()")
    assert answer.value is not None and answer.value.status == 403
    tab.goto("http://attacker.test/")
    outcome = tab.evaluate(
        """(url) => fetch(url, {method: "POST", credentials: "include",
             headers: {"Content-Type": "application/json"},
             body: JSON.stringify({anchor: "L15", author: "Mallory", text: "x"})})
           .then(r => r.status, () => "blocked by the browser")""",
        target,
    )
    assert outcome in (403, "blocked by the browser")
    assert not (project / REVIEW).exists()
    # The same reviewer, on the draft itself, may comment.
    tab.goto(f"http://127.0.0.1:{port}/")
    tab.get_by_label("Your name").fill("Rita")
    tab.get_by_label("Comment", exact=True).fill("Fine by me.")
    tab.get_by_role("button", name="Add comment").click()
    tab.locator(".draft-thread").wait_for()
    assert [c.text for c in read_review(project / "inputs/2023-12-13")] == ["Fine by me."]


@pytest.mark.browser
def test_show_changes_marks_an_edited_sentence(serve, contexts, project: Path) -> None:
    from playwright.sync_api import expect

    running = serve()
    tab = contexts().new_page()
    tab.goto(running.url)
    expect(tab.locator("#weekly-status")).to_have_attribute("data-state", "live")
    expect(tab.locator("#weekly-show-changes")).to_be_hidden()
    tab.get_by_label("Your name").fill("Mary Editor")
    tab.get_by_role("button", name="Mark as reviewed").click()
    expect(tab.locator("#weekly-reviewed")).to_contain_text("Marked as reviewed by Mary Editor")
    edit(
        project / UPDATE_MD,
        "Reuters reported the army's move north.",
        "Reuters reported that the army retook Kidal.",
    )
    expect(tab.locator("#L18")).to_contain_text("the army retook Kidal.")
    tab.get_by_role("button", name="Show changes").click()
    expect(tab.locator("#L18 ins.draft-ins")).to_have_text(["that ", "army retook Kidal."])
    # The deleted words as the page printed them: the typed apostrophe is curly there.
    expect(tab.locator("#L18 del.draft-del")).to_have_text(["army’s move north."])
    expect(tab.locator("#weekly-form-status")).to_have_text(
        "1 block changed, 0 removed since the last review."
    )
    expect(tab.locator("#L13 ins, #L15 ins")).to_have_count(0)
    tab.get_by_role("button", name="Hide changes").click()
    expect(tab.locator("#L18 ins, #L18 del")).to_have_count(0)
    expect(tab.locator("#L18 a.ref")).to_have_count(1)  # the note link is back


@pytest.mark.browser
def test_changes_that_answer_after_hide_are_not_shown(serve, contexts, project: Path) -> None:
    """A slow answer to "Show changes" that arrives after the reviewer hid the changes (or
    after a newer request) is dropped: the text keeps its note links and shows no marks."""
    from playwright.sync_api import expect

    running = serve()
    tab = contexts().new_page()
    tab.goto(running.url)
    expect(tab.locator("#weekly-status")).to_have_attribute("data-state", "live")
    tab.get_by_label("Your name").fill("Mary Editor")
    tab.get_by_role("button", name="Mark as reviewed").click()
    expect(tab.locator("#weekly-reviewed")).to_contain_text("Marked as reviewed by Mary Editor")
    edit(
        project / UPDATE_MD,
        "Reuters reported the army's move north.",
        "Reuters reported that the army retook Kidal.",
    )
    expect(tab.locator("#L18")).to_contain_text("the army retook Kidal.")
    held: list[Any] = []
    tab.route(re.compile(r".*/changes(\?.*)?$"), lambda route: held.append(route))
    tab.get_by_role("button", name="Show changes").click()
    for _ in range(100):  # the request reaches the route, and waits there
        if held:
            break
        tab.wait_for_timeout(50)
    assert len(held) == 1
    tab.get_by_role("button", name="Show changes").click()  # pressed again: hide
    held[0].continue_()  # the answer arrives late
    tab.wait_for_timeout(500)
    expect(tab.locator("#L18 ins, #L18 del")).to_have_count(0)
    expect(tab.locator("#L18 a.ref")).to_have_count(1)
    expect(tab.get_by_role("button", name="Show changes")).to_have_attribute(
        "aria-pressed", "false"
    )


@pytest.mark.browser
def test_outdated_comments_and_a_malformed_review_yaml_in_the_page(
    serve, contexts, project: Path
) -> None:
    from playwright.sync_api import expect

    write_tree(project, {str(REVIEW): REVIEW_YAML})
    running = serve()
    tab = contexts().new_page()
    tab.goto(running.url)
    outdated = tab.locator("#weekly-comments > li.outdated")
    expect(outdated).to_have_count(1)
    expect(outdated.locator(".draft-badge")).to_have_text("outdated")
    expect(outdated.locator(".draft-quote")).to_have_text(
        "A paragraph that was cut from the draft."
    )
    expect(tab.locator("#L15 .draft-thread")).to_contain_text("Which convoy?")
    # A broken review.yaml: the error with its line; the draft is still there.
    (project / REVIEW).write_text("comments:\n  - id: [c1\n", encoding="utf-8")
    expect(tab.locator("#weekly-review-error")).to_contain_text(
        f"{REVIEW}:3: malformed YAML", timeout=5000
    )
    expect(tab.locator("#L15")).to_contain_text(BULLET)
    expect(tab.locator(".draft-thread")).to_have_count(0)


CONTRAST = """
() => {
  function rgb(text) { return text.match(/[\\d.]+/g).slice(0, 4).map(Number); }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(node) {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  }
  const low = [];
  const selector = ".draft-review *, .draft-thread *, ins.draft-ins, del.draft-del, .draft-removed";
  for (const node of document.querySelectorAll(selector)) {
    if (!node.offsetParent || ![...node.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const a = lum(rgb(getComputedStyle(node).color)), b = lum(background(node));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(node.tagName + "." + node.className + " " + ratio.toFixed(2));
  }
  const unnamed = [...document.querySelectorAll("button, input, select, textarea")]
    .filter(n => n.offsetParent && !(n.labels && n.labels.length) && !n.getAttribute("aria-label")
                 && !(n.tagName === "BUTTON" && n.textContent.trim()))
    .map(n => n.outerHTML.slice(0, 80));
  return {low, unnamed};
}
"""


@pytest.mark.browser
def test_the_review_controls_are_labelled_and_readable(serve, contexts, project: Path) -> None:
    from playwright.sync_api import expect

    write_tree(project, {str(REVIEW): REVIEW_YAML})
    running = serve()
    tab = contexts().new_page()
    tab.goto(running.url)
    expect(tab.locator(".draft-thread")).to_have_count(1)
    tab.get_by_label("Your name").fill("Ed")
    tab.get_by_role("button", name="Mark as reviewed").click()
    # The snapshot is taken when the server answers: edit only after that, as a person would.
    expect(tab.locator("#weekly-reviewed")).to_contain_text("Marked as reviewed by Ed")
    edit(project / UPDATE_MD, "pulled back.", "held their ground.")
    expect(tab.locator("#L16")).to_contain_text("held their ground.")
    tab.get_by_role("button", name="Show changes").click()
    expect(tab.locator("#L16 ins.draft-ins")).to_have_count(1)
    assert tab.evaluate(CONTRAST) == {"low": [], "unnamed": []}


# ---------------------------------------------------------------------------
# The command line


def test_cli_share_prints_a_token_url_that_alone_opens_the_draft(edition: Path) -> None:
    import http.cookiejar
    import signal
    import urllib.error
    import urllib.request

    process = start_cli(edition, "--share", "--host", "127.0.0.1", "--port", "0")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        serving = re.fullmatch(
            r"Serving the draft of 2023-12-13 at (http://127\.0\.0\.1:\d+/)\?token=([\w-]{43})\n",
            lines[1],
        )
        assert serving, lines
        assert lines[2] == (
            "Anyone with this URL can read and comment on the draft: "
            "share it only with reviewers.\n"
        )
        base, token = serving[1], serving[2]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base, timeout=10)
        assert refused.value.code == 403
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{base}?token={token}", timeout=10) as response:
            assert response.url == base  # redirected, the token traded for a cookie
            assert b"Al Qaeda Strengthens in Central Mali" in response.read()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0


def test_cli_host_needs_share_and_an_address_of_this_machine(edition: Path, weekly) -> None:
    alone = weekly("preview", "--cutoff", "2023-12-13", "--host", "0.0.0.0", cwd=edition)
    assert alone.returncode == 2
    assert "--host needs --share" in alone.stderr
    unknown = weekly(
        "preview", "--cutoff", "2023-12-13", "--share", "--host", "no-such-host.invalid",
        "--port", "0", cwd=edition,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("weekly: cannot listen on no-such-host.invalid: ")
    assert unknown.stderr.endswith("; check --host\n") and unknown.stderr.count("\n") == 1


# ---------------------------------------------------------------------------
# The blocks a comment can be about, read from the parsed body


_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TextById(HTMLParser):
    """Collect the visible text of every element with an id in ``wanted`` (backrefs left out)."""

    def __init__(self, wanted: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.stack: list[tuple[str, str, bool]] = []  # tag, id collected, backref
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        attr = {k: v or "" for k, v in attrs}
        anchor = attr.get("id", "")
        collected = anchor if anchor in self.wanted else ""
        if collected:
            self.texts[collected] = []
        self.stack.append((tag, collected, "backref" in attr.get("class", "").split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in [t for t, _, _ in self.stack]:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if any(backref for _, _, backref in self.stack):
            return
        for _, collected, _ in self.stack:
            if collected:
                self.texts[collected].append(data)


ODD_BODY = """
**A "quoted" lead with `code` and a [link](https://example.org/a).** It isn't 'plain'
text,[@sigact] with a hard\\
break and an autolink <https://example.org/"x">.

| Place "north" | Attacks |
|---|---|
| Mopti's edge | 12[@sigact] |

- An outer bullet.[@sigact]
  - an inner "nested" bullet
    - and deeper
- A second bullet, with an Arabic name: الجزائر.

```
a "code" block
```

### A heading inside a section
"""


@pytest.mark.parametrize("smart", [True, False])
def test_review_blocks_have_the_text_the_draft_page_shows(tmp_path: Path, smart: bool) -> None:
    """The blocks come from the parsed body, and their text is what a reviewer sees there."""
    import shutil

    from weekly.pipeline import load_checked
    from weekly.render.draft import draft_html
    from weekly.review.blocks import review_blocks

    root = ROOT
    inputs = tmp_path / "inputs"
    shutil.copytree(root / "inputs", inputs)
    update_md = inputs / "2023-12-13" / "update.md"
    text = update_md.read_text(encoding="utf-8")
    if not smart:
        (inputs / "series.yaml").write_text(
            "salafi-jihadi:\n  smart_quotes: false\n", encoding="utf-8"
        )
    update_md.write_text(text + ODD_BODY, encoding="utf-8")
    update = load_checked(inputs, "2023-12-13", unfinished=True)
    assert update.edition.series.smart_quotes is smart
    blocks = review_blocks(update)
    page = draft_html(update)
    reader = _TextById({b.anchor for b in blocks})
    reader.feed(page)
    shown = {anchor: " ".join("".join(parts).split()) for anchor, parts in reader.texts.items()}
    kinds = {b.kind for b in blocks}
    assert {"takeaway", "paragraph", "bullet", "figure", "note"} <= kinds
    for block in blocks:
        if block.kind in ("paragraph", "bullet", "note"):
            assert shown[block.anchor] == block.text, block.anchor
        elif block.kind == "figure":
            assert shown[block.anchor].startswith(block.text)

    def curl(text: str) -> str:
        if smart:
            return text
        return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))

    odd = [(b.anchor, b.kind, b.text) for b in blocks if b.line >= 68 and b.kind != "note"]
    assert odd == [
        ("L68", "paragraph", curl(
            "A “quoted” lead with code and a link. It isn’t ‘plain’ text,[38] with a hard "
            'break and an autolink https://example.org/"x".'
        )),
        ("L72", "paragraph", curl("Place “north” Attacks Mopti’s edge 12[39]")),
        ("L76", "bullet", curl("An outer bullet.[40] an inner “nested” bullet and deeper")),
        ("L79", "bullet", "A second bullet, with an Arabic name: الجزائر."),
        ("L81", "paragraph", 'a "code" block'),
        ("L85", "paragraph", "A heading inside a section"),
    ]  # fmt: skip


class _Takeaways(HTMLParser):
    """Collect the text of each takeaway in a page's ``section.takeaway``, label left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.section = -1  # depth of the takeaway section
        self.block = -1  # depth of the takeaway being read
        self.found: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        self.stack.append(tag)
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section" and "takeaway" in classes:
            self.section = len(self.stack)
        elif (
            0 <= self.section < len(self.stack)
            and self.block < 0
            and (tag == "li" or (tag == "p" and "label" not in classes))
        ):
            self.block = len(self.stack)
            self.found.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            depth = len(self.stack)
            if depth == self.block:
                self.block = -1
            if depth == self.section:
                self.section = -1
            if self.stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.block >= 0:
            self.found[-1].append(data)


@pytest.mark.parametrize(
    ("inputs", "cutoff"),
    [
        ("tests/data/mastheads/inputs", "2023-08-08"),  # regions, paragraphs
        ("tests/data/mastheads/inputs", "2023-11-08"),  # one takeaway, no region
        ("tests/data/mastheads/inputs", "2024-01-24"),
        ("tests/data/africa-file/inputs", "2024-04-25"),  # a bulleted list
        ("tests/data/africa-file/inputs", "2025-11-06"),
    ],
)
def test_takeaway_blocks_read_as_the_page_shows_them(inputs: str, cutoff: str) -> None:
    from weekly.pipeline import load_checked
    from weekly.render.draft import draft_html
    from weekly.review.blocks import review_blocks

    update = load_checked(ROOT / inputs, cutoff, unfinished=True)
    reader = _Takeaways()
    reader.feed(draft_html(update))
    shown = [" ".join("".join(parts).split()) for parts in reader.found]
    takeaways = [b for b in review_blocks(update) if b.kind == "takeaway"]
    assert shown and [b.text for b in takeaways] == shown
    assert [b.anchor for b in takeaways] == [f"takeaway-{n}" for n in range(1, len(shown) + 1)]
    assert all(b.line > 1 for b in takeaways)
