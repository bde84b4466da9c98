"""How sources print in endnotes (CTP conventions) and how bibliographies load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from weekly.errors import Problems
from weekly.inputs.sources import Source, defang, load_sources, print_source

HERE = Path("inputs/sources.yaml")


def source(**fields) -> Source:
    return Source(id=fields.pop("id", "s"), path=HERE, line=1, **fields)


SITE = source(
    kind="subscription",
    publisher="SITE Intelligence Group",
    title="JNIM Bombs FAMa and Wagner Vehicles in Mali",
    date=dt.date(2023, 11, 24),
    subscription="www.siteintelgroup.com",
)


def test_subscription_full_form_first() -> None:
    assert print_source(SITE, first=True, last=True).text == (
        "SITE Intelligence Group, “JNIM Bombs FAMa and Wagner Vehicles in Mali,” November 24, 2023, "
        "available by subscription at www.siteintelgroup.com"
    )


def test_subscription_short_form_after_ends_the_note_with_a_period() -> None:
    assert print_source(SITE, first=False, last=True).text == (
        "SITE Intelligence Group, “JNIM Bombs FAMa and Wagner Vehicles in Mali.”"
    )
    assert print_source(SITE, first=False, last=False).text == (
        "SITE Intelligence Group, “JNIM Bombs FAMa and Wagner Vehicles in Mali”"
    )


def test_text_source_uses_its_short_form_after_the_first_note() -> None:
    sigact = source(
        kind="text", text="Author’s database of SIGACT. Long.", short="Author’s SIGACTs."
    )
    assert print_source(sigact, first=True, last=True).text == "Author’s database of SIGACT. Long."
    assert print_source(sigact, first=False, last=True).text == "Author’s SIGACTs."


def test_text_source_inside_a_note_drops_its_final_period() -> None:
    sigact = source(kind="text", text="Available by request.")
    assert print_source(sigact, first=True, last=False).text == "Available by request"


def test_url_is_linked_and_printed_in_full() -> None:
    printed = print_source(
        source(kind="url", url="https://x.com/a/status/1?s=20"), first=False, last=True
    )
    assert printed.text == "https://x.com/a/status/1?s=20"
    assert (
        printed.html == '<a href="https://x.com/a/status/1?s=20">https://x.com/a/status/1?s=20</a>'
    )


def test_link_false_prints_the_url_defanged_and_unlinked() -> None:
    printed = print_source(
        source(kind="url", url="https://www.studiotamani.org/151388-insecurite", link=False),
        first=True,
        last=True,
    )
    assert printed.text == "https://www.studiotamani dot org/151388-insecurite"
    assert "<a" not in printed.html
    assert defang("http://example.org") == "http://example dot org"


def test_article_form() -> None:
    article = source(
        kind="article",
        publisher="Reuters",
        title="Mali army says it has taken control of rebel stronghold Kidal",
        date=dt.date(2023, 11, 14),
        url="https://www.reuters.com/kidal",
    )
    assert print_source(article, first=True, last=True).text == (
        "Reuters, “Mali army says it has taken control of rebel stronghold Kidal,” November 14, 2023, "
        "https://www.reuters.com/kidal"
    )


def test_title_ending_in_a_question_mark_takes_no_comma() -> None:
    article = source(
        kind="article", publisher="AP", title="Who holds Kidal?", url="https://apnews.com/k"
    )
    assert (
        print_source(article, first=True, last=True).text
        == "AP, “Who holds Kidal?” https://apnews.com/k"
    )


def test_non_web_urls_are_never_linked() -> None:
    printed = print_source(source(kind="url", url="javascript:alert(1)"), first=True, last=True)
    assert printed.html == "javascript:alert(1)"


def test_text_is_escaped_in_html() -> None:
    printed = print_source(
        source(kind="text", text="<script>x</script> & co"), first=True, last=True
    )
    assert printed.html == "&lt;script&gt;x&lt;/script&gt; &amp; co"


def test_csl_json_is_accepted_beside_yaml(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("sigact:\n  text: Database.\n", encoding="utf-8")
    items = [
        {
            "id": "reuters-kidal",
            "type": "article-newspaper",
            "title": "Mali army says it has taken control of rebel stronghold Kidal",
            "container-title": "Reuters",
            "URL": "https://www.reuters.com/kidal",
            "issued": {"date-parts": [[2023, 11, 14]]},
        }
    ]
    (tmp_path / "sources.json").write_text(json.dumps(items, indent=2), encoding="utf-8")
    problems = Problems()
    sources = load_sources([(tmp_path, False)], problems)
    assert not problems.items
    kidal = sources["reuters-kidal"]
    assert (kidal.kind, kidal.publisher, kidal.date, kidal.line) == (
        "article",
        "Reuters",
        dt.date(2023, 11, 14),
        3,
    )
    assert sources["sigact"].kind == "text"


def test_unknown_field_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "a:\n  url: https://example.org\n  tittle: Oops\n", encoding="utf-8"
    )
    problems = Problems()
    load_sources([(tmp_path, False)], problems)
    assert [str(p) for p in problems] == [
        f"{tmp_path}/sources.yaml:3: source 'a': unknown field 'tittle'"
    ]
