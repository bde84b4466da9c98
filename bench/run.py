"""Time ``weekly`` against the WeasyPrint floor, the pandoc → WeasyPrint peer and Typst.

    python bench/run.py            # 1×, 2×, 5×, 10×; 7 timed runs each after a warm-up
    python bench/run.py --quick    # 1× and 10×, 5 timed runs

Every measurement is a whole process (or a shell pipeline of processes) started with
``posix_spawn`` and reaped with ``wait4``, which gives its own CPU time and peak RSS
(including the children it waited for). Variants run round-robin, one run of each per
round, so a burst of load on this shared machine hits all of them alike; ratios are the
median of the per-round ratios. The figures are printed as a table and written to
``bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SRC = ROOT / "src"
sys.path[:0] = [str(SRC), str(BENCH)]

import editions  # noqa: E402

PYTHON = sys.executable
EDITION = "2023-12-13"

FLOOR = """\
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""

TYPST = """\
import sys
import typst
typst.compile(sys.argv[1], output=sys.argv[2])
"""

#: The warm re-render after an edit: what ``weekly preview`` does on each save.
PREVIEW = """\
import json, sys, time
from pathlib import Path

inputs, runs = Path(sys.argv[1]), int(sys.argv[2])
update_md = inputs / "{edition}" / "update.md"
original = update_md.read_text(encoding="utf-8")
try:
    from weekly.preview.serve import Preview
except ImportError:  # before weekly preview existed: assemble + render_html, in a loop
    from weekly import pipeline as build
    from weekly.render.html import render_html

    def rebuild():
        render_html(build.load_checked(inputs, "{edition}"), draft=True)
    kind = "assemble + render_html"
else:
    try:  # older versions patched their YAML cache into the loaders
        from weekly.preview.serve import warm_yaml
    except ImportError:
        pass  # a Preview keeps its own YamlCache
    else:
        warm_yaml().__enter__()
    preview = Preview(inputs, "{edition}")

    def rebuild():
        page = preview.build()
    kind = "weekly.preview.serve.Preview.build"

def once(text):
    update_md.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    rebuild()
    return time.perf_counter() - start

try:
    once(original)  # warm-up: imports, templates, first parse
    times = []
    for i in range(runs):
        # An edit: a word changes in the first lead of the body.
        times.append(once(original.replace("**", "**Edit %d: " % i, 1)))
finally:
    update_md.write_text(original, encoding="utf-8")
print(json.dumps({"kind": kind, "times": times}))
""".replace("{edition}", EDITION)
#: /usr/bin/time reports the peak RSS of the command itself. (A child spawned straight
#: from this process would inherit this process's high-water mark across exec.)
TIME = shutil.which("time", path="/usr/bin:/bin")


