"""Repros of the second adversarial pass: each hostile input is refused in one line, never obeyed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import SRC, write_tree
from support.preview import REVIEW, REVIEW_YAML, post, request
from support.site_inputs import FILES


@pytest.fixture
def project(preview_project: Path) -> Path:
    """The small edition, as the working directory."""
    return preview_project


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


# --- series keys ------------------------------------------------------------------------


def test_a_series_key_that_is_not_a_slug_is_refused_before_anything_is_written(
    tree, weekly
) -> None:
    files = dict(FILES)
    files["inputs/series.yaml"] = 'brief:\n  name: Brief\n"../../../ESCAPED":\n  name: Escaped\n'
    text = str(files["inputs/2023-11-29/update.md"]).replace(
        "series: salafi-jihadi", "series: ../../../ESCAPED"
    )
    files["inputs/2023-11-29/update.md"] = text
    root = tree({f"project/{name}": content for name, content in files.items()}) / "project"
    before = _files(root.parent)
    result = weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "inputs/series.yaml:3: error: series key '../../../ESCAPED' must be a slug: lower-case "
        "letters, digits and hyphens (like gulf-brief) [E070]"
    ) in result.stderr.splitlines()
    written = _files(root.parent) - before
    assert not [name for name in written if "ESCAPED" in name]
    assert not [name for name in written if not name.startswith("project/")]


# --- review text YAML cannot keep -------------------------------------------------------

UNSTORABLE = {
    "\u2028": "U+2028",
    "\u2029": "U+2029",
    "\x7f": "U+007F",
    "\x85": "U+0085",
    "\x9b": "U+009B",
    "\x1b": "U+001B",
    "\ud800": "U+D800",
}


@pytest.mark.parametrize("char", list(UNSTORABLE))
def test_review_text_yaml_cannot_keep_is_refused_and_never_written(
    serve, project: Path, char: str
) -> None:
    running = serve()
    port = running.server.server_address[1]
    code = UNSTORABLE[char]
    review = project / REVIEW
    good = {"anchor": "L15", "author": "Editor", "text": "Which convoy?"}
    assert post(port, "/api/comments", good, {})[0] == 201
    before = review.read_bytes()
    made = json.loads(request(port, "GET", "/api/comments")[2])["comments"][0]["id"]
    attempts = [
        ("/api/comments", {**good, "text": f"Which{char}convoy?"}, "the comment"),
        ("/api/comments", {**good, "author": f"Ed{char}itor"}, "the author's name"),
        (f"/api/comments/{made}/replies", {"author": "Liam", "text": f"N{char}15"}, "the reply"),
        (f"/api/comments/{made}/replies", {"author": f"Li{char}am", "text": "N15"}, None),
        ("/api/reviewed", {"author": f"E{char}d"}, "the author's name"),
    ]
    for target, data, what in attempts:
        status, answer = post(port, target, data, {})
        what = what or "the author's name"
        assert (status, answer) == (
            400,
            {"error": f"{what} contains {code}, a character review.yaml cannot keep"},
        ), target
    assert review.read_bytes() == before
    assert not (review.parent / "review-snapshot.json").exists()
    listing = json.loads(request(port, "GET", "/api/comments")[2])
    assert listing["error"] == "" and len(listing["comments"]) == 1


def test_all_review_text_the_api_takes_reads_back_the_same() -> None:
    """Every character the API lets through survives review.yaml unchanged."""
    from weekly.review.comments import Comment, dump_review, parse_review
    from weekly.review.store import Refused, clean_text

    kept = []
    for point in [*range(0x3000), *range(0xD000, 0x10000), 0x1F600, 0xE0001, 0x10FFFF]:
        try:
            kept.append(clean_text(f"a{chr(point)}b", "the comment", 10)[1:-1])
        except Refused:
            continue
    texts = ["a" + "".join(kept[n : n + 500]) + "b" for n in range(0, len(kept), 500)]
    comments = [Comment(f"c{n}", t, "", "paragraph", 1, t, t) for n, t in enumerate(texts)]
    again = parse_review(dump_review(comments), Path("review.yaml"))
    assert [(c.author, c.quote, c.text) for c in again] == [(t, t, t) for t in texts]
    assert len(kept) > 0x3000


# --- a review.yaml that cannot be read -----------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (REVIEW_YAML.replace("Which convoy?", "Which convoy\xe9?").encode("latin-1"), ":8: "),
        (None, ": "),
    ],
    ids=["latin-1", "folder"],
)
def test_an_unreadable_review_yaml_is_a_409_with_its_place_never_a_dropped_connection(
    serve, project: Path, weekly, content: bytes | None, expected: str
) -> None:
    review = project / REVIEW
    if content is None:
        review.mkdir()
        message = "review.yaml is a folder, not a file"
    else:
        review.write_bytes(content)
        message = "not UTF-8 text (byte 0xe9)"
    running = serve()
    port = running.server.server_address[1]
    status, _, body = request(port, "GET", "/api/comments")
    listing = json.loads(body)
    assert status == 200 and listing["comments"] == []
    assert listing["error"] == f"{REVIEW}{expected}{message}"
    data = {"anchor": "L15", "author": "Editor", "text": "x"}
    status, answer = post(port, "/api/comments", data, {})
    assert (status, answer) == (
        409,
        {"error": f"{REVIEW}{expected}{message} (fix the file; nothing was saved)"},
    )
    assert request(port, "GET", "/")[0] == 200  # the server is still up
    running.stop()
    if content is None:
        assert review.is_dir() and not list(review.iterdir())
    else:
        assert review.read_bytes() == content
    result = weekly("check", "--cutoff", "2023-12-13", cwd=project)
    assert "Traceback" not in result.stderr
    assert f"{REVIEW}{expected}warning: {message} [W803]" in result.stdout.splitlines()
    strict = weekly("check", "--cutoff", "2023-12-13", "--format", "json", cwd=project)
    assert "W803" in [f["code"] for f in json.loads(strict.stdout)]


def test_a_reviewer_name_on_two_lines_is_refused(serve, project: Path) -> None:
    running = serve()
    port = running.server.server_address[1]
    data = {"anchor": "L15", "author": "Ed\ninputs/x.md:1: error: forged", "text": "Hm."}
    assert post(port, "/api/comments", data, {}) == (
        400,
        {"error": "the author's name must be one line"},
    )
    assert not (project / REVIEW).exists()


# --- names printed to the terminal ---------------------------------------------------------


def test_a_name_cannot_forge_a_line_of_check_s_output(project: Path, weekly) -> None:
    forged = REVIEW_YAML.replace(
        "author: Mary Editor\n    time: 2023-12-13T09:00:00Z",
        'author: "Mary\\ninputs/2023-12-13/update.md:1: error: forged\\u202e"\n'
        "    time: 2023-12-13T09:00:00Z",
    )
    write_tree(project, {str(REVIEW): forged})
    result = weekly("check", "--cutoff", "2023-12-13", cwd=project)
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("inputs/2023-12-13/update.md:1:")]
    assert (
        "inputs/2023-12-13/update.md:15: warning: open review comment by Mary\\ninputs/"
        "2023-12-13/update.md:1: error: forged\\u202e: Which convoy? Name the road "
        "and the date… [W801]"
    ) in lines


# --- symbolic links inside the output ------------------------------------------------------


def _elsewhere(root: Path) -> Path:
    """Return a folder outside the output with a private file in it."""
    folder = root / "elsewhere"
    folder.mkdir()
    (folder / "private.txt").write_text("not for readers", encoding="utf-8")
    return folder


def test_a_symlinked_edition_folder_is_refused_and_nothing_is_linked_from_its_target(
    edition: Path, weekly
) -> None:
    elsewhere = _elsewhere(edition)
    (edition / "output").mkdir()
    (edition / "output/2023-12-13").symlink_to(elsewhere, target_is_directory=True)
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "output/2023-12-13: error: is a symbolic link; weekly publishes only into real folders "
        "(replace the link with a folder) [E071]"
    )
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (edition / "output").iterdir()) == [
        ".2023-12-13.lock",
        "2023-12-13",
    ] or sorted(p.name for p in (edition / "output").iterdir()) == ["2023-12-13"]
    assert (edition / "output/2023-12-13").is_symlink()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["private.txt"]


def test_a_symlinked_folder_inside_an_edition_is_never_written_through(tmp_path: Path) -> None:
    from weekly.errors import WeeklyError
    from weekly.files import publish

    elsewhere = _elsewhere(tmp_path)
    folder = tmp_path / "output/2023-12-13"
    publish(folder, {"page.html": b"one"})
    (folder / "figures").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(WeeklyError) as caught:
        publish(folder, {"page.html": b"two", "figures/map.svg": b"<svg/>"})
    assert [str(p) for p in caught.value.problems] == [
        f"{folder / 'figures'}: is a symbolic link; weekly publishes only into real folders "
        "(replace the link with a folder)"
    ]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["private.txt"]
    assert (folder / "page.html").read_bytes() == b"one"
    assert not list(folder.parent.glob(".2023-12-13.stage-*"))


def test_the_archive_never_writes_through_a_symlinked_folder_of_the_output(tree, weekly) -> None:
    root = tree(FILES)
    elsewhere = _elsewhere(root)
    (root / "output").mkdir()
    (root / "output/regions").symlink_to(elsewhere, target_is_directory=True)
    result = weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "output/regions: error: is a symbolic link; weekly publishes only into real folders "
        "(replace the link with a folder) [E071]",
        "weekly: 1 error; nothing written",
    ]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["private.txt"]


# --- bibliographies ------------------------------------------------------------------------


def _refused(folder: Path, name: str, text: str) -> list[str]:
    from weekly.errors import Problems, WeeklyError
    from weekly.inputs.bibliography import load_sources

    (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(WeeklyError) as caught:
        load_sources([(folder, False)], Problems())
    return [str(p) for p in caught.value.problems]


def test_a_csl_number_of_thousands_of_digits_is_a_clear_error(tmp_path: Path) -> None:
    text = '[\n  {\n    "id": "n",\n    "title": "T",\n    "volume": ' + "9" * 5000 + "\n  }\n]\n"
    assert _refused(tmp_path, "sources.json", text) == [
        f"{tmp_path}/sources.json:5: malformed JSON: a number of 5,000 digits (at most 4,300)"
    ]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("\\ud800", "U+D800"),
        ("\\udc00 and more", "U+DC00"),
        ("\\u0007", "U+0007"),
        ("\u2028", "U+2028"),
        ("\\u2029", "U+2029"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
    ],
)
def test_csl_text_yaml_would_refuse_is_refused_at_its_line(
    tmp_path: Path, written: str, code: str
) -> None:
    items = '[\n  {"id": "a", "title": "Fine"},\n  {"id": "b",\n   "title": "Bad' + written
    text = items + '"}\n]\n'
    assert _refused(tmp_path, "sources.json", text) == [
        f"{tmp_path}/sources.json:4: malformed JSON: control character {code} in a value"
    ]


def test_a_lone_surrogate_in_csl_json_stops_check_instead_of_killing_render(
    edition: Path, weekly
) -> None:
    item = {"id": "extra", "title": "Bad \ud800 title", "URL": "https://example.org"}
    text = json.dumps([item], indent=1)  # ensure_ascii: written as the escape \ud800
    (edition / "inputs/sources.json").write_text(text, encoding="utf-8")
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 2
    assert "inputs/sources.json:4: error: malformed JSON: control character U+D800 in a value" in (
        result.stdout + result.stderr
    )
    assert "Traceback" not in result.stderr


def test_csl_lines_are_found_whatever_the_layout(tmp_path: Path) -> None:
    from weekly.errors import Problems
    from weekly.inputs.bibliography import load_sources

    text = (
        '[{"title": "id", "id": "first", "URL": "https://a.org"},\n'
        " 17,\n"
        ' {"note": "an item whose id comes late",\n'
        '  "nested": {"id": "not-this"},\n'
        '  "id": "third"},\n'
        "\n"
        ' {"id": 4, "title": "Numbered"},\n'
        ' {"title": "no id"}\n'
        "]\n"
    )
    (tmp_path / "sources.json").write_text(text, encoding="utf-8")
    problems = Problems()
    sources = load_sources([(tmp_path, False)], problems)
    assert {key: source.line for key, source in sources.items()} == {
        "first": 1,
        "third": 5,
        "4": 7,
    }
    assert [str(p) for p in problems] == [
        f"{tmp_path}/sources.json:2: CSL item 2 has no id",
        f"{tmp_path}/sources.json:8: CSL item 5 has no id",
    ]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("sources.bib", "@article{a,\n  title = {Fine},\n  journaltitle = {J},\n  year = 2023,\n}\n"
         "@article{b,\n  title = {Bad\x07title},\n  journaltitle = {J},\n  year = 2023,\n}\n", 7),
        ("sources.ris", "TY  - NEWS\nID  - a\nTI  - Fine\nT2  - Reuters\nPY  - 2023\nER  - \n\n"
         "TY  - NEWS\nID  - b\nTI  - Bad\x1b[31mtitle\u2028\nT2  - Reuters\nPY  - 2023\nER  - \n",
         10),
    ],
)  # fmt: skip
def test_control_characters_in_bibtex_and_ris_are_refused_at_their_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    code = "U+0007" if name.endswith(".bib") else "U+001B"
    assert _refused(tmp_path, name, text) == [
        f"{tmp_path}/{name}:{line}: control character {code} in the bibliography; "
        "delete it (a title, a name or a note would print it)"
    ]


# --- a killed archive ------------------------------------------------------------------------


def _session(sid: int) -> set[int]:
    """Return the processes of session ``sid`` (Linux's /proc; the test needs a real kill)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":  # a zombie has exited; only its parent's wait is missing
            alive.add(pid)
    return alive


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "started"),
    [(("archive", "--jobs", "2"), 3), (("render", "--cutoff", "2023-12-13"), 2)],
    ids=["archive", "render"],
)
def test_a_killed_build_leaves_no_process_behind(
    tree, command: tuple[str, ...], started: int
) -> None:
    """The archive's workers, or render's PDF worker, end with the command."""
    root = tree(FILES)
    archive = subprocess.Popen(
        [sys.executable, "-m", "weekly", *command],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its session: every process it starts, whoever's child
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and archive.poll() is None:
            if len(_alive(_session(archive.pid))) >= started:  # its helpers have started
                break
            time.sleep(0.02)
        time.sleep(0.3)  # mid-build: the workers have work
        helpers = _alive(_session(archive.pid)) - {archive.pid}
        assert archive.poll() is None, "the build ended before it could be killed"
        assert len(helpers) >= started - 1, helpers
        os.kill(archive.pid, signal.SIGKILL)
        archive.wait()
        deadline = time.monotonic() + 10
        while _alive(_session(archive.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(_session(archive.pid)) == set()
    finally:
        for pid in _alive(_session(archive.pid)):  # only what this test started
            os.kill(pid, signal.SIGKILL)
        if archive.poll() is None:
            archive.kill()


# --- outdated comments are matched once per draft ------------------------------------------


def test_outdated_comments_are_matched_once_per_change_of_the_draft(
    serve, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import difflib

    from support import edit
    from support.preview import UPDATE_MD

    write_tree(project, {str(REVIEW): REVIEW_YAML})
    running = serve()
    port = running.server.server_address[1]
    made = []

    class Counting(difflib.SequenceMatcher):  # type: ignore[type-arg]
        def __init__(self, *args: object, **kwargs: object) -> None:
            made.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(difflib, "SequenceMatcher", Counting)

    def listing() -> dict:
        made.clear()
        status, _, body = request(port, "GET", "/api/comments")
        assert status == 200
        return json.loads(body)

    first = listing()
    assert made, "the outdated comment is matched against the draft"
    assert [c["outdated"] for c in first["comments"]] == [False, True, False]
    assert listing() == first and made == []  # the same draft: nothing is matched again
    running.preview.build()  # rebuilt (as the watcher may at any time), the draft unchanged
    assert listing() == first and made == []
    edit(project / UPDATE_MD, "pulled back.", "held their ground.")
    running.preview.build()
    assert listing()["comments"] == first["comments"] and made
    assert listing()["comments"] == first["comments"] and made == []


def test_a_comment_tells_the_pages_once(serve, project: Path) -> None:
    running = serve()
    port = running.server.server_address[1]
    channel = running.preview.channel
    told: list[str] = []
    publish = channel.publish

    def counting(name: str, value: str) -> None:
        if name == "comments":
            told.append(value)
        publish(name, value)

    channel.publish = counting  # type: ignore[method-assign]
    assert post(port, "/api/comments", {"anchor": "L15", "author": "E", "text": "x"}, {})[0] == 201
    time.sleep(1)  # time enough for the watcher to see review.yaml change (it acts within 0.2 s)
    assert len(told) == 1
    (project / REVIEW).write_text(
        (project / REVIEW).read_text(encoding="utf-8").replace("text: x", "text: y"),
        encoding="utf-8",
    )
    deadline = time.monotonic() + 10
    while len(told) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(told) == 2  # an edit by hand still reaches the pages


def test_one_line_writes_what_would_break_or_reorder_a_line_as_escapes() -> None:
    from weekly.errors import Problem, one_line

    assert one_line("a\nb\r\x1b[2J\x85\u2028\u202e\u2067\ud800 Ünïcode 北京 ‍") == (
        "a\\nb\\r\\x1b[2J\\x85\\u2028\\u202e\\u2067\\ud800 Ünïcode 北京 ‍"
    )
    problem = Problem("inputs/x\n.md", 3, 0, "warning", "W801", "by Ed\ud800\nforged")
    assert problem.with_level() == "inputs/x\\n.md:3: warning: by Ed\\ud800\\nforged"
    problem.with_level().encode("utf-8")  # printable: no lone surrogate is left


def _place_one_by_one(comment, blocks):  # the plain search place() prunes: same answer
    import difflib

    from weekly.review.place import SIMILAR

    same_kind = [b for b in blocks if b.kind == comment.kind] or blocks
    exact = [b for b in same_kind if b.quote == comment.quote]
    if exact:
        return min(exact, key=lambda b: abs(b.line - comment.line))
    best = (SIMILAR, None)
    for block in same_kind:
        ratio = difflib.SequenceMatcher(None, comment.quote, block.quote, autojunk=False).ratio()
        if ratio > best[0] or (ratio == best[0] and best[1] is None):
            best = (ratio, block)
    return best[1]


def test_placing_a_comment_prunes_the_search_but_finds_the_same_block() -> None:
    import random

    from weekly.review.blocks import Block
    from weekly.review.comments import Comment
    from weekly.review.place import place

    chooser = random.Random(24)
    words = [
        "the",
        "army",
        "took",
        "kidal",
        "jnim",
        "struck",
        "djibo",
        "at",
        "dawn",
        "convoy",
        "road",
        "north",
    ]

    def text() -> str:
        return " ".join(chooser.choice(words) for _ in range(chooser.randint(3, 14)))

    for _ in range(300):
        blocks = [
            Block(f"L{n}", chooser.choice(["paragraph", "bullet"]), n, text())
            for n in range(chooser.randint(1, 25))
        ]
        quote = text()
        if chooser.random() < 0.6:  # a block's text, edited a little since
            edited = chooser.choice(blocks).text.split()
            edited[chooser.randrange(len(edited))] = chooser.choice(words)
            quote = " ".join(edited[: chooser.randint(2, len(edited))])
        comment = Comment("c1", "Ed", "", chooser.choice(["paragraph", "bullet"]), 3, quote, "x")
        assert place(comment, blocks) == _place_one_by_one(comment, blocks)


def test_a_symlinked_lock_beside_an_edition_creates_nothing_where_it_points(
    tmp_path: Path,
) -> None:
    from weekly.errors import WeeklyError
    from weekly.files import publish

    output = tmp_path / "output"
    output.mkdir()
    (output / ".2023-12-13.lock").symlink_to(tmp_path / "planted")
    with pytest.raises(WeeklyError) as caught:
        publish(output / "2023-12-13", {"page.html": b"one"})
    assert [str(p) for p in caught.value.problems] == [
        f"{output / '.2023-12-13.lock'}: is a symbolic link where weekly keeps an edition's "
        "lock file; it is not followed (delete the link)"
    ]
    assert not (tmp_path / "planted").exists()
    assert sorted(p.name for p in output.iterdir()) == [".2023-12-13.lock"]
