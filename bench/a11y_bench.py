"""Print what accessibility costs the PDF: print time and size, untagged vs PDF/UA-1 vs
PDF/A-3u, and `weekly render` as a whole process against WeasyPrint alone (no asserts).

Copies the example inputs to a temporary folder, renders the edition's HTML once, then
prints it to PDF ``--runs`` times in each variant with WeasyPrint warm (the in-process
printer of ``weekly render``, with its asset sandbox) and reports the median. "untagged" is
how weekly printed before PDF/UA became the default.

    .venv/bin/python bench/a11y_bench.py [--cutoff 2023-12-13] [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weasyprint import HTML  # noqa: E402

from weekly.pipeline import load_checked  # noqa: E402
from weekly.render import pdf  # noqa: E402
from weekly.render.html import render_html  # noqa: E402


def untagged(html: str, assets: list[pdf.Asset]) -> bytes:
    """Print as weekly did before: no variant, no tags."""
    document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.AssetFetcher(assets))
    return bytes(document.write_pdf())


def interleaved(runs: int, makers: dict[str, Any]) -> dict[str, tuple[float, float, int]]:
    """Time each maker ``runs`` times in CPU seconds (steadier than the wall clock on a busy
    machine), taking turns so load hits all alike; return per name the median and the
    fastest, and the size made."""
    times: dict[str, list[float]] = {name: [] for name in makers}
    sizes: dict[str, int] = {}
    for _ in range(runs):
        for name, make in makers.items():
            started = time.process_time()
            sizes[name] = len(make())
            times[name].append(time.process_time() - started)
    return {n: (statistics.median(t), min(t), sizes[n]) for n, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoff", default="2023-12-13")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copytree(ROOT / "inputs", project / "inputs")
        update = load_checked(project / "inputs", args.cutoff)
        html = render_html(update)
        assets = [f.asset for f in update.figures.values() if f.asset is not None]
        untagged(html, assets)  # warm: fonts, WeasyPrint's caches
        makers = {
            "untagged (before)": lambda: untagged(html, assets),
            "pdf/ua-1 (default)": lambda: pdf.write_pdf(html, assets, "pdf/ua-1"),
            "pdf/a-3u": lambda: pdf.write_pdf(html, assets, "pdf/a-3u"),
        }
        results = interleaved(args.runs, makers)
        base, base_fastest, base_size = results["untagged (before)"]
        print(
            f"edition {update.edition.key}: print to PDF, CPU seconds, {args.runs} runs each, warm"
        )
        print(f"  {'variant':<20} {'median':>8} {'fastest':>8} {'size':>8}")
        for name, (median, fastest, size) in results.items():
            extra = "" if name.startswith("untagged") else (
                f"  ({median - base:+.3f} s median, {fastest - base_fastest:+.3f} s fastest, "
                f"{(size - base_size) / 1024:+.0f} KB)"
            )  # fmt: skip
            print(f"  {name:<20} {median:7.3f}s {fastest:7.3f}s {size / 1024:6.0f}KB{extra}")

        # Whole processes, as bench/run.py measures the render against its floor (WeasyPrint
        # alone printing the same page): CPU seconds of each child, taking turns.
        page = project / "page.html"
        page.write_text(html.replace('src="figures/', 'src="output/figures/'), encoding="utf-8")
        figures = project / "output" / "figures"
        figures.mkdir(parents=True)
        for asset in assets:
            (project / "output" / asset.name).write_bytes(asset.data)
        env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
        floor = (
            "import sys\nfrom weasyprint import HTML\nHTML(sys.argv[1]).write_pdf(sys.argv[2]{})\n"
        )
        commands = {
            "floor, untagged": [sys.executable, "-c", floor.format(""), str(page), "f.pdf"],
            "floor, pdf/ua-1": [
                sys.executable, "-c", floor.format(", pdf_variant='pdf/ua-1'"), str(page), "u.pdf"
            ],
            "weekly render": [sys.executable, "-m", "weekly", "render", "--cutoff", args.cutoff],
        }  # fmt: skip
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(max(1, min(args.runs, 5))):
            for name, command in commands.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
        medians = {name: statistics.median(times) for name, times in cpu.items()}
        print(f"whole processes, CPU seconds, median of {len(cpu['weekly render'])}:")
        for name, seconds in medians.items():
            print(f"  {name:<20} {seconds:6.2f} s")
        render = medians["weekly render"]
        print(
            f"  render / untagged floor {render / medians['floor, untagged']:.2f}"
            f" · render / pdf/ua-1 floor {render / medians['floor, pdf/ua-1']:.2f}"
        )


if __name__ == "__main__":
    main()
