"""Watch a preview's inputs and templates; rebuild the draft when one of them changes.

The review files (``review.yaml`` and the snapshot beside it) are watched too, but a
change to them only tells the pages to fetch the comments again: it changes nothing
in the draft.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weekly.preview.state import Preview

#: Names in an edition folder that belong to the review, not to the edition.
REVIEW_FILES = ("review.yaml", "review-snapshot.json")


def is_review_file(path: Path) -> bool:
    """Return whether ``path`` is a review file or a temporary file written for one."""
    name = path.name
    return name in REVIEW_FILES or any(name.startswith(f".{r}.") for r in REVIEW_FILES)


@dataclass
class Watcher:
    """Rebuild ``preview`` on every relevant change; call ``on_review`` for review files."""

    preview: Preview
    on_review: Callable[[], None] = lambda: None
    #: Set once the watcher watches.
    ready: threading.Event = field(default_factory=threading.Event)
    #: Files as they were before the first build, to catch a save made meanwhile.
    first_snapshot: dict[str, tuple[int, int]] = field(default_factory=dict)

    def folders(self) -> list[Path]:
        """Return the folders whose changes rebuild the draft."""
        from weekly.inputs.templates import templates_dir

        inputs = self.preview.inputs
        folders = [inputs, templates_dir()]
        series = inputs.parent / "reports" / "templates"
        if series.is_dir():
            folders.append(series)
        unique: list[Path] = []
        for folder in folders:
            resolved = folder.resolve()
            if resolved.is_dir() and resolved not in unique:
                unique.append(resolved)
        return unique

    def relevant(self, path: str) -> bool:
        """Return whether a change to ``path`` can change this edition's draft."""
        changed = Path(path).resolve()
        inputs = self.preview.inputs.resolve()
        if changed.is_relative_to(inputs):
            parts = changed.relative_to(inputs).parts
            if len(parts) == 2 and parts[0] == self.preview.name and is_review_file(changed):
                return False
            # Shared files (sources, events, series) and this edition's folder only.
            return len(parts) == 1 or parts[0] == self.preview.name
        return True

    def is_review(self, path: str) -> bool:
        """Return whether ``path`` is this edition's review file or snapshot."""
        changed = Path(path)
        folder = (self.preview.inputs / self.preview.name).resolve()
        return changed.parent.resolve() == folder and changed.name in REVIEW_FILES

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Return (mtime, size) of every watched file that matters, to spot missed saves."""
        found: dict[str, tuple[int, int]] = {}
        for folder in self.folders():
            for path in folder.rglob("*"):
                try:
                    if path.is_file() and self.relevant(str(path)):
                        stat = path.stat()
                        found[str(path)] = (stat.st_mtime_ns, stat.st_size)
                except OSError:
                    continue
        return found

    def run(self) -> None:
        """Rebuild on every relevant change until the preview stops (a thread's body)."""
        import watchfiles

        for changes in watchfiles.watch(
            *self.folders(),
            stop_event=self.preview.stopping,
            debounce=400,
            step=30,
            rust_timeout=100,  # a tick when idle: the first says watching has begun
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            if self.preview.stopping.is_set():
                break
            if not self.ready.is_set():
                # Watching now: catch a save made while the watcher was starting.
                self.ready.set()
                if self.snapshot() != self.first_snapshot:
                    self.preview.build()
            if any(self.is_review(path) for _, path in changes):
                self.on_review()
            if any(self.relevant(path) for _, path in changes):
                try:
                    self.preview.build()
                except Exception:  # pragma: no cover - build() reports its own errors
                    traceback.print_exc()
