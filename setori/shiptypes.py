"""AIS ship and cargo type codes in words (ITU-R M.1371-5, Annex 8, Table 53).

The first digit is the kind of ship (2 wing in ground, 3 special, 4 high-speed craft,
5 special, 6 passenger, 7 cargo, 8 tanker, 9 other); for 2, 4, 6, 7, 8 and 9 the second
digit is the hazardous-cargo category (1-4 = X, Y, Z, OS; 9 = no additional information).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

_KINDS = {
    2: "wing in ground",
    4: "high-speed craft",
    6: "passenger",
    7: "cargo",
    8: "tanker",
    9: "other",
}
_SPECIAL = {
    30: "fishing",
    31: "towing",
    32: "towing, long or wide tow",
    33: "dredging or underwater operations",
    34: "diving operations",
    35: "military operations",
    36: "sailing",
    37: "pleasure craft",
    50: "pilot vessel",
    51: "search and rescue",
    52: "tug",
    53: "port tender",
    54: "anti-pollution",
    55: "law enforcement",
    58: "medical transport",
    59: "non-combatant ship (RR Resolution 18)",
}
_CATEGORY = {0: "", 1: ", hazardous category X", 2: ", hazardous category Y",
             3: ", hazardous category Z", 4: ", hazardous category OS",
             9: ", no additional information"}  # fmt: skip


def ship_type_name(code: int | None) -> str | None:
    """``80`` -> ``"tanker"``, ``71`` -> ``"cargo, hazardous category X"``; ``None`` for 0/null.

    Codes the table leaves reserved or spare read ``"reserved (NN)"``.
    """
    if code is None or code == 0:
        return None
    if code in _SPECIAL:
        return _SPECIAL[code]
    kind, category = divmod(code, 10)
    if kind in _KINDS and category in _CATEGORY:
        return _KINDS[kind] + _CATEGORY[category]
    return f"reserved ({code})"


def with_ship_type_names(vessels: pa.Table) -> pa.Table:
    """``vessels`` with ``ship_type_names`` (a list of words) after ``ship_types``."""
    import pyarrow as pa

    names = [
        [ship_type_name(code) or "not available" for code in codes or []]
        for codes in vessels.column("ship_types").to_pylist()
    ]
    where = vessels.column_names.index("ship_types") + 1
    return vessels.add_column(where, "ship_type_names", pa.array(names, pa.list_(pa.string())))
