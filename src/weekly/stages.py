"""The stage order: which part of weekly may import which, written once.

Every subpackage and top-level module of ``weekly`` belongs to one stage, and a module may
import only from its own stage or an earlier one; within a stage, only from its own package
or one listed before it. ``tests/test_layers.py`` reads the imports of every module
(function-level and ``TYPE_CHECKING`` imports included) and fails on an import of anything
later, and on any import cycle between modules. The architecture page of the developer docs
is generated from :data:`STAGES` by ``docs/hooks.py``, so the plan on the page is the plan
the test enforces.
"""

from __future__ import annotations

from typing import NamedTuple


class Stage(NamedTuple):
    """One stage of the pipeline: its name, its packages in order, and what it does."""

    name: str
    packages: tuple[str, ...]
    job: str


#: The stages, first to last. ``packages`` name modules directly under ``weekly``.
STAGES: tuple[Stage, ...] = (
    Stage(
        "shared",
        ("stages", "findings", "errors", "apstyle", "palette", "files", "state", "caches"),
        "this stage order; the finding-code registry; problems with places; AP-style dates "
        "and numbers; the colours of charts and cards; the one atomic writer, lock and "
        "publish; the private state folder; a run's in-memory caches",
    ),
    Stage(
        "inputs",
        ("inputs", "assets"),
        "YAML with line numbers, series, sources, front matter; the files a figure shows",
    ),
    Stage("events", ("events",), "the events table: read, cache, query, draw charts and maps"),
    Stage("body", ("body",), "the sandboxed template, then Markdown into sections and blocks"),
    Stage("resolve", ("resolve",), "number the notes and figures, assemble an Update"),
    Stage("check", ("check",), "an editor's checks of an assembled update: Problems"),
    Stage(
        "review",
        ("review",),
        "team review: comments on the draft's blocks, their places, changes since review",
    ),
    Stage("render", ("render",), "HTML through Jinja, the draft aids, PDF through WeasyPrint"),
    Stage("build", ("pipeline",), "the one build path: load and check, then render and write"),
    Stage("authoring", ("authoring",), "make inputs: a new edition, a Word draft imported"),
    Stage("preview", ("preview",), "the draft server, rebuilt on every save"),
    Stage("site", ("site",), "the archive as a website: editions, index, feeds, search"),
    Stage("mail", ("mail",), "recipients, one message each, delivery with a ledger"),
    Stage("command line", ("cli", "__main__"), "parse options, call the core, print"),
)


def rank(package: str) -> int:
    """Return the position of ``package`` in the stage order (its stage's, then its own)."""
    position = 0
    for stage in STAGES:
        for name in stage.packages:
            if name == package:
                return position
            position += 1
    raise KeyError(f"weekly.{package} belongs to no stage in weekly.stages.STAGES")
