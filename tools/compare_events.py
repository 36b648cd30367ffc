"""Compare two event snapshots of tools/event_snapshot.py, event by event and field by field.

    python tools/compare_events.py BEFORE_DIR AFTER_DIR [--rel 1e-8]

For each file: events in each, ids only on one side, and per field the events whose value
differs: exactly for text, ids, times, lists of vessels; for floats, beyond ``--rel``
relative difference (the largest relative difference found is printed either way). Exit
status 1 when anything differs beyond the tolerance.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, str) and value[:1] in "{[":
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out |= _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        out = {}
        for i, v in enumerate(value):
            out |= _flatten(v, f"{prefix}[{i}]")
        return out
    return {prefix: value}


def _field(name: str) -> str:
    return "".join(c for c in name if not c.isdigit()).replace("[]", "[i]")


def compare(before: Path, after: Path, rel: float) -> tuple[list[str], bool]:
    a = {e["id"]: _flatten(e) for e in map(json.loads, before.read_text().splitlines())}
    b = {e["id"]: _flatten(e) for e in map(json.loads, after.read_text().splitlines())}
    lines = [f"{before.name}: {len(a)} events before, {len(b)} after"]
    only = (set(a) - set(b), set(b) - set(a))
    lines.append(f"  ids only before: {len(only[0])}, only after: {len(only[1])}")
    exact: Counter[str] = Counter()
    beyond: Counter[str] = Counter()
    largest: dict[str, float] = {}
    for key in set(a) & set(b):
        for name in set(a[key]) | set(b[key]):
            x, y = a[key].get(name), b[key].get(name)
            if x == y:
                continue
            if isinstance(x, float) and isinstance(y, float):
                diff = abs(x - y) / max(abs(x), abs(y), 1e-300)
                field = _field(name)
                largest[field] = max(largest.get(field, 0.0), diff)
                if diff > rel or math.isnan(diff):
                    beyond[field] += 1
            else:
                exact[_field(name)] += 1
    for field, n in sorted(exact.items()):
        lines.append(f"  DIFFERENT {field}: {n} events")
    for field, d in sorted(largest.items()):
        over = f", {beyond[field]} beyond {rel:g}" if beyond[field] else ""
        lines.append(f"  float {field}: largest relative difference {d:.1e}{over}")
    same = not (only[0] or only[1] or exact or beyond)
    lines.append("  SAME" if same else "  DIFFERS")
    return lines, same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rel", type=float, default=1e-8, help="float tolerance (relative)")
    args = parser.parse_args()
    ok = True
    for path in sorted(args.before.glob("*.jsonl")):
        if not (args.after / path.name).exists():
            print(f"{path.name}: missing after")  # noqa: T201
            ok = False
            continue
        lines, same = compare(path, args.after / path.name, args.rel)
        ok &= same
        print("\n".join(lines))  # noqa: T201
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
