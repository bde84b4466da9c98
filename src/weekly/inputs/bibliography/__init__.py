"""Stage 1, the inputs: the bibliography — one entry model, a reader per format, the note printer."""

from weekly.inputs.bibliography.entry import KINDS, Name, Source
from weekly.inputs.bibliography.load import NAMES, bibliography_files, load_sources
from weekly.inputs.bibliography.printer import (
    Printed,
    defang,
    is_web_url,
    print_parts,
    print_source,
    source_parts,
)

__all__ = [
    "KINDS", "NAMES", "Name", "Printed", "Source", "bibliography_files", "defang",
    "is_web_url", "load_sources", "print_parts", "print_source", "source_parts",
]  # fmt: skip
