"""Screening speed: 100,000 AIS identities in batch, and one interactive query at a time.

Lists: the real OFAC SDN CSV set (2021; sdn.csv + alt.csv) and the UN consolidated XML from
``shared/data`` (every record, not only DPRK), read into FtM entities by a minimal reader
below. Queries:

* batch: synthetic AIS identities (name, IMO, MMSI, call sign) whose names are drawn from
  the tokens of 1,124 real AIS ship names (GFW ``transshipment-vessels.csv``), with valid
  IMO check digits, MIDs from the ITU table and random call signs; 1 % are planted variants
  of listed vessels (typos, prefixes, spacing, IMO only, sister-ship numerals);
* interactive: list names with one perturbation each (vessels, persons, organisations).

Run: ``python bench/bench_screen.py`` (``--identities 100000 --interactive 500``).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from followthemoney import model
from followthemoney.proxy import EntityProxy
from lxml import etree

from setori.screen.match import Screener
from setori.screen.model import Query

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SETORI_SHARED_DATA", ROOT.parent / "shared" / "data"))
OFAC = DATA / "ofac-sdn-2021"
UN_XML = DATA / "un-consolidated" / "UN_consolidated.xml"
AIS_NAMES = DATA / "gfw-transshipment" / "transshipment-vessels.csv"
REMARK = re.compile(r"(IMO \d{7}|MMSI \d{9}|[fa]\.k\.a\. '[^']+'|Former Vessel Flag [^;.]+)")


def ofac_entities() -> Iterator[EntityProxy]:
    """OFAC SDN rows as FtM entities (names, aliases, vessel identifiers from remarks)."""
    aliases: dict[str, list[tuple[str, str]]] = {}
    with open(OFAC / "alt.csv", encoding="latin-1", newline="") as f:
        for row in csv.reader(f):
            if len(row) > 3:
                aliases.setdefault(row[0], []).append((row[2], row[3]))
    with open(OFAC / "sdn.csv", encoding="latin-1", newline="") as f:
        for row in csv.reader(f):
            if len(row) >= 12:
                yield ofac_entity(row, aliases.get(row[0], []))


def ofac_entity(row: list[str], aliases: list[tuple[str, str]]) -> EntityProxy:
    """One SDN row."""
    kind = row[2].strip()
    schema = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}.get(
        kind, "LegalEntity"
    )
    entity = model.make_entity(schema)
    entity.id = f"ofac-{row[0]}"
    person = schema == "Person"
    entity.add("name", person_name(row[1]) if person else row[1])
    for kind_, alias in aliases:
        entity.add(
            "previousName" if kind_ == "fka" else "alias", person_name(alias) if person else alias
        )
    if schema == "Vessel":
        vessel_fields(entity, row)
    return entity


def vessel_fields(entity: EntityProxy, row: list[str]) -> None:
    """Call sign, flag and the identifiers OFAC keeps in remarks."""
    for prop, value in (("callSign", row[5]), ("flag", row[9])):
        if value.strip() != "-0-":
            entity.add(prop, value.strip(), quiet=True)
    for found in REMARK.findall(row[11]):
        if found.startswith("IMO"):
            entity.add("imoNumber", found)
        elif found.startswith("MMSI"):
            entity.add("mmsi", found[5:])
        elif found.startswith("Former"):
            entity.add("pastFlags", found[len("Former Vessel Flag ") :], quiet=True)
        else:
            entity.add("previousName" if found[0] == "f" else "alias", found[8:-1])


def person_name(name: str) -> str:
    """OFAC's ``LAST, First`` as ``First LAST``."""
    last, _, first = name.partition(", ")
    return f"{first} {last}".strip()


