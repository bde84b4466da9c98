"""Bad input: one line per problem naming file and line, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import SOURCES

UPDATE_PATH = "inputs/2023-12-13/update.md"


def broken(edition: Path, old: str, new: str) -> None:
    path = edition / UPDATE_PATH
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def render(weekly, edition: Path):
    return weekly("render", "--cutoff", "2023-12-13", cwd=edition)


def assert_refused(result, *lines: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    printed = result.stderr.splitlines()
    for line in lines:
        assert line in printed
    count = len(lines)
    assert printed[-1] == f"weekly: {count} error{'s' if count > 1 else ''}; nothing written"


@pytest.mark.e2e
def test_unknown_source_names_file_and_line(edition: Path, weekly) -> None:
    broken(edition, "[@reuters-kidal]", "[@ctp-aug-99]")
    assert_refused(
        render(weekly, edition), f"{UPDATE_PATH}:18: error: unknown source 'ctp-aug-99' [E101]"
    )
    assert not (edition / "output").exists()


def test_every_problem_is_reported_before_exiting(edition: Path, weekly) -> None:
    broken(edition, "[@sigact]", "[@sigact; @nope]")
    broken(edition, "[@reuters-kidal]", "[@ctp-aug-99]")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:13: error: unknown source 'nope' [E101]",
        f"{UPDATE_PATH}:18: error: unknown source 'ctp-aug-99' [E101]",
    )


def test_unknown_figure(edition: Path, weekly) -> None:
    broken(edition, "- Security forces", '\n{{ figure("north-mali") }}\n\n- Security forces')
    assert_refused(
        render(weekly, edition), f"{UPDATE_PATH}:17: error: unknown figure 'north-mali' [E201]"
    )


FIGURE = """figures:
  north-mali:
    title: Rebels Contest Northern Mali
    image: {image}
    source: Liam Karr.
