"""Inputs: where an edition's templates are looked for, first match wins, decided once.

A series may bring its own templates: ``reports/templates/<series key>/`` beside the inputs
wins over the same folder among the package's templates, which wins over the package's
defaults. The page, the draft aids, the stylesheet and the mail all search this one path.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def templates_dir() -> Path:
    """Return the default templates folder (``reports/templates`` in a checkout)."""
    bundled = PACKAGE_DIR / "templates"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parents[1] / "reports" / "templates"


def template_path(inputs: Path, series_key: str) -> tuple[Path, ...]:
    """Return the folders searched for the templates of series ``series_key``, in order.

    The project's folder for the series (beside ``inputs``), the package's folder for it,
    then the defaults; a series folder that does not exist is left out.
    """
    defaults = templates_dir()
    own = (inputs.parent / "reports" / "templates" / series_key, defaults / series_key)
    return (*(folder for folder in own if folder.is_dir()), defaults)
