"""Bibliography stage: find every bibliography file of an edition and read them together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from weekly.errors import Problems, WeeklyError, display_path, read_text
from weekly.inputs.bibliography.entry import Source

if TYPE_CHECKING:
    from weekly.inputs.yamlfile import YamlCache

#: A bibliography file larger than this is refused rather than read.
MAX_BYTES = 32 * 1024 * 1024
Reader = Callable[[Path, str, bool, Problems], list[Source]]
#: The file names read in each folder, in this order.
NAMES = ("sources.yaml", "sources.json", "sources.bib", "sources.ris")


def _reader(name: str) -> Reader:
    """Return the reader of one file name; BibTeX and RIS readers load their parsers."""
    if name == "sources.yaml":
        from weekly.inputs.bibliography.yamlsource import read_yaml

        return read_yaml
    if name == "sources.json":
        from weekly.inputs.bibliography.csl import read_csl_json

        return read_csl_json
    if name == "sources.bib":
        from weekly.inputs.bibliography.bibtex import read_bibtex

        return read_bibtex
    from weekly.inputs.bibliography.ris import read_ris

    return read_ris


def bibliography_files(folder: Path) -> list[Path]:
    """Return the bibliography files in ``folder``, in reading order."""
    return [folder / name for name in NAMES if (folder / name).is_file()]


def read_file(
    path: Path,
    edition_only: bool,
    problems: Problems,
    root: Path | None = None,
    yaml: YamlCache | None = None,
) -> list[Source]:
    """Read one bibliography file; a file that cannot be read at all raises.

    A file that is a link to somewhere outside ``root`` (the inputs) is refused unread.
    ``yaml`` remembers parsed YAML between builds (the preview keeps one).
    """
    if root is not None and not path.resolve().is_relative_to(root.resolve()):
        raise WeeklyError.at(path, None, "bibliography file links outside the inputs", "E701")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise WeeklyError.at(
            path,
            1,
            f"bibliography file is too large ({size / 2**20:.0f} MiB; the limit is "
            f"{MAX_BYTES // 2**20} MiB)",
            "E701",
        )
    if path.name == "sources.yaml":
        from weekly.inputs.bibliography.yamlsource import read_yaml

        return read_yaml(path, read_text(path), edition_only, problems, yaml)
    text = read_text(path)
    if path.name != "sources.json":  # JSON writes them as escapes: its reader checks them
        refuse_controls(path, text)
    return _reader(path.name)(path, text, edition_only, problems)


def refuse_controls(path: Path, text: str) -> None:
    """Raise E072 at each line of a BibTeX or RIS file holding a control character.

    YAML and JSON bibliographies refuse them as values (E001); the other formats would
    carry them into the page, the PDF and the feeds. Reported once per line, 20 at most.
    """
    from weekly.errors import Problem
    from weekly.inputs.yamlfile import unkeepable_characters

    found: list[Problem] = []
    line, counted = 1, 0
    for match in unkeepable_characters(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if found and found[-1].line == line:
            continue
        message = (
            f"control character U+{ord(match.group()):04X} in the bibliography; delete it "
            "(a title, a name or a note would print it)"
        )
        found.append(Problem(display_path(path), line, 0, "error", "E072", message))
        if len(found) == 20:
            break
    if found:
        raise WeeklyError(found)


def load_sources(
    folders: list[tuple[Path, bool]], problems: Problems, yaml: YamlCache | None = None
) -> dict[str, Source]:
    """Read every bibliography file of each (folder, edition_only) pair, in order.

    ``yaml`` remembers parsed YAML between builds (a long-lived preview passes one).

    ``sources.yaml``, ``sources.json`` (CSL-JSON), ``sources.bib`` (BibTeX/BibLaTeX) and
    ``sources.ris`` are read together. An id defined in more than one place is an error
    at its second definition, naming the first.
    """
    merged: dict[str, Source] = {}
    root = folders[0][0] if folders else None
    for folder, edition_only in folders:
        for path in bibliography_files(folder):
            # A bibliography that cannot be read at all stops here: checking citations
            # against half of it would only bury the real error under unknown sources.
            for source in read_file(path, edition_only, problems, root, yaml):
                earlier = merged.get(source.id)
                if earlier is not None:
                    problems.error(
                        "E011",
                        source.path,
                        source.line,
                        f"source '{source.id}' is already defined at "
                        f"{display_path(earlier.path)}:{earlier.line}",
                    )
                    continue
                merged[source.id] = source
    return merged