---
"""


def with_figure(edition: Path, image: str) -> None:
    broken(edition, "---\n\n**JNIM", FIGURE.format(image=image) + "\n**JNIM")
    broken(edition, "- Security forces", '\n{{ figure("north-mali") }}\n\n- Security forces')


def test_figure_inside_a_bullet_must_stand_alone(edition: Path, weekly) -> None:
    broken(edition, "- Security forces", '{{ figure("north-mali") }}\n- Security forces')
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:15: error: a figure must stand alone in its own paragraph [E201]",
    )


def test_missing_image(edition: Path, weekly) -> None:
    with_figure(edition, "figures/north-mali.png")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:14: error: figure 'north-mali': image 'figures/north-mali.png' not found [E202]",
    )


def test_image_outside_the_inputs_folder(edition: Path, weekly) -> None:
    with_figure(edition, "../../../../../../etc/hostname")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:14: error: figure 'north-mali': image '../../../../../../etc/hostname' is outside the inputs folder [E203]",
    )


def test_image_symlink_leading_outside_is_refused(edition: Path, weekly, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    link = edition / "inputs/2023-12-13/figures/map.png"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    with_figure(edition, "figures/map.png")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:14: error: figure 'north-mali': image 'figures/map.png' is outside the inputs folder [E203]",
    )


def test_malformed_front_matter_points_at_the_yaml_line(edition: Path, weekly) -> None:
    broken(edition, "authors: [Liam Karr]", "authors: [Liam Karr")
    result = render(weekly, edition)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"{UPDATE_PATH}:5: error: malformed YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence at line 4) [E001]"
    )
    assert "Traceback" not in result.stderr


def test_missing_front_matter(edition: Path, weekly) -> None:
    (edition / UPDATE_PATH).write_text("Just text.\n", encoding="utf-8")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:1: error: update.md must start with YAML front matter between '---' lines [E003]",
    )


def test_missing_required_field(edition: Path, weekly) -> None:
    broken(edition, "headline: Al Qaeda Strengthens in Central Mali\n", "")
    assert_refused(
        render(weekly, edition), f"{UPDATE_PATH}:1: error: missing required field 'headline' [E002]"
    )


def test_bad_cutoff(edition: Path, weekly) -> None:
    broken(edition, "cutoff: 2023-12-13 10:00", "cutoff: December 13")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:5: error: cutoff must look like 2023-12-13 10:00, got 'December 13' [E002]",
    )


def test_duplicate_source_id_across_files(edition: Path, weekly) -> None:
    (edition / "inputs/2023-12-13/sources.yaml").write_text(
        "extra:\n  url: https://example.org/a\nsigact:\n  text: Again.\n", encoding="utf-8"
    )
    assert_refused(
        render(weekly, edition),
        "inputs/2023-12-13/sources.yaml:3: error: source 'sigact' is already defined at inputs/sources.yaml:1 [E011]",
    )


def test_duplicate_source_id_in_one_file(edition: Path, weekly) -> None:
    (edition / "inputs/sources.yaml").write_text(
        SOURCES + "sigact:\n  text: Again.\n", encoding="utf-8"
    )
    assert_refused(
        render(weekly, edition),
        "inputs/sources.yaml:20: error: source 'sigact' is defined twice in this file [E011]",
    )


def test_source_without_required_field(edition: Path, weekly) -> None:
    (edition / "inputs/sources.yaml").write_text(
        SOURCES
        + "site-x:\n  publisher: SITE Intelligence Group\n  subscription: www.siteintelgroup.com\n",
        encoding="utf-8",
    )
    assert_refused(
        render(weekly, edition),
        "inputs/sources.yaml:20: error: source 'site-x': missing required field 'title' [E010]",
    )


def test_cited_source_after_the_cutoff(edition: Path, weekly) -> None:
    text = SOURCES.replace("  date: 2023-11-14\n", "  date: 2023-12-14\n")
    (edition / "inputs/sources.yaml").write_text(text, encoding="utf-8")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:18: error: source 'reuters-kidal' is dated 2023-12-14, after the data cutoff 2023-12-13 [E102]",
    )


def test_sandbox_violation_in_the_body(edition: Path, weekly) -> None:
    broken(edition, "- Security forces", "- {{ ''.__class__.__mro__ }} Security forces")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:16: error: not allowed in the body: access to attribute '__class__' of 'str' object is unsafe. [E021]",
    )


def test_body_cannot_include_files(edition: Path, weekly) -> None:
    broken(edition, "- Security forces", "{% include '/etc/passwd' %}\n- Security forces")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:16: error: template error: no loader for this environment specified [E020]",
    )


def test_undefined_name_in_the_body(edition: Path, weekly) -> None:
    broken(edition, "- Security forces", "- {{ attacks }} Security forces")
    assert_refused(
        render(weekly, edition),
        f"{UPDATE_PATH}:16: error: template error: 'attacks' is undefined [E020]",
    )


def test_unknown_cutoff_folder(edition: Path, weekly) -> None:
    result = weekly("render", "--cutoff", "2023-12-20", cwd=edition)
    assert_refused(result, "inputs/2023-12-20/update.md: error: no edition for cutoff 2023-12-20")


@pytest.mark.e2e
def test_failed_render_leaves_previous_output_untouched(edition: Path, weekly) -> None:
    assert render(weekly, edition).returncode == 0
    folder = edition / "output/2023-12-13"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    broken(edition, "[@reuters-kidal]", "[@ctp-aug-99]")
    broken(edition, "Reuters reported", "Reuters reported something new")
    assert render(weekly, edition).returncode == 2
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before


def test_unknown_format_is_a_usage_error(edition: Path, weekly) -> None:
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "docx", cwd=edition)
    assert result.returncode == 2
    assert "unknown format 'docx' (choose from html, pdf, fragment)" in result.stderr


def test_input_that_is_not_utf8(edition: Path, weekly) -> None:
    path = edition / "inputs/sources.yaml"
    path.write_bytes(path.read_bytes() + b"caf\xe9:\n  text: Latin-1.\n")
    assert_refused(
        render(weekly, edition), "inputs/sources.yaml:20: error: not UTF-8 text (byte 0xe9) [E003]"
    )
