"""Write the bundled SYNTHETIC SIGACT table, inputs/events.csv, in ACLED's 31 columns.

Every row is made up. The table is realistic in shape only: Sahel actors (JNIM, ISSP,
FAMa with Wagner, the CSP Tuareg rebels, Burkinabe VDP …), ACLED event and sub-event
types, towns from src/weekly/data/sahel-places.csv, dates from January 2022 through
January 2024 so that events exist after the example editions' cutoffs. Each row's `tags`
says `synthetic`. A fixed seed makes the output identical on every run:

    python scripts/make_sigact.py            # writes inputs/events.csv
    python scripts/make_sigact.py OUT.csv    # writes elsewhere

The central-Mali JNIM stream is shaped so that the facts of the December 13, 2023 edition
come out as in the real edition: 16 JNIM events in Mopti and Segou between November 19 and
the cutoff (4.5 a week), 11 of them (69 percent) in Mopti.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from weekly.events.table import ACLED_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "src" / "weekly" / "data" / "sahel-places.csv"
SEED = 20231213
START, END = dt.date(2022, 1, 1), dt.date(2024, 1, 31)
COLUMNS = ACLED_COLUMNS
ISO = {"Mali": ("MLI", 466), "Burkina Faso": ("BFA", 854), "Niger": ("NER", 562)}
INTER = {
    "State forces": 1, "Rebel group": 2, "Political militia": 3, "Identity militia": 4,
    "Protesters": 6, "Civilians": 7, "External/Other forces": 8,
}  # fmt: skip
SOURCES = [
    ("Studio Tamani", "National"), ("Menastream", "Subnational"), ("Wamaps", "Subnational"),
    ("AFP", "International"), ("Kibaru", "National"), ("Lefaso.net", "National"),
    ("Aibinfo", "National"), ("RFI", "International"), ("ActuNiger", "National"),
]  # fmt: skip
#: (event_type, sub_event_type, disorder_type)
BATTLE = ("Battles", "Armed clash", "Political violence")
RETAKE = ("Battles", "Government regains territory", "Political violence")
OVERTAKE = ("Battles", "Non-state actor overtakes territory", "Political violence")
ATTACK = ("Violence against civilians", "Attack", "Political violence")
ABDUCT = ("Violence against civilians", "Abduction/forced disappearance", "Political violence")
IED = ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence")
SHELL = ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence")
DRONE = ("Explosions/Remote violence", "Air/drone strike", "Political violence")
SUICIDE = ("Explosions/Remote violence", "Suicide bomb", "Political violence")
LOOT = ("Strategic developments", "Looting/property destruction", "Strategic developments")
PROTEST = ("Protests", "Peaceful protest", "Demonstrations")


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    assoc: str = ""


JNIM = Actor("JNIM", "Rebel group")
ISSP = Actor("ISSP", "Rebel group")
FAMA = Actor("FAMa", "State forces", "Wagner Group")
WAGNER = Actor("Wagner Group", "External/Other forces", "FAMa")
CSP = Actor("CSP", "Rebel group", "MNLA; HCUA")
BFA_ARMY = Actor("Burkinabe armed forces", "State forces")
VDP = Actor("VDP", "Political militia")
NER_ARMY = Actor("Nigerien armed forces", "State forces")
DOGON = Actor("Dan Na Ambassagou", "Identity militia")
ISWAP = Actor("ISWAP", "Rebel group")
CIVILIANS = Actor("Civilians", "Civilians")


@dataclass(frozen=True)
class Stream:
    """A kind of activity: who, against whom, what, where, and how often when."""

    actor: Actor
    targets: tuple[tuple[Actor, float], ...]
    kinds: tuple[tuple[tuple[str, str, str], float], ...]
    towns: tuple[tuple[str, float], ...]
    #: (first day, last day, events per week)
    rates: tuple[tuple[dt.date, dt.date, float], ...]
    deadly: float = 3.0


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


CENTRAL_TOWNS_2022 = (("Mopti", .14), ("Bandiagara", .16), ("Bankass", .12), ("Douentza", .10),
                      ("Djenne", .06), ("Sevare", .0), ("Segou", .08), ("Niono", .2),
                      ("Macina", .14))  # fmt: skip
STREAMS = [
    # JNIM in central Mali, outside the planted window (see planted_central()).
    Stream(JNIM, ((CIVILIANS, .45), (FAMA, .3), (DOGON, .25)),
           ((ATTACK, .35), (ABDUCT, .12), (BATTLE, .3), (IED, .18), (LOOT, .05)),
           CENTRAL_TOWNS_2022,
           ((d("2022-01-01"), d("2022-08-31"), 2.0), (d("2022-09-01"), d("2022-12-31"), 5.0),
            (d("2023-01-01"), d("2023-06-30"), 2.5), (d("2023-08-01"), d("2023-11-18"), 1.5),
            (d("2023-12-14"), d("2024-01-31"), 4.0))),
    Stream(JNIM, ((BFA_ARMY, .35), (VDP, .35), (CIVILIANS, .3)),
           ((BATTLE, .45), (ATTACK, .25), (IED, .2), (ABDUCT, .05), (LOOT, .05)),
           (("Djibo", .3), ("Dori", .15), ("Ouahigouya", .2), ("Kaya", .15),
            ("Fada N'gourma", .2)),
           ((d("2022-01-01"), d("2024-01-31"), 6.0),)),
    Stream(JNIM, ((FAMA, .6), (CIVILIANS, .2), (WAGNER, .2)),
           ((BATTLE, .35), (IED, .3), (SHELL, .25), (ATTACK, .1)),
           (("Timbuktu", .35), ("Gao", .25), ("Ansongo", .15), ("Kidal", .1), ("Tessalit", .15)),
           ((d("2022-01-01"), d("2023-07-31"), 1.0), (d("2023-08-01"), d("2024-01-31"), 2.5))),
    Stream(ISSP, ((CIVILIANS, .5), (FAMA, .15), (NER_ARMY, .2), (JNIM, .15)),
           ((ATTACK, .45), (BATTLE, .35), (IED, .1), (LOOT, .1)),
           (("Menaka", .35), ("Ansongo", .15), ("Labbezanga", .1), ("Tillaberi", .2),
            ("Ayorou", .15), ("Tahoua", .05)),
           ((d("2022-01-01"), d("2022-02-28"), 1.5), (d("2022-03-01"), d("2022-12-31"), 4.0),
            (d("2023-01-01"), d("2024-01-31"), 2.5)), deadly=5.0),
    Stream(FAMA, ((JNIM, .55), (CIVILIANS, .35), (ISSP, .1)),
           ((BATTLE, .55), (ATTACK, .25), (DRONE, .2)),
           CENTRAL_TOWNS_2022,
           ((d("2022-01-01"), d("2022-12-31"), 4.0), (d("2023-01-01"), d("2023-07-31"), 5.0),
            (d("2023-08-01"), d("2024-01-31"), 2.5))),
    Stream(FAMA, ((CSP, .8), (CIVILIANS, .2)),
           ((BATTLE, .55), (DRONE, .35), (RETAKE, .1)),
           (("Anefis", .2), ("Aguelhok", .2), ("Tessalit", .2), ("Kidal", .3), ("Gao", .1)),
           ((d("2023-08-15"), d("2023-12-31"), 2.0),), deadly=4.0),
    Stream(CSP, ((FAMA, .9), (WAGNER, .1)),
           ((BATTLE, .7), (OVERTAKE, .15), (SHELL, .15)),
           (("Anefis", .2), ("Aguelhok", .2), ("Tessalit", .2), ("Kidal", .2), ("Timbuktu", .2)),
           ((d("2023-08-15"), d("2023-11-30"), 1.5),), deadly=4.0),
    Stream(BFA_ARMY, ((JNIM, .7), (CIVILIANS, .3)),
           ((BATTLE, .5), (DRONE, .35), (ATTACK, .15)),
           (("Djibo", .3), ("Dori", .2), ("Ouahigouya", .2), ("Kaya", .2), ("Fada N'gourma", .1)),
           ((d("2022-01-01"), d("2024-01-31"), 3.0),)),
    Stream(NER_ARMY, ((ISSP, .8), (JNIM, .2)),
           ((BATTLE, .7), (DRONE, .3)),
           (("Tillaberi", .5), ("Ayorou", .3), ("Niamey", .05), ("Tahoua", .15)),
           ((d("2022-01-01"), d("2024-01-31"), 1.5),)),
    Stream(ISWAP, ((NER_ARMY, .6), (CIVILIANS, .4)),
           ((BATTLE, .5), (ATTACK, .3), (IED, .2)),
           (("Diffa", 1.0),), ((d("2022-01-01"), d("2024-01-31"), 0.7),)),
    Stream(DOGON, ((CIVILIANS, .8), (JNIM, .2)),
           ((ATTACK, .7), (BATTLE, .3)),
           (("Bandiagara", .4), ("Bankass", .4), ("Douentza", .2)),
           ((d("2022-01-01"), d("2024-01-31"), 0.5),)),
    Stream(Actor("Protesters (Mali)", "Protesters"), ((CIVILIANS, 1.0),), ((PROTEST, 1.0),),
           (("Bamako", .7), ("Gao", .2), ("Kidal", .1)),
           ((d("2022-01-01"), d("2024-01-31"), 0.4),), deadly=0.0),
    Stream(Actor("Protesters (Burkina Faso)", "Protesters"), ((CIVILIANS, 1.0),),
           ((PROTEST, 1.0),), (("Ouagadougou", 1.0),),
           ((d("2022-01-01"), d("2024-01-31"), 0.3),), deadly=0.0),
    Stream(Actor("Protesters (Niger)", "Protesters"), ((CIVILIANS, 1.0),), ((PROTEST, 1.0),),
           (("Niamey", 1.0),), ((d("2022-01-01"), d("2024-01-31"), 0.3),), deadly=0.0),
]  # fmt: skip
#: JNIM's July 2023 offensive in central Mali: faster and more concentrated in Mopti.
JULY_2023 = Stream(
    JNIM, ((CIVILIANS, .5), (DOGON, .14), (FAMA, .36)),
    ((ATTACK, .4), (ABDUCT, .14), (BATTLE, .26), (IED, .14), (SUICIDE, .06)),
    (("Mopti", .12), ("Bandiagara", .26), ("Bankass", .16), ("Douentza", .12), ("Sevare", .08),
     ("Segou", .08), ("Niono", .12), ("Macina", .06)),
    ((d("2023-07-01"), d("2023-07-31"), 5.5),),
)  # fmt: skip
#: The planted window of the December 13, 2023 edition: (date, town, kind, target, deaths).
PLANTED = [
    ("2023-11-19", "Bandiagara", ATTACK, CIVILIANS, 4),
    ("2023-11-20", "Bankass", ABDUCT, CIVILIANS, 0),
    ("2023-11-21", "Niono", IED, FAMA, 3),
    ("2023-11-23", "Bandiagara", ABDUCT, CIVILIANS, 0),
    ("2023-11-24", "Douentza", IED, FAMA, 5),
    ("2023-11-26", "Bankass", ATTACK, CIVILIANS, 7),
    ("2023-11-27", "Macina", BATTLE, FAMA, 6),
    ("2023-11-29", "Bandiagara", ATTACK, CIVILIANS, 3),
    ("2023-12-01", "Mopti", ATTACK, CIVILIANS, 2),
    ("2023-12-02", "Segou", ATTACK, CIVILIANS, 1),
    ("2023-12-04", "Douentza", BATTLE, DOGON, 4),
    ("2023-12-06", "Sevare", SHELL, FAMA, 0),
    ("2023-12-08", "Bankass", ABDUCT, CIVILIANS, 0),
    ("2023-12-09", "Bandiagara", ATTACK, CIVILIANS, 5),
    ("2023-12-11", "Macina", ATTACK, CIVILIANS, 2),
    ("2023-12-12", "Niono", OVERTAKE, FAMA, 40),
]


def load_places() -> dict[str, dict[str, str]]:
    with PLACES.open(encoding="utf-8") as stream:
        return {row["name"]: row for row in csv.DictReader(stream)}


def pick(rng: random.Random, options: tuple[tuple[object, float], ...]) -> object:
    items, weights = zip(*options, strict=True)
    return rng.choices(items, weights=weights)[0]


def poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson draw (Knuth; the means here are small)."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class Writer:
    """Turns (date, actor, target, kind, town, deaths) into ACLED rows."""

    def __init__(self, rng: random.Random, places: dict[str, dict[str, str]]) -> None:
        self.rng, self.places, self.rows = rng, places, []
        self.serial = {iso: 0 for iso, _ in ISO.values()}

    def add(self, day: dt.date, actor: Actor, target: Actor, kind, town: str, deaths: int) -> None:
        rng, place = self.rng, self.places[town]
        country = place["country"]
        iso3, iso_number = ISO[country]
        self.serial[iso3] += 1
        if target is CIVILIANS and kind[0] == "Battles":
            kind = ATTACK
        elif target is not CIVILIANS and kind[0] == "Violence against civilians":
            kind = BATTLE
        event_type, sub_event, disorder = kind
        admin1 = "Menaka" if town == "Menaka" else place["admin1"]
        lat = float(place["latitude"]) + rng.uniform(-0.08, 0.08)
        lon = float(place["longitude"]) + rng.uniform(-0.08, 0.08)
        if event_type == "Protests":
            target, deaths = Actor("", ""), 0
        inter1, inter2 = INTER[actor.kind], INTER.get(target.kind, 0)
        civilian = "Civilian targeting" if target is CIVILIANS else ""
        source, scale = rng.choice(SOURCES)
        whom = {"Civilians": "civilians", "": ""}.get(target.name, target.name)
        verb = {
            "Armed clash": f"clashed with {whom}",
            "Attack": f"attacked {whom}",
            "Abduction/forced disappearance": f"abducted {whom}",
            "Remote explosive/landmine/IED": f"detonated an IED targeting {whom}",
            "Shelling/artillery/missile attack": f"shelled positions of {whom}",
            "Air/drone strike": f"conducted a drone strike on {whom}",
            "Suicide bomb": f"carried out a suicide VBIED attack on {whom}",
            "Government regains territory": f"retook the area from {whom}",
            "Non-state actor overtakes territory": f"overran a position of {whom}",
            "Looting/property destruction": "looted and burned property",
            "Peaceful protest": "demonstrated peacefully",
        }[sub_event]
        notes = (
            f"On {day.day} {day.strftime('%B %Y')}, {actor.name} {verb} near {town} "
            f"({place['admin1']}). {deaths} {'fatality' if deaths == 1 else 'fatalities'}. "
            "[Synthetic event.]"
        )
        stamp = dt.datetime.combine(day + dt.timedelta(days=rng.randint(2, 9)), dt.time(9))
        self.rows.append({
            "event_id_cnty": f"{iso3}{self.serial[iso3]:05d}",
            "event_date": day.isoformat(),
            "year": day.year,
            "time_precision": rng.choice((1, 1, 1, 2)),
            "disorder_type": disorder,
            "event_type": event_type,
            "sub_event_type": sub_event,
            "actor1": actor.name,
            "assoc_actor_1": actor.assoc if rng.random() < 0.4 else "",
            "inter1": inter1,
            "actor2": target.name,
            "assoc_actor_2": "",
            "inter2": inter2 or "",
            "interaction": f"{min(inter1, inter2)}{max(inter1, inter2)}" if inter2 else f"{inter1}0",
            "civilian_targeting": civilian,
            "iso": iso_number,
            "region": "Western Africa",
            "country": country,
            "admin1": admin1,
            "admin2": town,
            "admin3": "",
            "location": town,
            "latitude": f"{lat:.4f}",
            "longitude": f"{lon:.4f}",
            "geo_precision": rng.choice((1, 1, 2)),
            "source": source,
            "source_scale": scale,
            "notes": notes,
            "fatalities": deaths,
            "tags": "synthetic",
            "timestamp": int(stamp.replace(tzinfo=dt.UTC).timestamp()),
        })  # fmt: skip


def days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def run_stream(writer: Writer, stream: Stream) -> None:
    rng = writer.rng
    for first, last, per_week in stream.rates:
        for day in days(max(first, START), min(last, END)):
            for _ in range(poisson(rng, per_week / 7)):
                kind = pick(rng, stream.kinds)
                target = pick(rng, stream.targets)
                town = pick(rng, stream.towns)
                deaths = poisson(rng, stream.deadly) if stream.deadly else 0
                if rng.random() < 0.03:
                    deaths += rng.randint(10, 60)
                writer.add(day, stream.actor, target, kind, town, deaths)


def build(seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    writer = Writer(rng, load_places())
    for stream in [*STREAMS, JULY_2023]:
        run_stream(writer, stream)
    for day, town, kind, target, deaths in PLANTED:
        writer.add(d(day), JNIM, target, kind, town, deaths)
    writer.add(d("2023-11-26"), JNIM, BFA_ARMY, OVERTAKE, "Djibo", 45)
    writer.add(d("2023-11-14"), FAMA, CSP, RETAKE, "Kidal", 0)
    rows = sorted(writer.rows, key=lambda r: (str(r["event_date"]), str(r["event_id_cnty"])))
    return rows


def main(argv: list[str]) -> None:
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "inputs" / "events.csv"
    rows = build()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} synthetic events to {target}")


if __name__ == "__main__":
    main(sys.argv)
