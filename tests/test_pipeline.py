"""The one build path: check through the memo, caches passed in, the PDF's freshness decided once."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from support import run_script
from support.events import memo_edition
from weekly import pipeline
from weekly.inputs import yamlfile
from weekly.inputs.yamlfile import YamlCache

CHECK = """\
import sys
from pathlib import Path
from weekly import pipeline
findings = pipeline.check(Path("inputs"), "2023-12-13")
print(len(findings), "pandas" in sys.modules, "matplotlib" in sys.modules)
"""


def test_check_saves_the_memo_as_a_render_does(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    with contextlib.chdir(root):
        findings = pipeline.check(Path("inputs"), "2023-12-13")
    assert [f.code for f in findings if f.level == "error"] == []
    assert (root / "inputs/.weekly-cache/memo.json").is_file()


@pytest.mark.slow
def test_check_after_a_render_reads_facts_and_charts_from_the_memo(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    first = run_script(root, CHECK)
    assert first.endswith("True True")  # the first build reads the table and draws
    assert run_script(root, CHECK) == first.replace("True True", "False False")


def test_check_returns_an_unreadable_edition_as_findings(edition: Path) -> None:
    with contextlib.chdir(edition):
        findings = pipeline.check(Path("inputs"), "2023-01-04")
    assert [str(f) for f in findings] == [
        "inputs/2023-01-04/update.md: no edition for cutoff 2023-01-04"
    ]


def test_a_yaml_cache_parses_each_unchanged_file_once(
    edition: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = yamlfile.load_yaml

    def counting(text: str, path: Path, first_line: int = 1) -> yamlfile.YamlDoc:
        parsed.append(path.name)
        return real(text, path, first_line)

    monkeypatch.setattr(yamlfile, "load_yaml", counting)
    caches = pipeline.Caches()  # keeps one YamlCache for every build
    with contextlib.chdir(edition):
        first = pipeline.load_checked(Path("inputs"), "2023-12-13", caches)
        assert sorted(parsed) == ["sources.yaml", "update.md"]
        second = pipeline.load_checked(Path("inputs"), "2023-12-13", caches)
        assert sorted(parsed) == ["sources.yaml", "update.md"]  # nothing parsed again
        update = edition / "inputs/2023-12-13/update.md"
        update.write_text(update.read_text(encoding="utf-8").replace("Central", "Northern"))
        third = pipeline.load_checked(Path("inputs"), "2023-12-13", caches)
    assert second.edition.sources.keys() == first.edition.sources.keys()
    assert second.title == first.title
    assert sorted(parsed) == ["sources.yaml", "update.md", "update.md"]
    assert third.edition.headline == "Al Qaeda Strengthens in Northern Mali"


def test_a_yaml_cache_hands_out_copies_a_reader_may_change(tmp_path: Path) -> None:
    cache = YamlCache()
    text = "a:\n  b: [1, 2]\n"
    path = tmp_path / "x.yaml"
    first = cache.load(text, path)
    first.data["a"]["b"].append(3)
    first.lines[("z",)] = 9
    assert cache.load(text, path) == yamlfile.load_yaml(text, path)


@pytest.mark.slow
def test_current_pdf_reuses_a_current_pdf_and_renders_a_stale_one(edition: Path) -> None:
    with contextlib.chdir(edition):
        update = pipeline.load_checked(Path("inputs"), "2023-12-13")
        output = Path("output")
        assert not pipeline.pdf_is_current(update, output)
        made = pipeline.current_pdf(update, output)
        # the page and its PDF; the share card is drawn only for the pages the archive publishes
        assert sorted(p.suffix for p in made.written) == [".html", ".pdf"]
        assert not (made.path.parent / "share-card.png").exists()
        assert made.data.startswith(b"%PDF") and made.path.read_bytes() == made.data
        again = pipeline.current_pdf(update, output)
        assert again.written == [] and again.data == made.data
        html = made.path.with_suffix(".html")
        html.write_text(html.read_text(encoding="utf-8") + "<!-- edited -->\n")
        assert not pipeline.pdf_is_current(update, output)  # the HTML on disk is not ours
        html.write_bytes(b"")
        assert pipeline.current_pdf(update, output).written  # rendered again
        stat = made.path.stat()
        os.utime(html, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        assert not pipeline.pdf_is_current(update, output)  # the PDF is older than its HTML


def test_edition_files_for_the_draft_alone(edition: Path) -> None:
    from weekly.render.draft import draft_html

    with contextlib.chdir(edition):
        update = pipeline.load_checked(Path("inputs"), "2023-12-13")
        files = pipeline.edition_files(update, (), draft=True)
        written = pipeline.write_draft(update, Path("state"))
    assert list(files) == [f"{update.slug}.draft.html"]
    assert files[f"{update.slug}.draft.html"] == draft_html(update).encode("utf-8")
    assert written == [Path("state/drafts/2023-12-13") / f"{update.slug}.draft.html"]
    assert (edition / "state" / ".gitignore").is_file()  # made as any state folder is
    assert not (edition / "output").exists()


def test_caches_kept_across_builds_follow_a_changed_table(tmp_path: Path) -> None:
    from support.events import held_out_rows, table

    root = memo_edition(tmp_path)
    caches = pipeline.Caches()  # its YamlCache, Memos and events tables kept for both builds
    with contextlib.chdir(root):
        first = pipeline.render(
            Path("inputs"), Path("output"), "2023-12-13", ("html",), False, caches
        )
        rows = [*held_out_rows(), ["2023-12-12", "Battles", "JNIM", "Segou", "Niono", 40, "Mali"]]
        Path("inputs/events.csv").write_text(table(rows), encoding="utf-8")
        second = pipeline.render(
            Path("inputs"), Path("output"), "2023-12-13", ("html",), False, caches
        )
        (page,) = (p for p in second.written if p.suffix == ".html")
        html = page.read_text(encoding="utf-8")
    assert first.warnings == second.warnings
    assert "JNIM struck 17 times." in html
