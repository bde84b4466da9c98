"""Time ``weekly email``: dry runs to 1,000–100,000 recipients, and ``--send`` to a local server.

    python bench/email_bench.py            # dry run 1k, 10k, 100k; send 1k, 10k
    python bench/email_bench.py --quick    # dry run 1k, 10k; send 1k
    python bench/email_bench.py --baseline REV   # compare with the code of git revision REV

Every figure is a whole ``python -m weekly email`` process, reaped with ``wait4`` for its
wall time, CPU time and peak RSS. The edition is the project's own example (``inputs/``,
latest edition), its PDF rendered once first so no run includes the PDF build. The cost per
recipient is the marginal one: (time for N − time for 1) / (N − 1), which leaves out the
start-up every run pays once (Python, loading and checking the edition, setting up the
shared parts). Sending goes to aiosmtpd on 127.0.0.1 in a process of its own, which counts
the copies each address receives; the run fails unless every address got exactly one.
The baseline is the code of ``--baseline`` (default: the commit before the streaming mail
work), unpacked with ``git archive`` and run the same way, at the sizes it can manage.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
#: The code before this round's mail work: build every message whole, hold all, then write.
BASELINE = "13a83b3"

SERVER = """\
import json, resource, signal, sys, threading
from collections import Counter
from aiosmtpd.controller import Controller

counts = Counter()

class Handler:
    async def handle_DATA(self, server, session, envelope):
        counts.update(envelope.rcpt_tos)
        return "250 2.0.0 accepted"

controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
usage = resource.getrusage(resource.RUSAGE_SELF)
with open(sys.argv[2], "w") as out:
    json.dump({"counts": counts, "cpu": usage.ru_utime + usage.ru_stime}, out)
"""


@dataclass
class Run:
    """One measured process."""

    wall: float
    cpu: float
    rss_mb: float
    #: CPU seconds of the SMTP server process (send runs only).
    server_cpu: float = 0.0


def measure(args: list[str], cwd: Path, src: Path) -> Run:
    """Run ``python -m weekly ARGS`` in ``cwd`` with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src), "MPLCONFIGDIR": str(cwd / ".mpl")}
    start = time.perf_counter()
    with open(cwd / "last.log", "wb") as log:
        proc = subprocess.Popen(
            [PYTHON, "-m", "weekly", *args], cwd=cwd, env=env, stdout=log, stderr=log
        )
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"weekly {' '.join(args)} failed:\n{(cwd / 'last.log').read_text()}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def write_list(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("email,name\n")
        for i in range(count):
            out.write(f"reader{i}@example{i % 97}.org,Reader {i} Ó Briain\n")


def project(root: Path) -> Path:
    """Return a copy of the example inputs with mail settings and a current PDF."""
    shutil.copytree(ROOT / "inputs", root / "inputs")
    series = root / "inputs" / "series.yaml"
    series.write_text(
        "salafi-jihadi:\n"
        "  mail_from: Critical Threats Project <updates@example.org>\n"
        "  unsubscribe_url: https://example.org/unsubscribe?address={email}\n"
        "  web_url: https://example.org/analysis/{slug}\n",
        encoding="utf-8",
    )
    measure(["render", "--cutoff", "latest"], root, ROOT / "src")
    return root


def baseline_src(rev: str, into: Path) -> Path:
    """Unpack ``src/`` and ``reports/`` (its templates) of git revision ``rev`` under ``into``."""
    archive = subprocess.run(
        ["git", "archive", rev, "src", "reports"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def dry_run(root: Path, src: Path, count: int) -> Run:
    write_list(root / "list.csv", count)
    run = measure(["email", "--cutoff", "latest", "--to", "list.csv"], root, src)
    written = len(list((root / "output" / "2023-12-13" / "mail").glob("*.eml")))
    if written != count:
        sys.exit(f"dry run to {count}: {written} .eml files")
    shutil.rmtree(root / "output" / "2023-12-13" / "mail")
    return run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send(root: Path, src: Path, count: int) -> Run:
    write_list(root / "list.csv", count)
    port, counts = free_port(), root / "counts.json"
    server = subprocess.Popen(
        [PYTHON, "-c", SERVER, str(port), str(counts)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    try:
        run = measure(
            ["email", "--cutoff", "latest", "--to", "list.csv", "--send", "--rate", "0",
             "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none"],
            root, src,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    report = json.loads(counts.read_text())
    got, run.server_cpu = report["counts"], report["cpu"]
    if len(got) != count or set(got.values()) != {1}:
        sys.exit(f"send to {count}: {len(got)} addresses reached, copies {set(got.values())}")
    shutil.rmtree(root / "output" / "2023-12-13" / "mail")
    return run


def per(big: Run, one: Run, count: int) -> float:
    """Return the marginal wall time per recipient, in milliseconds."""
    return (big.wall - one.wall) / (count - 1) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--baseline", default=BASELINE)
    options = parser.parse_args()
    sizes = [1000, 10_000] if options.quick else [1000, 10_000, 100_000]
    sends = [1000] if options.quick else [1000, 10_000]
    print(f"load average at start: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")
    with tempfile.TemporaryDirectory(prefix="email-bench-") as tmp:
        root = project(Path(tmp) / "project")
        now_src, old_src = ROOT / "src", baseline_src(options.baseline, Path(tmp))
        print("\n| dry run | wall | CPU | peak RSS | per recipient (marginal) | vs baseline |")
        print("|---|---:|---:|---:|---:|---:|")
        one, old_one = dry_run(root, now_src, 1), dry_run(root, old_src, 1)
        for count in sizes:
            run = dry_run(root, now_src, count)
            ratio = ""
            if count == 1000:
                old = dry_run(root, old_src, count)
                ratio = (
                    f"{run.wall / old.wall:.2f}× wall, {run.rss_mb / old.rss_mb:.2f}× RSS "
                    f"(baseline {old.wall:.1f} s, {old.rss_mb:.0f} MB, "
                    f"{per(old, old_one, count):.1f} ms/recipient)"
                )
            print(
                f"| {count:,} | {run.wall:.1f} s | {run.cpu:.1f} s | {run.rss_mb:.0f} MB "
                f"| {per(run, one, count):.2f} ms | {ratio} |",
                flush=True,
            )
        print(
            "\n| --send (aiosmtpd, 127.0.0.1) | wall | messages/s (marginal) "
            "| weekly CPU/message | server CPU/message | vs baseline |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        one, old_one = send(root, now_src, 1), send(root, old_src, 1)
        for count in sends:
            run = send(root, now_src, count)
            rate = 1000 / per(run, one, count)
            ratio = ""
            if count == 1000:
                old = send(root, old_src, count)
                old_rate = 1000 / per(old, old_one, count)
                ratio = f"{rate / old_rate:.2f}× (baseline {old_rate:.0f} messages/s)"
            client = (run.cpu - one.cpu) / (count - 1) * 1000
            server = (run.server_cpu - one.server_cpu) / (count - 1) * 1000
            print(
                f"| {count:,} | {run.wall:.1f} s | {rate:.0f} | {client:.2f} ms "
                f"| {server:.2f} ms | {ratio} |",
                flush=True,
            )
    print(f"\nload average at end: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")


if __name__ == "__main__":
    main()
