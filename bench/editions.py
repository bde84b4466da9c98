"""Synthetic editions for the benchmark: N× the size of a typical weekly update.

1× is about 3,000 words (2,100 of body prose, the rest in the notes), 50 endnotes
(citation points citing one to three sources each), 2 charts, 1 map and 2 facts counted
from the events table; N× multiplies all of them. The text is made of plausible
analytic sentences drawn from a fixed vocabulary with a seeded random generator, so every
run builds byte-identical inputs.

Charts are only added when ``weekly.events.charts`` can draw them (the events stage); before
that, each chart is replaced by a static SVG image of similar weight so that the PDF has
the same number of figures to lay out.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ACTORS = ["JNIM", "ISSP", "al Shabaab", "ISWAP", "Wagner Group", "FAMa", "VDP", "CSP-PSD"]
PLACES = [
    "Mopti", "Segou", "Timbuktu", "Gao", "Kidal", "Menaka", "Djibo", "Bandiagara", "Douentza",
    "Sevare", "Niono", "Boni", "Kaya", "Dori", "Tillaberi", "Diffa", "Mogadishu", "Beledweyne",
]  # fmt: skip
SUBJECTS = [
    "The group", "Security forces", "Local militias", "The junta", "Regional officials",
    "Insurgents", "UN peacekeepers", "Civil society groups", "The army", "Wagner fighters",
]  # fmt: skip
VERBS = [
    "attacked", "besieged", "ambushed", "kidnapped civilians near", "negotiated with elders in",
    "withdrew from", "reinforced positions around", "imposed a blockade on", "raided markets in",
    "launched drone strikes on", "claimed responsibility for an attack in", "patrolled roads to",
]  # fmt: skip
TAILS = [
    "for the third time this month", "after a lull during the rainy season",
    "despite a cease-fire agreed in October", "in a bid to cut supply routes",
    "likely to force communities into submission", "which drew a sharp response from the state",
    "in what local sources described as a coordinated offensive",
    "while the government focused on the northern campaign",
    "undermining the legitimacy of the transitional authorities",
    "and residents fled toward the regional capital",
]  # fmt: skip
#: Actors present in the example SIGACT table (inputs/events.csv), for charts and facts.
CHART_ACTORS = ["JNIM", "FAMa", "ISSP", "Burkinabe armed forces", "Nigerien armed forces"]
#: ICD 203 terms of one set, so the checks stay quiet.
ESTIMATIVE = ["will likely", "will almost certainly", "will very likely", "is unlikely to"]
PUBLISHERS = ["Reuters", "Agence France-Presse", "Jeune Afrique", "RFI", "Studio Tamani"]


def _sentence(rng: random.Random) -> str:
    subject, verb, place = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)
    month, day = rng.choice(["November", "December"]), rng.randint(1, 28)
    if month == "December":
        day = 1 + (day - 1) % 13  # on or before the cutoff, December 13 (a later date is E411)
    return f"{subject} {verb} {place} on {month} {day}, {rng.choice(TAILS)}."


def _lead(rng: random.Random) -> str:
    return (
        f"**{rng.choice(ACTORS)} {rng.choice(ESTIMATIVE)} expand its operations around "
        f"{rng.choice(PLACES)} and {rng.choice(PLACES)}, {rng.choice(TAILS)}.**"
    )


def sources_yaml(count: int, rng: random.Random) -> str:
    """Return a shared bibliography of ``count`` sources of every kind."""
    lines = [
        "sigact:",
        "  text: Author’s database of significant activity (SIGACT). Available by request.",
        "  short: Author’s database of SIGACTs. Available by request.",
    ]
    for i in range(count):
        day = rng.randint(1, 28)
        kind = i % 4
        lines.append(f"src-{i}:")
        if kind == 0:
            lines += [
                f"  publisher: {rng.choice(PUBLISHERS)}",
                f"  title: {_sentence(rng)[:-1]}",
                f"  date: 2023-11-{day:02d}",
                f"  url: https://www.example.org/news/2023/11/{day}/story-{i}",
            ]
        elif kind == 1:
            lines += [
                "  publisher: SITE Intelligence Group",
                f"  title: {rng.choice(ACTORS)} Claims Attack in {rng.choice(PLACES)}",
                f"  date: 2023-11-{day:02d}",
                "  subscription: www.siteintelgroup.com",
            ]
        elif kind == 2:
            lines += [f"  url: https://x.com/analyst{i}/status/17{i:05d}{day:04d}"]
        else:
            lines += [
                f"  url: https://www.example.net/article-{i}",
                "  link: false",
            ]
    return "\n".join(lines) + "\n"


def update_md(
    scale: int, chart_ids: list[str], figures_yaml: str, rng: random.Random, facts: bool
) -> str:
    """Return ``update.md`` for an edition ``scale`` times the 1× size."""
    notes_left = 50 * scale
    # Body prose; the endnotes' text brings the printed edition to about 3,000 words.
    words_target = 2100 * scale
    sources = 60 * scale
    regions = ["Mali", "Burkina Faso", "Niger", "Somalia", "Nigeria"][: min(5, max(1, scale))]
    per_region = max(1, (notes_left + len(regions) - 1) // len(regions))

    def cite() -> str:
        nonlocal notes_left
        notes_left -= 1
        keys = rng.sample(range(sources), rng.choice([1, 1, 2, 3]))
        if rng.random() < 0.2:
            return "[@sigact]"
        return "[" + "; ".join(f"@src-{k}" for k in keys) + "]"

    body: list[str] = []
    words = 0
    figure_queue = list(chart_ids)
    facts_left = 2 * scale if facts else 0
    for region in regions:
        if len(regions) > 1:
            body.append(f"## {region}\n")
        budget = per_region
        while budget > 0 and notes_left > 0:
            # One assessment: a lead paragraph, a supporting paragraph, two bullets.
            lead = [_lead(rng)] + [_sentence(rng) for _ in range(2)]
            lead[-1] = lead[-1] + cite()
            para = [_sentence(rng) for _ in range(4)]
            para[1] += cite()
            para[-1] += cite()
            bullets = []
            for _ in range(2):
                item = [_sentence(rng) for _ in range(2)]
                item[-1] += cite()
                if facts_left:
                    facts_left -= 1
                    actor = CHART_ACTORS[facts_left % len(CHART_ACTORS)]
                    item.insert(
                        0,
                        f'{actor} carried out {{{{ events.count(actor1="{actor}", since="2023-'
                        f'{1 + facts_left % 11:02d}-01") | number }}}} attacks since then.',
                    )
                bullets.append("- " + " ".join(item))
            budget -= 4
            block = [" ".join(lead), " ".join(para), "\n".join(bullets)]
            words += sum(len(re.sub(r"\[@[^]]*\]", "", b).split()) for b in block)
            body.append("\n\n".join(block) + "\n")
            if figure_queue and words >= 900 * (len(chart_ids) - len(figure_queue) + 1):
                body.append(f'{{{{ figure("{figure_queue.pop(0)}") }}}}\n')
    for fid in figure_queue:
        body.append(f'{{{{ figure("{fid}") }}}}\n')
    # Pad to the word target with more analysis spread over the cited paragraphs.
    paragraphs = [i for i, part in enumerate(body) if not part.startswith(("##", "{{"))]
    while words < words_target:
        index = rng.choice(paragraphs)
        head, _, tail = body[index].partition("\n\n")
        sentence = _sentence(rng)
        words += len(sentence.split())
        body[index] = f"{head} {sentence}\n\n{tail}" if tail else f"{sentence} {head}"
    front = f"""---