@dataclass
class Sample:
    """One timed process: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Variant:
    """A command line to time, and how to prepare each run."""

    name: str
    argv: list[str]
    cwd: Path
    before: Callable[[], None] | None = None
    #: Extra environment variables for this variant.
    env: dict[str, str] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)


def spawn(argv: list[str], cwd: Path, env: dict[str, str]) -> Sample:
    """Run ``argv`` to completion; return its wall time, CPU time and peak RSS."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    rss_file = Path(tempfile.mkstemp(prefix="weekly-bench-rss-")[1])
    if TIME:
        argv = [TIME, "-f", "%M", "-o", str(rss_file), *argv]
    here = os.getcwd()
    os.chdir(cwd)
    try:
        start = time.perf_counter()
        pid = os.posix_spawn(
            argv[0],
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
            ],
        )
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        rss_kb = float(rss_file.read_text().split()[-1]) if TIME else usage.ru_maxrss
    finally:
        os.chdir(here)
        os.close(devnull)
        rss_file.unlink(missing_ok=True)
    if os.waitstatus_to_exitcode(status) != 0:
        # Run it again visibly so the failure can be read.
        subprocess.run(argv, cwd=cwd, env=env)
        raise SystemExit(f"bench: {' '.join(argv)} failed in {cwd}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024)


def environment() -> dict[str, str]:
    """Return the environment of the timed processes (this checkout's ``src`` first)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def weekly(*args: str) -> list[str]:
    return [PYTHON, "-m", "weekly", *args]


def output_folder(work: Path) -> Path:
    return work / "output" / EDITION


def peer_markdown(work: Path) -> str:
    """Return the edition as plain pandoc Markdown: citations become footnotes.

    The footnote texts are the notes ``weekly`` resolved, so both sides print the same
    words; pandoc collects them at the end of the HTML document (endnotes).
    """
    import re

    from weekly import pipeline as build
    from weekly.body.template import render_body
    from weekly.errors import Problems
    from weekly.events.helpers import body_helpers

    update = build.load_checked(work / "inputs", EDITION)
    edition = update.edition
    problems = Problems()
    helpers = dict(body_helpers(edition, problems))
    evaluated = render_body(edition.body, edition.path, edition.body_line, helpers, problems)
    notes = iter(note.text.replace("[", "\\[").replace("]", "\\]") for note in update.notes)
    figures = {fid: fig for fid, fig in update.figures.items()}

    def footnote(_: re.Match[str]) -> str:
        return f"^[{next(notes)}]"

    def figure(match: re.Match[str]) -> str:
        fig = figures[match.group(1)]
        lines = [f"![Figure {fig.number}. {fig.spec.title}]({fig.asset.name if fig.asset else ''})"]
        if fig.spec.source:
            lines.append(f"\nSource: {fig.spec.source}")
        return "\n".join(lines)

    cite = re.compile(r"\[@[^\]]*\]")
    parts = [
        "---",
        f"title: {json.dumps(update.title)}",
        f"author: {json.dumps(', '.join(edition.authors))}",
        f"date: {json.dumps(edition.date.isoformat())}",
        "---",
        "",
    ]
    for notice in edition.notices:
        parts += [f"*{cite.sub(footnote, notice)}*", ""]
    for text in edition.takeaways.values():
        parts += [f"**Key Takeaway:** {cite.sub(footnote, text)}", ""]
    body = re.sub("\ue000figure:([^\ue001]*)\ue001", figure, evaluated or "")
    parts.append(cite.sub(footnote, body))
    return "\n".join(parts)


def prepare(scale: int, root: Path, env: dict[str, str], pandoc: str) -> dict[str, Path]:
    """Build the ``scale``× edition and the peer's inputs; return the paths used."""
    work = root / f"x{scale}"
    work.mkdir(parents=True)
    editions.build(work, scale)
    subprocess.run(weekly("render", "--cutoff", EDITION), cwd=work, env=env, check=True)
    out = output_folder(work)
    html = next(out.glob("*.html"))
    peer = work / "peer"
    peer.mkdir()
    (peer / "edition.md").write_text(peer_markdown(work), encoding="utf-8")
    if (out / "figures").is_dir():
        shutil.copytree(out / "figures", peer / "figures")
    css = (ROOT / "reports" / "templates" / "style.css").read_text(encoding="utf-8")
    (peer / "style.html").write_text(f"<style>\n{css}\n</style>\n", encoding="utf-8")
    (work / "floor.py").write_text(FLOOR, encoding="utf-8")
    (work / "typst_pdf.py").write_text(TYPST, encoding="utf-8")
    (work / "preview.py").write_text(PREVIEW, encoding="utf-8")
    return {"work": work, "html": html, "peer": peer, "pandoc": Path(pandoc)}


def chart_cache_cleaner(work: Path) -> Callable[[], None]:
    """Return a function emptying the chart cache and the memo (the events copy stays)."""
    cache = work / "inputs" / ".weekly-cache"

    def clear() -> None:
        for name in ("charts", "memo"):
            shutil.rmtree(cache / name, ignore_errors=True)
        (cache / "memo.json").unlink(missing_ok=True)

    return clear


def variants(paths: dict[str, Path], charts: bool) -> list[Variant]:
    """Return the processes timed for one edition size."""
    work, peer, pandoc = paths["work"], paths["peer"], paths["pandoc"]
    html = paths["html"]
    sh = shutil.which("sh") or "/bin/sh"
    quoted_pandoc = f"'{pandoc}'"
    found: list[Variant] = [
        Variant("weekly render", weekly("render", "--cutoff", EDITION), work),
        Variant(
            "weekly render, PDF in-process",
            weekly("render", "--cutoff", EDITION),
            work,
            env={"WEEKLY_PDF_WORKER": "0"},
        ),
    ]
    if charts:
        found.append(
            Variant(
                "weekly render, charts cold",
                weekly("render", "--cutoff", EDITION),
                work,
                before=chart_cache_cleaner(work),
            )
        )
    found += [
        Variant(
            "weekly render --format html",
            weekly("render", "--cutoff", EDITION, "--format", "html"),
            work,
        ),
        Variant("floor: WeasyPrint alone", [PYTHON, "floor.py", str(html), "floor.pdf"], work),
        Variant(
            "peer: pandoc → WeasyPrint",
            [
                sh,
                "-c",
                f"{quoted_pandoc} edition.md -s -H style.html -o peer.html"
                f" && '{PYTHON}' ../floor.py peer.html peer.pdf",
            ],
            peer,
        ),
        Variant(
            "reference: pandoc → Typst",
            [
                sh,
                "-c",
                f"{quoted_pandoc} edition.md -s -t typst -o edition.typ"
                f" && '{PYTHON}' ../typst_pdf.py edition.typ typst.pdf",
            ],
            peer,
        ),
        Variant("weekly --help", weekly("--help"), work),
    ]
    return found


def summary(samples: list[Sample]) -> dict[str, float]:
    walls = [s.wall for s in samples]
    return {
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu_median": statistics.median(s.cpu for s in samples),
        "rss_mb_max": max(s.rss_mb for s in samples),
        "runs": len(samples),
    }


def paired_ratio(a: Variant, b: Variant, attr: str = "wall") -> float:
    """Return the median over rounds of ``a``'s time divided by ``b``'s in the same round."""
    return statistics.median(
        getattr(x, attr) / getattr(y, attr) for x, y in zip(a.samples, b.samples, strict=True)
    )


def pages(pdf: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(pdf).pages)


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg(),
    }


