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

Run: ``python bench/bench_screen.py`` (``--identities 100000 --interactive 500 --runs 3``);
``--quick``: 5,000 identities, 50 interactive queries, 3 runs.
"""

from __future__ import annotations

import csv
import gc
import random
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from _timing import Row, markdown_block, parser, shared_data_dir, table, time_call
from followthemoney.proxy import EntityProxy

from setori.screen.lists import load_list
from setori.screen.match import Screener
from setori.screen.match.names import name_key
from setori.screen.model import Hit, Query

ROOT = Path(__file__).resolve().parent.parent
#: Under the shared data folder (looked up when the benchmark runs, so --help needs none).
OFAC = Path("ofac-sdn-2021")
UN_XML = Path("un-consolidated") / "UN_consolidated.xml"
AIS_NAMES = Path("gfw-transshipment") / "transshipment-vessels.csv"
SHORT_NAME = 7  # the longest name on which one edit alone is weak evidence (weights.py)


def list_entities() -> list[EntityProxy]:
    """Every entity of the OFAC SDN CSV set and the UN consolidated XML (setori's loaders)."""
    data = shared_data_dir()
    lists = [load_list(data / OFAC / "sdn.csv"), load_list(data / UN_XML)]
    return [entity for loaded in lists for entity in loaded.entities()]


def imo_with_check(rng: random.Random) -> str:
    """A random 7-digit number with a valid ship check digit."""
    digits = [rng.randint(1 if i == 0 else 0, 9) for i in range(6)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return "".join(map(str, digits)) + str(check)


def ais_identities(n: int, vessels: list[EntityProxy], seed: int = 7) -> list[Query]:
    """Synthetic AIS identities; 1 % planted variants of listed vessels."""
    rng = random.Random(seed)
    with open(shared_data_dir() / AIS_NAMES, newline="") as f:
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


def run_batch(screener: Screener, queries: list[Query], runs: int) -> tuple[Row, list[str]]:
    """Screen every AIS identity ``runs`` times: the timing, and what alerted (every run)."""

    def screen_all() -> list[Hit]:
        gc.collect()
        return list(screener.screen_many(queries))

    timed, hits = time_call(screen_all, runs)
    alerted = {h.query_ref or "" for h in hits}
    kinds = {q.ref: planted_kind(q) for q in queries if (q.ref or "").startswith("planted-")}
    planted = Counter(kinds.values())
    found = Counter(kinds[r] for r in alerted if r in kinds)
    random_hits = [h for h in hits if h.query_ref not in kinds]
    others = len({h.query_ref for h in random_hits})
    share = others / (len(queries) - planted.total())
    typos = [q for q in queries if kinds.get(q.ref, "").startswith("typo")]
    notes = [
        f"- Batch: {len(hits):,} alerting hits.",
        f"- Planted queries alerting, by kind: {dict(sorted(found.items()))} "
        f"of {dict(sorted(planted.items()))}.",
        f"- Other (random) identities alerting: {others:,} ({share:.2%}); their hits by main "
        f"feature: {dict(main_features(random_hits).most_common(8))}.",
        f"- Planted typos alerting with the listed flag declared: {with_flag(screener, typos)}.",
    ]
    return Row("batch `screen_many`, AIS identities", timed, len(queries)), notes


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


def run_interactive(screener: Screener, queries: list[Query], runs: int) -> list[str]:
    """Screen queries one at a time, ``runs`` times; latency percentiles over the runs."""
    # rigour loads its name data lazily: one person and one organisation first
    screener.screen(Query(schema="Person", names=("Jorge Perez",)))
    screener.screen(Query(schema="LegalEntity", names=("Status S. de R.L.",)))
    per_run: list[dict[str, list[float]]] = []
    for _ in range(runs):
        by_schema: dict[str, list[float]] = {}
        for query in queries:
            started = time.perf_counter()
            screener.screen(query)
            by_schema.setdefault(query.schema, []).append((time.perf_counter() - started) * 1000)
        by_schema["all"] = [t for times in by_schema.values() for t in times]
        per_run.append(by_schema)
    out = [
        "| interactive `screen`, queries | n | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for schema in sorted(per_run[0], key=lambda k: (k != "all", k)):
        stats = [percentiles(sorted(run[schema])) for run in per_run]
        cells = [spread([s[i] for s in stats]) for i in range(3)]
        out.append(f"| {schema} | {len(per_run[0][schema])} | " + " | ".join(cells) + " |")
    return out


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max of sorted milliseconds."""
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.95))], ms[-1]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--identities", type=int, default=100_000)
    p.add_argument("--interactive", type=int, default=500)
    args = p.parse_args()
    identities, interactive, runs = (
        (5_000, 50, 3) if args.quick else (args.identities, args.interactive, args.runs)
    )

    entities = list_entities()
    build, screener = time_call(lambda: Screener(entities), runs)
    gc.freeze()  # as a long-running service would: the indexes leave the GC's generations
    vessels = [e for e in entities if e.schema.name == "Vessel"]
    batch, notes = run_batch(screener, ais_identities(identities, vessels), runs)
    body = [
        f"- Lists: {len(screener.records):,} matchable entities ({len(vessels)} vessels) "
        f"of {len(entities):,}; index built in {build.wall_text()} s.",
        f"- Runs: {runs} of the batch and of the interactive queries, in one process.",
        *notes,
        "",
        *table([batch], "identities"),
        "",
        *run_interactive(screener, interactive_queries(entities, interactive), runs),
    ]
    print(markdown_block("Screening", Path(__file__).name, body))


if __name__ == "__main__":
    main()
