"""Maritime Identification Digits (MID): the flag an MMSI claims.

Source: the ITU MID table (ITU-R M.585 Annex 1 / the ITU MARS list) as a CSV
``MID,Allocated_to`` (shared ``itu-mid/MaritimeIdentificationDigits.csv``, 294 rows;
a copy ships as ``setori/data/itu-mid.csv``). Where the MID sits in an MMSI follows
ITU-R M.585-9 Annex 1: ship stations ``MIDxxxxxx`` (first digit 2-7), handheld VHF
``8MIDxxxxx``, craft associated with a parent ship ``98MIDxxxx``, aids to navigation
``99MIDxxxx``, SAR aircraft ``111MIDxxx``. Other forms (AIS-SART ``970``, MOB ``972``,
EPIRB-AIS ``974``, group and coast stations with leading zeros) carry no MID: -1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from setori.geo.reference import GeoSettings

NO_MID = -1
Ints = npt.NDArray[np.int64]


def mid_of(mmsi: npt.ArrayLike) -> Ints:
    """The MID each MMSI carries (ITU-R M.585 Annex 1), or -1 when its form has none."""
    m = np.asarray(mmsi, dtype=np.int64)
    nine = (m >= 100_000_000) & (m <= 999_999_999)
    first, first2, first3 = m // 100_000_000, m // 10_000_000, m // 1_000_000
    conditions = [
        nine & (first >= 2) & (first <= 7),
        nine & (first == 8),
        nine & ((first2 == 98) | (first2 == 99)),
        nine & (first3 == 111),
    ]
    choices = [first3, (m // 100_000) % 1000, (m // 10_000) % 1000, (m // 1000) % 1000]
    return np.asarray(np.select(conditions, choices, default=NO_MID), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class MidTable:
    """The ITU MID table: sorted MIDs and who each is allocated to."""

    mids: Ints
    allocated_to: tuple[str, ...]

    def is_allocated(self, mids: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Whether each MID is in the ITU table."""
        return np.isin(np.asarray(mids, dtype=np.int64), self.mids)

    def flags(self, mids: npt.ArrayLike) -> list[str | None]:
        """Who each MID is allocated to (None when unallocated or -1)."""
        mids = np.asarray(mids, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.mids, mids), 0, max(self.mids.size - 1, 0))
        found = self.is_allocated(mids)
        return [
            self.allocated_to[p] if ok else None
            for p, ok in zip(pos.tolist(), found.tolist(), strict=True)
        ]


def load_mid_table(settings: GeoSettings | None = None) -> MidTable:
    """The ITU MID table from ``data_dir`` or the shipped copy (cached)."""
    return _cached_table((settings or GeoSettings()).path("mid"))


@lru_cache(maxsize=4)
def _cached_table(path: Path) -> MidTable:
    table = (
        pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
        .select(
            pl.col("MID").str.strip_chars().cast(pl.Int64), pl.col("Allocated_to").str.strip_chars()
        )
        .unique("MID", keep="first")
        .sort("MID")
    )
    return MidTable(
        table["MID"].to_numpy().astype(np.int64), tuple(table["Allocated_to"].to_list())
    )
