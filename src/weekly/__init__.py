"""weekly: assemble a think-tank weekly update from curated inputs into HTML and PDF."""

__version__ = "0.1.0"
