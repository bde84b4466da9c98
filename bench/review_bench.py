"""Print what one listing of review comments costs the preview (no asserts).

Copies the example inputs to a temporary folder, appends ``--paragraphs`` paragraphs to the
latest edition's draft, writes ``--comments`` review comments whose paragraphs have since been
reworded (outdated: each is matched against the draft with difflib), builds the draft once,
then times ``GET /api/comments`` answered by the review API, ``--runs`` times, with the draft
unchanged between listings, as when many pages follow one draft.

    .venv/bin/python bench/review_bench.py [--paragraphs 200] [--comments 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weekly.preview.api import ReviewApi  # noqa: E402
from weekly.preview.serve import Preview  # noqa: E402
from weekly.review.comments import Comment, dump_review  # noqa: E402

WORDS = [
    "militants",
    "attacked",
    "the",
    "convoy",
    "near",
    "the",
    "town",
    "before",
    "the",
    "army",
    "pulled",
    "back",
    "north",
]


def paragraph(number: int) -> str:
    """Return a paragraph of its own words, like the others but never the same."""
    words = [WORDS[(number * 7 + i * 3) % len(WORDS)] for i in range(30)]
    return f"Paragraph {number}: " + " ".join(words) + "."


def reworded(number: int, heavily: bool) -> str:
    """Return the quote a comment kept of paragraph ``number`` before it was edited."""
    text = paragraph(number)
    if heavily:
        return " ".join(reversed(text.split()))[:240]  # no block is like it: outdated
    return text.replace("convoy", "column", 1)[:240]  # still found, by similarity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs"
        shutil.copytree(ROOT / "inputs", inputs)
        preview = Preview(inputs, "latest")
        folder = inputs / preview.name
        update_md = folder / "update.md"
        body = "\n\n".join(paragraph(n) for n in range(args.paragraphs))
        update_md.write_text(update_md.read_text(encoding="utf-8") + "\n" + body + "\n")
        comments = [
            Comment(
                id=f"c{n}",
                author="Reviewer",
                time="2023-12-13T09:00:00Z",
                kind="paragraph",
                line=1,
                # the paragraph as it was: reworded since (every other one beyond recognition)
                quote=reworded(n % args.paragraphs, heavily=n % 2 == 1),
                text=f"Comment {n}.",
            )
            for n in range(args.comments)
        ]
        (folder / "review.yaml").write_text(dump_review(comments), encoding="utf-8")
        preview.build()
        api = ReviewApi(preview)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            answer = api.get("/api/comments")
            times.append(time.perf_counter() - started)
            assert answer is not None and answer.status == 200
        outdated = answer.body.count(b'"outdated": true')
    print(
        f"{args.comments} comments ({outdated} outdated) on {args.paragraphs} added paragraphs: "
        f"first listing {times[0]:.2f} s, later listings median "
        f"{statistics.median(times[1:] or times):.3f} s over {max(1, len(times) - 1)}"
    )


if __name__ == "__main__":
    main()