def un_entities() -> Iterator[EntityProxy]:
    """UN consolidated-list individuals and entities (names, aliases, birth dates)."""
    root = etree.parse(str(UN_XML)).getroot()
    for rec in root.iter("INDIVIDUAL", "ENTITY"):
        schema = "Person" if rec.tag == "INDIVIDUAL" else "Organization"
        entity = model.make_entity(schema)
        entity.id = f"un-{(rec.findtext('REFERENCE_NUMBER') or '').strip()}"
        parts = (
            rec.findtext(t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        )
        entity.add("name", " ".join(p.strip() for p in parts if p and p.strip()))
        entity.add("alias", rec.findtext("NAME_ORIGINAL_SCRIPT"), quiet=True)
        for alias in rec.iter("INDIVIDUAL_ALIAS", "ENTITY_ALIAS"):
            prop = {"Low": "weakAlias", "f.k.a.": "previousName"}.get(
                alias.findtext("QUALITY") or "", "alias"
            )
            entity.add(prop, alias.findtext("ALIAS_NAME"), quiet=True)
        for dob in rec.iter("INDIVIDUAL_DATE_OF_BIRTH"):
            entity.add("birthDate", dob.findtext("DATE") or dob.findtext("YEAR"), quiet=True)
        yield entity


def imo_with_check(rng: random.Random) -> str:
    """A random 7-digit number with a valid ship check digit."""
    digits = [rng.randint(1 if i == 0 else 0, 9) for i in range(6)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return "".join(map(str, digits)) + str(check)


def ais_identities(n: int, vessels: list[EntityProxy], seed: int = 7) -> list[Query]:
    """Synthetic AIS identities; 1 % planted variants of listed vessels."""
    rng = random.Random(seed)
    with open(AIS_NAMES, newline="") as f:
        rows = list(csv.DictReader(f))
    tokens = sorted({t for r in rows for t in r["shipname"].split() if t.isalpha()})
    with open(ROOT / "setori" / "data" / "itu-mid.csv", newline="") as f:
        mids = [r[0] for r in csv.reader(f) if r[0].isdigit()]
    out = []
    for i in range(n):
        if i % 100 == 0:
            out.append(planted(rng, rng.choice(vessels), i))
            continue
        name = " ".join(rng.choice(tokens) for _ in range(rng.choice((1, 2, 2, 3))))
        if rng.random() < 0.3:
            name += f" {rng.randint(1, 99)}"
        imo = imo_with_check(rng) if rng.random() < 0.7 else None
        mmsi = rng.choice(mids) + f"{rng.randint(0, 999999):06d}"
        call = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(5))
        out.append(Query(names=(name,), imo=imo, mmsi=mmsi, call_sign=call, ref=mmsi))
    return out


def planted(rng: random.Random, vessel: EntityProxy, i: int) -> Query:
    """A listed vessel's name or IMO, perturbed."""
    name = vessel.get("name")[0]
    how = rng.choice(["mv", "collapsed", "typo", "numeral", "imo_only"])
    if how == "mv":
        name = f"M/V {name}"
    elif how == "collapsed":
        name = name.replace(" ", "")
    elif how == "typo":
        pos = rng.randrange(len(name))
        name = name[:pos] + rng.choice("AEIOUKNST") + name[pos + 1 :]
    elif how == "numeral":
        name = f"{name} {rng.randint(2, 9)}"
    imo = vessel.get("imoNumber")[0] if how == "imo_only" and vessel.get("imoNumber") else None
    return Query(names=(name,) if how != "imo_only" else ("UNKNOWN",), imo=imo, ref=f"planted-{i}")


def interactive_queries(entities: list[EntityProxy], n: int, seed: int = 11) -> list[Query]:
    """List names with one perturbation each, across vessels, persons and organisations."""
    rng = random.Random(seed)
    pool = [
        e for e in entities if e.schema.name in ("Vessel", "Person", "Organization", "LegalEntity")
    ]
    out = []
    for entity in rng.sample(pool, n):
        name = entity.get("name")[0]
        if len(name) > 4 and rng.random() < 0.5:
            pos = rng.randrange(len(name))
            name = name[:pos] + name[pos + 1 :]
        schema = entity.schema.name if entity.schema.name != "Organization" else "LegalEntity"
        out.append(Query(schema=schema, names=(name,)))  # type: ignore[arg-type]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--interactive", type=int, default=500)
    args = parser.parse_args()

    entities = [*ofac_entities(), *un_entities()]
    vessels = [e for e in entities if e.schema.name == "Vessel"]
    started = time.perf_counter()
    screener = Screener(entities)
    build_s = time.perf_counter() - started
    print(f"lists: {len(entities):,} entities ({len(vessels)} vessels); index {build_s:.2f} s")

    queries = ais_identities(args.identities, vessels)
    wall, cpu = time.perf_counter(), time.process_time()
    hits = list(screener.screen_many(queries))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    planted_found = len({h.query_ref for h in hits if (h.query_ref or "").startswith("planted")})
    print(
        f"batch: {len(queries):,} AIS identities in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({len(queries) / wall:,.0f}/s); {len(hits):,} alerting hits; "
        f"{planted_found} of {len(queries) // 100} planted queries alert"
    )

    timings = []
    for query in interactive_queries(entities, args.interactive):
        t = time.perf_counter()
        screener.screen(query)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(
        f"interactive: {len(timings)} queries, p50 {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
    )
    cpu_name = platform.processor() or platform.machine()
    print(f"machine: {cpu_name}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
