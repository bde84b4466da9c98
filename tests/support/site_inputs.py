"""A small archive for the site tests: three editions, two with region sections, and events."""

from __future__ import annotations

from support import SOURCES, UPDATE

MAP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">'
    '<rect width="400" height="200" fill="#ccc"/></svg>'
)


def edition(day: str, headline: str, takeaway: str, body: str, figure: bool = False) -> str:
    """Return an ``update.md`` for ``day`` with its own headline, takeaway and body."""
    head = UPDATE.split("---\n\n", 1)[0]
    head = (
        head.replace("2023-12-13", day)
        .replace("Al Qaeda Strengthens in Central Mali", headline)
        .replace("Al Qaeda–linked militants are attacking central Mali more often.", takeaway)
        .replace("published: 2023-12-15\n", "")
    )
    if figure:
        head = head.replace(
            "key_takeaway:",
            "figures:\n  map:\n    title: Where JNIM Struck\n    image: figures/map.svg\n"
            "    alt: A map of central Mali\n    source: Liam Karr.\nkey_takeaway:",
        )
    return head + "---\n\n" + body


EVENTS_HEADER = "event_date,event_type,actor1,admin1,location,country\n"
EVENTS = EVENTS_HEADER + (
    "2023-11-27,Battles,JNIM,Mopti,Bandiagara,Mali\n"
    "2023-12-04,Battles,FAMa,Kidal,Kidal,Mali\n"
    "2023-12-05,Explosions/Remote violence,JNIM,Sahel,Djibo,Burkina Faso\n"
    "2023-12-12,Battles,al Shabaab,Lower Shabelle,Afgoye,Somalia\n"
)

FILES: dict[str, str | bytes] = {
    "inputs/sources.yaml": SOURCES,
    "inputs/events.csv": EVENTS,
    "inputs/2023-11-29/update.md": edition(
        "2023-11-29",
        "JNIM Besieges Towns",
        "Sieges grow around Bandiagara.",
        "**JNIM is besieging towns.** The group blockaded Bandiagara.[@sigact]\n\n"
        'Posters in town read <img src=x onerror="window.pwned=1"> and more.\n',
    ),
    "inputs/2023-12-06/update.md": edition(
        "2023-12-06",
        "The Army Takes Kidal",
        "Malian troops and Wagner took Kidal.",
        "## Mali\n\n**The army entered Kidal.** Troops raised the flag over the town of Kidal."
        "[@reuters-kidal]\n\n"
        "## Burkina Faso\n\n**JNIM struck Djibo.** Militants attacked the camp.[@sigact]\n",
    ),
    "inputs/2023-12-13/update.md": edition(
        "2023-12-13",
        "Al Qaeda Strengthens in Central Mali",
        "Al Qaeda–linked militants are attacking central Mali more often.",
        "## Mali\n\n**JNIM is attacking central Mali more often.** The group struck often."
        '[@sigact]\n\n{{ figure("map") }}\n\n'
        "## Somalia\n\n**Al Shabaab holds its ground.** Fighting went on near Afgoye.[@sigact]\n",
        figure=True,
    ),
    "inputs/2023-12-13/figures/map.svg": MAP_SVG,
}

SLUG = "salafi-jihadi-movement-weekly-update-{}-2023"
PAGES = {
    "2023-11-29": f"2023-11-29/{SLUG.format('november-29')}.html",
    "2023-12-06": f"2023-12-06/{SLUG.format('december-6')}.html",
    "2023-12-13": f"2023-12-13/{SLUG.format('december-13')}.html",
}
