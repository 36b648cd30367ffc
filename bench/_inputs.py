"""Benchmark inputs built from real public data, repeated so that nothing deduplicates.

* NMEA: the DMA capture ``dma-aisabnormal/ais-sample.txt.gz`` (80,246 lines: lone tag
  blocks ``\\si:AISD*3F\\``, ``$PGHP`` Gatehouse time stamps, ``!BSVDM`` / ``!BSVDO``
  sentences, 69 two-part messages). Copy ``k`` has every ``$PGHP`` date moved ``k`` days
  later (checksum recomputed), so every position of every copy has its own time and is a
  new row for the store; the AIS sentences themselves are unchanged.
* CSV: the MarineCadastre hour ``tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv``
  (8,689 rows), copy ``k`` shifted ``k`` hours.

Not part of the package: imported as ``_inputs`` by the scripts next to it.
"""

from __future__ import annotations

import functools
import gzip
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from _timing import BenchError, shared_data_dir

NMEA_SAMPLE = "dma-aisabnormal/ais-sample.txt.gz"
CSV_SAMPLE = "tracktable-noaa/NYHarbor_2020_06_30_first_hour.csv"
_PGHP = re.compile(rb"^\$PGHP,1,(\d{4}),(\d{1,2}),(\d{1,2}),([^*\r\n]*)\*([0-9A-Fa-f]{2})", re.M)


@dataclass(frozen=True, slots=True)
class Built:
    """A built input file: how many lines (or rows) and copies of the sample it holds."""

    path: Path
    lines: int
    copies: int
    sample: str

    def describe(self, unit: str) -> str:
        return f"`{self.sample}` × {self.copies} = {self.lines:,} {unit}"


def _xor(data: bytes) -> int:
    return functools.reduce(lambda a, b: a ^ b, data, 0)


def _shift_pghp(blob: bytes, days: int) -> bytes:
    """``blob`` with every ``$PGHP`` date ``days`` later and its checksum recomputed."""
    if days == 0:
        return blob

    def shifted(m: re.Match[bytes]) -> bytes:
        old = b"%s,%s,%s" % (m[1], m[2], m[3])
        day = date(int(m[1]), int(m[2]), int(m[3])) + timedelta(days=days)
        new = b"%d,%d,%d" % (day.year, day.month, day.day)
        checksum = int(m[5], 16) ^ _xor(old) ^ _xor(new)
        return b"$PGHP,1,%s,%s*%02X" % (new, m[4], checksum)

    return _PGHP.sub(shifted, blob)


def nmea_sample() -> bytes:
    """The real DMA capture, unpacked, ending in a newline."""
    raw = gzip.decompress((shared_data_dir() / NMEA_SAMPLE).read_bytes())
    return raw if raw.endswith(b"\n") else raw + b"\n"


def build_nmea(out: Path, lines: int) -> Built:
    """At least ``lines`` lines: copies of the DMA sample, copy ``k`` re-stamped ``k`` days on."""
    sample = nmea_sample()
    per_copy = sample.count(b"\n")
    if not _PGHP.search(sample):
        raise BenchError(f"{NMEA_SAMPLE}: no $PGHP line found, expected Gatehouse time stamps")
    copies = max(1, -(-lines // per_copy))
    with out.open("wb") as fh:
        for k in range(copies):
            fh.write(_shift_pghp(sample, k))
    return Built(out, per_copy * copies, copies, NMEA_SAMPLE)


def build_csv(out: Path, rows: int) -> Built:
    """Exactly ``rows`` rows: copies of the NY Harbor hour, copy ``k`` shifted ``k`` hours."""
    import polars as pl

    base = pl.read_csv(shared_data_dir() / CSV_SAMPLE, infer_schema=False)
    copies = max(1, -(-rows // base.height))
    ts = pl.col("BaseDateTime").str.to_datetime("%Y-%m-%dT%H:%M:%S")
    written = 0
    with out.open("w") as fh:
        fh.write(",".join(base.columns) + "\n")
        for k in range(copies):
            part = base.with_columns(
                (ts + timedelta(hours=k)).dt.strftime("%Y-%m-%dT%H:%M:%S").alias("BaseDateTime")
            ).head(rows - written)
            part.write_csv(fh, include_header=False)
            written += part.height
    return Built(out, written, copies, CSV_SAMPLE)
