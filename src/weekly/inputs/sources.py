"""Stage 1, the inputs: the bibliography's old import path, kept for its callers.

The code lives in :mod:`weekly.inputs.bibliography`.
"""

from weekly.inputs.bibliography import (
    KINDS,
    Printed,
    Source,
    defang,
    is_web_url,
    load_sources,
    print_source,
)

__all__ = ["KINDS", "Printed", "Source", "defang", "is_web_url", "load_sources", "print_source"]
