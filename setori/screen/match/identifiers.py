"""The identifier tier: exact joins on canonical IMO, MMSI and call sign (screening.md §C.1).

Every identifier an entity carries is indexed, current and former or claimed alike (FtM
keeps them all in ``imoNumber``, ``mmsi`` and ``callSign``). Contradiction evidence, which
logic-v2 lacks, becomes negative features:

* the same name but a different valid ship IMO (``imo_conflict``);
* the same IMO but an MMSI whose MID names another flag (``mid_flag_conflict``) or a
  declared flag that is neither the listed nor a past flag (``flag_conflict``);
* a DPRK call sign (``HM*``, ``P5*``-``P9*``) broadcast under a foreign flag or MID, on a
  hit that rests on an identifier.

A hit on an exact IMO or MMSI whose names do not match says so (``name_differs``, no
weight): the listed name is shown beside the query's, so that a renamed hull is never
mistaken for a name match nor hidden behind one.

One qualifier: a declared flag or MID that is a listed or past flag of the vessel
(``flag_agrees``) lifts a name match too weak to alert on its own (a short name one
letter apart) into the review band.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from setori.ids import (
    call_sign_country,
    imo_check,
    mmsi_info,
    normalize_call_sign,
    normalize_flag,
    normalize_imo,
)
from setori.screen.match import weights as w
from setori.screen.match.evidence import Evidence
from setori.screen.match.records import EntityRecord
from setori.screen.model import Query


@dataclass(frozen=True, slots=True)
class QueryIds:
    """A query's identifiers in canonical form and the countries they point to."""

    imo: str | None
    mmsi: str | None
    call_sign: str | None
    flag: str | None
    mid_country: str | None

    @classmethod
    def of(cls, query: Query) -> QueryIds:
        """Canonicalise the identifiers of a query."""
        mmsi = mmsi_info(query.mmsi) if query.mmsi else None
        call_sign = normalize_call_sign(query.call_sign)
        return cls(
            imo=normalize_imo(query.imo),
            mmsi=mmsi.mmsi if mmsi else None,
            call_sign=call_sign,
            flag=normalize_flag(query.flag),
            mid_country=mmsi.country if mmsi and mmsi.kind == "ship" else None,
        )


class IdentifierIndex:
    """Record positions by canonical IMO, MMSI and call sign."""

    def __init__(self, records: Sequence[EntityRecord]) -> None:
        self.imo: dict[str, list[int]] = defaultdict(list)
        self.mmsi: dict[str, list[int]] = defaultdict(list)
        self.call_sign: dict[str, list[int]] = defaultdict(list)
        for i, record in enumerate(records):
            for value in record.imos:
                self.imo[value].append(i)
            for value in record.mmsis:
                self.mmsi[value].append(i)
            for value in record.call_signs:
                self.call_sign[value].append(i)

    def candidates(self, ids: QueryIds) -> set[int]:
        """Records sharing at least one identifier with the query."""
        found: set[int] = set()
        for table, value in (
            (self.imo, ids.imo),
            (self.mmsi, ids.mmsi),
            (self.call_sign, ids.call_sign),
        ):
            if value:
                found.update(table.get(value, ()))
        return found


def identifier_evidence(ids: QueryIds, record: EntityRecord) -> list[Evidence]:
    """One piece of evidence per identifier the query shares with the record."""
    found: list[Evidence] = []
    if ids.imo and ids.imo in record.imos:
        found.append(Evidence("imo_exact", w.IMO_EXACT, f"query IMO {ids.imo} = listed IMO"))
    if ids.mmsi and ids.mmsi in record.mmsis:
        found.append(Evidence("mmsi_exact", w.MMSI_EXACT, f"query MMSI {ids.mmsi} = listed MMSI"))
    if ids.call_sign and ids.call_sign in record.call_signs:
        why = f"query call sign {ids.call_sign} = listed call sign"
        found.append(Evidence("call_sign_exact", w.CALL_SIGN_EXACT, why))
    return found


def contradictions(ids: QueryIds, record: EntityRecord, *, name_matched: bool) -> list[Evidence]:
    """Negative evidence: identifiers that disagree with the record or with each other."""
    found: list[Evidence] = []
    imo_matched = ids.imo is not None and ids.imo in record.imos
    if (
        name_matched
        and ids.imo
        and record.imos
        and not imo_matched
        and imo_check(ids.imo).valid_ship
    ):
        listed = ", ".join(sorted(record.imos))
        why = f"same name but query IMO {ids.imo} (a valid ship number) is not the listed {listed}"
        found.append(Evidence("imo_conflict", w.IMO_CONFLICT, why + ": another hull?"))
    if imo_matched:
        found.extend(_flag_conflicts(ids, record))
    if identifier_evidence(ids, record):
        found.extend(_call_sign_conflict(ids))
    return found


def _flag_conflicts(ids: QueryIds, record: EntityRecord) -> list[Evidence]:
    known = record.flags | record.past_flags
    if not known:
        return []
    flags = "/".join(sorted(known))
    found: list[Evidence] = []
    if ids.mid_country and ids.mid_country not in known and ids.mid_country != ids.flag:
        why = (
            f"same IMO, but MMSI {ids.mmsi} has the MID of {ids.mid_country}; listed flags {flags}"
        )
        found.append(Evidence("mid_flag_conflict", w.MID_FLAG_CONFLICT, why))
    if ids.flag and ids.flag not in known:
        why = f"same IMO, but the declared flag {ids.flag} is not a listed flag ({flags})"
        found.append(Evidence("flag_conflict", w.FLAG_CONFLICT, why))
    return found


def _call_sign_conflict(ids: QueryIds) -> list[Evidence]:
    other = ids.flag or ids.mid_country
    if other and other != "KP" and ids.call_sign and call_sign_country(ids.call_sign) == "KP":
        why = f"DPRK call sign {ids.call_sign} broadcast under a foreign flag ({other})"
        return [Evidence("call_sign_flag_conflict", w.CALL_SIGN_FLAG_CONFLICT, why)]
    return []


def flag_agreement(ids: QueryIds, record: EntityRecord) -> list[Evidence]:
    """A qualifier when the query's declared flag or MID is one of the vessel's flags."""
    known = record.flags | record.past_flags
    flags = "/".join(sorted(known))
    if ids.flag and ids.flag in known:
        said = f"the declared flag {ids.flag} is a listed flag of the vessel ({flags})"
    elif ids.mid_country and ids.mid_country in known:
        said = f"MMSI {ids.mmsi} has the MID of {ids.mid_country}, a listed flag ({flags})"
    else:
        return []
    why = f"{said}: supports a name match too weak on its own"
    return [Evidence("flag_agrees", w.FLAG_AGREES, why, qualifier=True)]


def name_differs(
    names: Sequence[str], ids: QueryIds, record: EntityRecord, *, name_matched: bool
) -> list[Evidence]:
    """An explanatory feature when an exact IMO or MMSI hit carries a different name."""
    if not names or name_matched:
        return []
    shared = [
        f"{label} {value}"
        for label, value, listed in (
            ("IMO", ids.imo, record.imos),
            ("MMSI", ids.mmsi, record.mmsis),
        )
        if value and value in listed
    ]
    if not shared:
        return []
    listed_names = sorted(record.entity.get("name", quiet=True)) or [record.entity.caption]
    why = (
        f"{' and '.join(shared)} {'match' if len(shared) > 1 else 'matches'} but the listed "
        f"name is {' / '.join(listed_names)}, not {' / '.join(names)}: renamed, or a wrong "
        "identifier?"
    )
    return [Evidence("name_differs", 0.0, why)]