def versions(pandoc: str) -> dict[str, str]:
    from importlib.metadata import version

    found = {name: version(name) for name in ("weasyprint", "typst", "pypandoc_binary")}
    first = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
    found["pandoc"] = first.split("\n", 1)[0]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1× and 10× only, 5 runs")
    parser.add_argument("--runs", type=int, help="timed runs per variant (default 7, quick 5)")
    parser.add_argument("--scales", help="comma-separated sizes, e.g. 1,10")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--output", type=Path, default=BENCH / "results.json", help="where to write results"
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the tables of an earlier run's results file as Markdown, and stop",
    )
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.output.read_text(encoding="utf-8"))))
        return
    runs = args.runs or (5 if args.quick else 7)
    scales = (
        [int(s) for s in args.scales.split(",")]
        if args.scales
        else ([1, 10] if args.quick else [1, 2, 5, 10])
    )
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    env = environment()
    charts = editions.charts_available()
    results: dict[str, object] = {
        "machine": machine(),
        "versions": versions(pandoc),
        "runs": runs,
        "charts": charts,
        "scales": {},
    }
    print(f"machine: {results['machine']}")
    if not charts:
        print("note: weekly.events.charts cannot draw charts yet; figures are static SVG images")
    root = Path(tempfile.mkdtemp(prefix="weekly-bench-"))
    try:
        for scale in scales:
            paths = prepare(scale, root, env, pandoc)
            found = variants(paths, charts)
            for round_ in range(runs + 1):  # round 0 is the warm-up
                order = found if round_ % 2 == 0 else found[::-1]
                for variant in order:
                    if variant.before:
                        variant.before()
                    sample = spawn(variant.argv, variant.cwd, {**env, **variant.env})
                    if round_:
                        variant.samples.append(sample)
                print(f"  {scale}x round {round_}/{runs}", end="\r", flush=True)
            preview = subprocess.run(
                [PYTHON, "preview.py", str(paths["work"] / "inputs"), str(max(runs, 10) * 2)],
                cwd=paths["work"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            report_scale(scale, found, json.loads(preview.stdout), paths, results)
    finally:
        if args.keep:
            print(f"work folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    results["machine"]["loadavg_end"] = os.getloadavg()  # type: ignore[index]
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.output}")


def report_scale(
    scale: int,
    found: list[Variant],
    preview: dict[str, Any],
    paths: dict[str, Path],
    results: dict[str, object],
) -> None:
    by_name = {v.name: v for v in found}
    work = paths["work"]
    info = {
        "pages": {
            "weekly": pages(next(output_folder(work).glob("*.pdf"))),
            "peer": pages(paths["peer"] / "peer.pdf"),
            "typst": pages(paths["peer"] / "typst.pdf"),
        },
        "variants": {
            v.name: {**summary(v.samples), "samples": [s.__dict__ for s in v.samples]}
            for v in found
        },
        "preview_rerender": {
            "measured": preview["kind"],
            "median": statistics.median(preview["times"]),
            "min": min(preview["times"]),
            "max": max(preview["times"]),
            "runs": len(preview["times"]),
        },
    }
    render, floor = by_name["weekly render"], by_name["floor: WeasyPrint alone"]
    peer, typst = by_name["peer: pandoc → WeasyPrint"], by_name["reference: pandoc → Typst"]
    info["ratios"] = {
        "render / floor": paired_ratio(render, floor),
        "render / peer": paired_ratio(render, peer),
        "render / typst": paired_ratio(render, typst),
        "render in-process / floor": paired_ratio(by_name["weekly render, PDF in-process"], floor),
        "render / floor (cpu)": paired_ratio(render, floor, "cpu"),
        "render / peer (cpu)": paired_ratio(render, peer, "cpu"),
    }
    results["scales"][str(scale)] = info  # type: ignore[index]
    pg = info["pages"]
    print(
        f"\n{scale}× edition (weekly {pg['weekly']} pages, peer {pg['peer']}, typst {pg['typst']})"
    )
    print(f"  {'':34} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8} {'peak RSS':>9}")
    for v in found:
        s = summary(v.samples)
        print(
            f"  {v.name:34} {s['median']:7.3f}s {s['min']:7.3f}s {s['max']:7.3f}s"
            f" {s['cpu_median']:7.3f}s {s['rss_mb_max']:6.0f} MB"
        )
    p = info["preview_rerender"]
    print(
        f"  {'warm preview re-render after an edit':34} {p['median'] * 1000:6.1f}ms"
        f" {p['min'] * 1000:6.1f}ms {p['max'] * 1000:6.1f}ms"
    )
    for name, value in info["ratios"].items():
        print(f"  {name:34} {value:6.2f}")


def markdown(results: dict[str, Any]) -> str:
    """Return the results as Markdown tables (for docs/bench.md)."""
    lines = []
    for scale, info in results["scales"].items():
        pg = info["pages"]
        lines += [
            f"**{scale}×** (weekly {pg['weekly']} pages, peer {pg['peer']}, Typst {pg['typst']})",
            "",
            "| process | median | min | max | CPU (median) | peak RSS |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, v in info["variants"].items():
            lines.append(
                f"| {name} | {v['median']:.2f} s | {v['min']:.2f} s | {v['max']:.2f} s"
                f" | {v['cpu_median']:.2f} s | {v['rss_mb_max']:.0f} MB |"
            )
        p = info["preview_rerender"]
        lines.append(
            f"| warm preview re-render after an edit | {p['median'] * 1000:.0f} ms"
            f" | {p['min'] * 1000:.0f} ms | {p['max'] * 1000:.0f} ms | | |"
        )
        lines += ["", " · ".join(f"{k} **{v:.2f}**" for k, v in info["ratios"].items()), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