series: salafi-jihadi
headline: Synthetic Edition at {scale}x Size
authors: [Liam Karr, Kathryn Tyson]
cutoff: 2023-12-13 10:00
published: 2023-12-15
notices:
  - CTP has paused the Afghanistan and Pakistan sections for the holidays.
key_takeaway: >-
  {_sentence(rng)} {_sentence(rng)}{cite()}
{figures_yaml}---

"""
    return front + "\n".join(body)


def charts_available() -> bool:
    """Return True when ``weekly.events.charts`` draws a 1× edition's charts without an error."""
    import tempfile

    from weekly.errors import Problems, WeeklyError
    from weekly.resolve.update import assemble

    with tempfile.TemporaryDirectory() as tmp:
        inputs = build(Path(tmp), 1, use_charts=True)
        problems = Problems()
        try:
            assemble(inputs, "2023-12-13", problems)
        except WeeklyError:
            return False
        return not any(p.level == "error" for p in problems.items)


def static_svg(kind: str, rng: random.Random) -> bytes:
    """Return a stand-in SVG figure (bars, or a map of polygons and points)."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="432" viewBox="0 0 720 432">'
    ]
    parts.append('<rect width="720" height="432" fill="#fff"/>')
    if kind == "map":
        for _ in range(30):
            pts = " ".join(
                f"{rng.uniform(20, 700):.1f},{rng.uniform(20, 410):.1f}" for _ in range(40)
            )
            parts.append(
                f'<polygon points="{pts}" fill="#eee8dc" stroke="#999" stroke-width=".5"/>'
            )
        for _ in range(300):
            parts.append(
                f'<circle cx="{rng.uniform(20, 700):.1f}" cy="{rng.uniform(20, 410):.1f}" r="3" fill="#9b1c2c"/>'
            )
    else:
        for i in range(60):
            h = rng.uniform(10, 380)
            parts.append(
                f'<rect x="{30 + i * 11}" y="{410 - h:.1f}" width="9" height="{h:.1f}" fill="#1d2230"/>'
            )
        parts.append(
            '<text x="30" y="20" font-family="DejaVu Sans" font-size="12">Events per week</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts).encode()


def figures_for(
    scale: int, folder: Path, use_charts: bool, rng: random.Random
) -> tuple[list[str], str]:
    """Write or declare 2 charts and 1 map per 1×; return their ids and front matter YAML."""
    ids: list[str] = []
    lines = ["figures:"]
    for n in range(scale):
        for kind in ("weekly", "monthly", "map"):
            fid = f"{kind}-{n}"
            ids.append(fid)
            actor = CHART_ACTORS[n % len(CHART_ACTORS)]
            lines.append(f"  {fid}:")
            lines.append(f"    title: {actor} Activity, {kind.title()} View {n + 1}")
            if use_charts:
                lines.append(f"    chart: {kind}")
                if kind == "map":
                    lines.append(f"    where: {{actor1: {actor}}}")
                else:
                    lines.append(f"    where: {{actor1: {actor}}}")
                lines.append(f"    since: 2022-{1 + n % 12:02d}-01")
            else:
                name = f"figures/{fid}.svg"
                (folder / "figures").mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(static_svg("map" if kind == "map" else "bars", rng))
                lines.append(f"    image: {name}")
            lines.append("    source: Liam Karr.")
    return ids, "\n".join(lines) + "\n"


def build(root: Path, scale: int, use_charts: bool | None = None) -> Path:
    """Write the inputs of a ``scale``× edition under ``root``; return the inputs folder."""
    if use_charts is None:
        use_charts = charts_available()
    rng = random.Random(scale)
    inputs = root / "inputs"
    if inputs.exists():
        shutil.rmtree(inputs)
    folder = inputs / "2023-12-13"
    folder.mkdir(parents=True)
    ids, figures_yaml = figures_for(scale, folder, use_charts, rng)
    (inputs / "sources.yaml").write_text(sources_yaml(60 * scale, rng), encoding="utf-8")
    text = update_md(scale, ids, figures_yaml, rng, facts=use_charts)
    (folder / "update.md").write_text(text, encoding="utf-8")
    events = ROOT / "inputs" / "events.csv"
    if use_charts and events.is_file():
        shutil.copy(events, inputs / "events.csv")
    return inputs
