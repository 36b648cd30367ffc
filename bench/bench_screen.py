"""Screening speed: 100,000 AIS identities in batch, and one interactive query at a time.

Lists: the real OFAC SDN CSV set (2021; sdn.csv + add.csv + alt.csv + sdn_comments.csv) and
the UN consolidated XML from ``shared/data`` (every record, not only DPRK), read into FtM
entities by :func:`setori.screen.lists.load_list`. Queries:

* batch: synthetic AIS identities (name, IMO, MMSI, call sign) whose names are drawn from
  the tokens of 1,124 real AIS ship names (GFW ``transshipment-vessels.csv``), with valid
  IMO check digits, MIDs from the ITU table and random call signs; 1 % are planted variants
  of listed vessels (typos, prefixes, spacing, IMO only, sister-ship numerals), typos
  counted apart on names of at most 7 characters (name-only one edit there is weak);
* interactive: list names with one perturbation each (vessels, persons, organisations).

Run: ``python bench/bench_screen.py`` (``--identities 100000 --interactive 500``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import platform
import random
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from followthemoney.proxy import EntityProxy

from setori.demo import shared_data_dir
from setori.screen.lists import load_list
from setori.screen.match import Screener
from setori.screen.match.names import name_key
from setori.screen.model import Hit, Query

ROOT = Path(__file__).resolve().parent.parent
DATA = shared_data_dir() or ROOT.parent / "shared" / "data"
OFAC = DATA / "ofac-sdn-2021"
UN_XML = DATA / "un-consolidated" / "UN_consolidated.xml"
AIS_NAMES = DATA / "gfw-transshipment" / "transshipment-vessels.csv"
SHORT_NAME = 7  # the longest name on which one edit alone is weak evidence (weights.py)


def list_entities() -> list[EntityProxy]:
    """Every entity of the OFAC SDN CSV set and the UN consolidated XML (setori's loaders)."""
    lists = [load_list(OFAC / "sdn.csv"), load_list(UN_XML)]
    return [entity for loaded in lists for entity in loaded.entities()]


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
    names = (name,) if how != "imo_only" else ("UNKNOWN",)
    return Query(names=names, imo=imo, ref=f"planted-{how}-{i}-{vessel.id}")


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


def planted_kind(query: Query) -> str:
    """The perturbation of a planted query; typos split at 7 characters (short / long name)."""
    kind = (query.ref or "").split("-")[1]
    if kind == "typo":
        kind += "_short" if len(name_key(query.names[0]).collapsed) <= SHORT_NAME else "_long"
    return kind


def run_batch(screener: Screener, queries: list[Query]) -> None:
    """Screen every AIS identity; print the time and what alerted."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    hits = list(screener.screen_many(queries))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    alerted = {h.query_ref or "" for h in hits}
    kinds = {q.ref: planted_kind(q) for q in queries if (q.ref or "").startswith("planted-")}
    planted = Counter(kinds.values())
    found = Counter(kinds[r] for r in alerted if r in kinds)
    random_hits = [h for h in hits if h.query_ref not in kinds]
    others = len({h.query_ref for h in random_hits})
    print(
        f"batch: {len(queries):,} AIS identities in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({len(queries) / wall:,.0f}/s); {len(hits):,} alerting hits"
    )
    print(f"  planted queries alerting, by kind: {dict(sorted(found.items()))}")
    print(f"    of {dict(sorted(planted.items()))}")
    share = others / (len(queries) - planted.total())
    print(f"  other (random) identities alerting: {others:,} ({share:.2%})")
    print(f"    their hits by main feature: {dict(main_features(random_hits).most_common(8))}")
    typos = [q for q in queries if kinds.get(q.ref, "").startswith("typo")]
    print(f"  planted typos alerting with the listed flag declared: {with_flag(screener, typos)}")


def with_flag(screener: Screener, typos: list[Query]) -> dict[str, str]:
    """Typo queries screened again, each declaring its listed vessel's flag (if it has one)."""
    flags = {str(r.entity.id): sorted(r.flags) for r in screener.records if r.is_vessel}
    found: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for query in typos:
        flag = flags.get((query.ref or "").split("-", 3)[3])
        if flag:
            kind = planted_kind(query)
            tried[kind] += 1
            hits = screener.screen(replace(query, flag=flag[0]))
            found[kind] += any(h.match for h in hits)
    return {kind: f"{found[kind]} of {tried[kind]}" for kind in sorted(tried)}


def main_features(hits: list[Hit]) -> Counter[str]:
    """How many hits rest on each feature (the one with the largest contribution)."""
    return Counter(max(h.features, key=lambda f: f.contribution).name for h in hits)


def run_interactive(screener: Screener, queries: list[Query]) -> None:
    """Screen queries one at a time; print latency percentiles, overall and by schema."""
    for schema, name in (("Person", "Jorge Perez"), ("LegalEntity", "Status S. de R.L.")):
        screener.screen(Query(schema=schema, names=(name,)))  # rigour loads its name data lazily
    by_schema: dict[str, list[float]] = {}
    for query in queries:
        started = time.perf_counter()
        screener.screen(query)
        by_schema.setdefault(query.schema, []).append((time.perf_counter() - started) * 1000)
    every = sorted(t for times in by_schema.values() for t in times)
    print(f"interactive: {len(every)} queries, {percentiles(every)}")
    for schema, times in sorted(by_schema.items()):
        print(f"  {schema}: {len(times)} queries, {percentiles(sorted(times))}")


def percentiles(ms: list[float]) -> str:
    """p50, p95 and max of sorted milliseconds."""
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--interactive", type=int, default=500)
    args = parser.parse_args()

    entities = list_entities()
    started = time.perf_counter()
    screener = Screener(entities)
    build_s = time.perf_counter() - started
    gc.freeze()  # as a long-running service would: the indexes leave the GC's generations
    vessels = [e for e in entities if e.schema.name == "Vessel"]
    print(
        f"lists: {len(screener.records):,} matchable entities ({len(vessels)} vessels) "
        f"of {len(entities):,}; index built in {build_s:.2f} s"
    )
    run_batch(screener, ais_identities(args.identities, vessels))
    run_interactive(screener, interactive_queries(entities, args.interactive))
    cpu_name = platform.processor() or platform.machine()
    print(f"machine: {cpu_name}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
