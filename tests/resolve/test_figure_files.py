"""Figure files publish under safe, distinct names, and SVGs are sanitised on the way."""

from __future__ import annotations

import base64
from pathlib import Path

import pypdf

UPDATE_PATH = "inputs/2023-12-13/update.md"
#: Two 1x1 PNGs of different colours.
RED = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
BLUE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC"
)


def add_figures(edition: Path, files: dict[str, bytes | str], images: dict[str, str]) -> None:
    folder = edition / "inputs/2023-12-13"
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    specs = "".join(
        f"  {fid}:\n    title: {fid.title()} Map\n    image: {image}\n    alt: {fid} map\n"
        for fid, image in images.items()
    )
    path = edition / UPDATE_PATH
    text = path.read_text(encoding="utf-8").replace(
        "---\n\n**JNIM", f"figures:\n{specs}---\n\n**JNIM"
    )
    placements = "".join(f'\n{{{{ figure("{fid}") }}}}\n' for fid in images)
    path.write_text(text + placements, encoding="utf-8")


def outputs(edition: Path) -> tuple[str, Path]:
    folder = edition / "output/2023-12-13"
    return next(folder.glob("*.html")).read_text(encoding="utf-8"), folder


def test_same_file_names_in_two_folders_stay_two_images(edition: Path, weekly) -> None:
    add_figures(
        edition,
        {"figures/a/map.png": RED, "figures/b/map.png": BLUE},
        {"red": "figures/a/map.png", "blue": "figures/b/map.png"},
    )
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition)
    assert result.returncode == 0, result.stderr
    html, folder = outputs(edition)
    assert 'src="figures/map.png"' in html and 'src="figures/map-2.png"' in html
    assert (folder / "figures/map.png").read_bytes() == RED
    assert (folder / "figures/map-2.png").read_bytes() == BLUE


def test_names_with_spaces_and_accents_reach_the_pdf(edition: Path, weekly) -> None:
    add_figures(
        edition,
        {"figures/north mali.png": RED, "figures/carte-ségou.png": BLUE},
        {"north": "figures/north mali.png", "segou": "figures/carte-ségou.png"},
    )
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 0, result.stderr
    html, folder = outputs(edition)
    assert (folder / "figures/north-mali.png").read_bytes() == RED
    assert (folder / "figures/carte-segou.png").read_bytes() == BLUE
    pdf = pypdf.PdfReader(next(folder.glob("*.pdf")))
    images = [image for page in pdf.pages for image in page.images]
    assert len({image.data for image in images}) == 2  # both images, red and blue


def test_svg_figures_lose_scripts_handlers_and_outside_links(edition: Path, weekly) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10" onload="alert(1)">'
        "<script>alert(2)</script>"
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
        '<a href="https://evil.example/"><rect width="5" height="5" fill="red" onclick="x()"/></a>'
        '<image xlink:href="file:///etc/passwd" width="5" height="5"/>'
        '<style>@import url("https://evil.example/x.css"); rect { fill: url(#g) }</style>'
        '<use href="#g"/><circle r="2" style="fill: url(https://evil.example/p)"/>'
        "</svg>"
    )
    add_figures(edition, {"figures/map.svg": svg}, {"m": "figures/map.svg"})
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition)
    assert result.returncode == 0, result.stderr
    assert "warning: figure 'm': removed from the SVG:" in result.stderr
    _, folder = outputs(edition)
    published = (folder / "figures/map.svg").read_text(encoding="utf-8")
    for gone in (
        "<script",
        "onload",
        "onclick",
        "foreignObject",
        "evil.example",
        "file:",
        "@import",
    ):
        assert gone not in published
    assert 'href="#g"' in published and "url(#g)" in published  # internal references stay
    assert "<rect" in published


def test_svg_with_entities_is_refused(edition: Path, weekly) -> None:
    svg = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    add_figures(edition, {"figures/map.svg": svg}, {"m": "figures/map.svg"})
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 2
    assert "update.md:" in result.stderr and "figure 'm': not a safe SVG" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (edition / "output").exists()
