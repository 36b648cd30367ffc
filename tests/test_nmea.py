"""Tests of :func:`setori.ingest.nmea.read_nmea` on real NMEA files.

Fixture strategy: every real NMEA file of ``shared_data`` (SOURCES.md section 1) is
read whole; small real slices in ``tests/data/nmea/`` (see its README) back the
self-contained tests; single sentences are edited from real ones (one character
flipped, cut short, a tag block added) or, for values no real file has (latitude
100, longitude 200), encoded with pyais. Message counts are checked against an
independent pass with pyais' own stream reader.
"""

from __future__ import annotations

import gzip
import io
import re
from collections import Counter
from datetime import UTC, datetime
from functools import reduce
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pyais import encode_dict
from pyais.stream import IterMessages

from setori import schema
from setori.errors import SetoriError, UnreadableInputError
from setori.ingest.batch import IngestBatch
from setori.ingest.nmea.read import read_nmea

NMEA_FILES = [
    "dma-aislib/stream_example.txt",
    "dma-aisabnormal/ais-sample.txt.gz",
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aisabnormal/219165000_ssc_1.ais",
    "amsa-risky/ais.txt.gz",
    "amsa-risky/exact-earth-augmented.txt",
    "amsa-risky/exact-earth-with-tag-block.txt",
    "amsa-risky/nmea-timestamped.txt",
    "aisdb/test_data_20211101.nm4",
    "aisdb/test_data_201201.nmea",
    "pyais/nmea_data_sample.txt",
    "libais/test.aivdm",
    "gpsd/sample.aivdm",
    "gpsd/ais-nmea.log",
    "signalk/gofree-merrimac.log",
    "signalk/nais400-merrimac.log",
]
SLICES = Path(__file__).parent / "data" / "nmea"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
KEPT = {"position", "static", "non_ais_line", "empty_payload", "multipart_fragment"}
MESSAGE_REASONS = (
    "undecodable",
    "no_timestamp",
    "impossible_time",
    "position_unavailable",
    "impossible_position",
)


# --- helpers ---------------------------------------------------------------------------


def raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def read_all(data: bytes, **options: Any) -> IngestBatch:
    """Every batch of ``data`` in one (tables concatenated, counts summed)."""
    batches = list(read_nmea(io.BytesIO(data), "test", now=NOW, **options))
    counts: Counter[str] = Counter()
    for batch in batches:
        counts.update(batch.counts)
    return IngestBatch(
        positions=pa.concat_tables(
            [schema.empty(schema.POSITIONS), *(b.positions for b in batches)]
        ),
        statics=pa.concat_tables([schema.empty(schema.STATICS), *(b.statics for b in batches)]),
        quarantine=pa.concat_tables(
            [schema.empty(schema.QUARANTINE), *(b.quarantine for b in batches)]
        ),
        counts=counts,
        lines=sum(b.lines for b in batches),
    )


def with_checksum(body: str) -> str:
    """``!AIVDM,...`` (no ``*hh``) -> the sentence with its checksum."""
    return f"{body}*{reduce(lambda a, c: a ^ ord(c), body[1:], 0):02X}"


def tag(fields: str) -> str:
    return f"\\{fields}*{reduce(lambda a, c: a ^ ord(c), fields, 0):02X}\\"


def ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def ts_ms(table: pa.Table) -> list[int]:
    return [int(v) for v in pc.cast(table["ts"], pa.int64()).to_pylist()]


def quarantined(batch: IngestBatch) -> dict[int, str]:
    return dict(
        zip(
            batch.quarantine["line_no"].to_pylist(),
            batch.quarantine["reason"].to_pylist(),
            strict=True,
        )
    )


def kept_lines(batch: IngestBatch) -> set[int]:
    return set(batch.positions["line_no"].to_pylist()) | set(batch.statics["line_no"].to_pylist())


def message_count(counts: Counter[str]) -> int:
    """Messages that reached the decoder or were counted as empty (each once)."""
    buckets = ("position", "static", "empty_payload", *MESSAGE_REASONS)
    return sum(n for k, n in counts.items() if k in buckets or k.startswith("other_type:"))


def strict_sentence_ok(sentence: bytes) -> bool:
    """The test's own check: ``!…*hh`` with the right XOR, nothing but ``,…`` after it."""
    match = re.fullmatch(rb"!([^*]*)\*([0-9A-Fa-f]{2})(,.*)?", sentence)
    if match is None:
        return False
    return reduce(lambda a, c: a ^ c, match[1], 0) == int(match[2], 16)


def strip_tag(raw: str) -> str:
    return re.sub(r"^\\[^\\]*\\", "", raw)


def canonical(batch: IngestBatch) -> tuple[Any, ...]:
    """Order-independent view of a batch (rows sorted by line, then reason)."""
    return (
        batch.positions.sort_by("line_no").to_pylist(),
        batch.statics.sort_by("line_no").to_pylist(),
        batch.quarantine.sort_by([("line_no", "ascending"), ("reason", "ascending")]).to_pylist(),
        +batch.counts,
        batch.lines,
    )


# --- every real file ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=NMEA_FILES)
def real_file(request: pytest.FixtureRequest, shared_data: Path) -> tuple[bytes, IngestBatch]:
    data = raw_bytes(shared_data / request.param)
    return data, read_all(data)


@pytest.mark.slow
def test_real_file_reads_completely(real_file: tuple[bytes, IngestBatch]) -> None:
    data, batch = real_file
    assert batch.lines == len(data.splitlines())
    assert sum(batch.counts.values()) == batch.lines
    assert batch.positions.schema == schema.POSITIONS
    assert batch.statics.schema == schema.STATICS
    assert batch.quarantine.schema == schema.QUARANTINE
    assert batch.positions.num_rows == batch.counts["position"]
    type19 = pc.sum(pc.equal(batch.statics["msg_type"], 19)).as_py() or 0
    assert batch.statics.num_rows == batch.counts["static"] + type19
    reasons = Counter(r.split(":")[0] for r in batch.quarantine["reason"].to_pylist())
    expected = {
        k: n for k, n in batch.counts.items() if k not in KEPT and not k.startswith("other")
    }
    assert reasons == expected


@pytest.mark.slow
def test_message_counts_match_pyais(real_file: tuple[bytes, IngestBatch]) -> None:
    """positions + statics + other types + message quarantine == pyais' messages, less
    the ones this reader rejects line by line.

    Known differences, each asserted: pyais does not verify checksums (it yields
    sentences whose XOR is wrong, truncated ones without ``*hh``, and lines with junk
    after ``*hh``); this reader quarantines those lines instead. pyais silently drops
    orphan fragments; this reader quarantines them, so none of them is in a pyais message.
    """
    data, batch = real_file
    lines = [line.strip() for line in data.split(b"\n") if line.strip()]
    pyais_messages = [m.raw.split(b"\n") for m in IterMessages(lines)]
    is_strict = [all(strict_sentence_ok(s) for s in m) for m in pyais_messages]
    assert message_count(batch.counts) == sum(is_strict)
    line_rejects = {
        strip_tag(r["raw"])
        for r in batch.quarantine.to_pylist()
        if r["reason"] not in MESSAGE_REASONS
    }
    loose = {
        s.decode()
        for m, ok in zip(pyais_messages, is_strict, strict=True)
        if not ok
        for s in m
        if not strict_sentence_ok(s)
    }
    assert loose <= line_rejects
    pyais_parts = {s.decode() for m in pyais_messages for s in m}
    orphans = {
        strip_tag(r["raw"])
        for r in batch.quarantine.to_pylist()
        if r["reason"] == "orphan_fragment"
    }
    assert not orphans & pyais_parts


# --- known facts -----------------------------------------------------------------------


def test_frio_identity_and_time_range(shared_data: Path) -> None:
    batch = read_all(raw_bytes(shared_data / "dma-aisabnormal/538004030_drift_1.ais"))
    frio = batch.statics.filter(pc.equal(batch.statics["mmsi"], 538004030)).to_pylist()
    assert {(r["name"], r["imo"]) for r in frio} == {("FRIO", 9596985)}
    times = ts_ms(batch.positions) + ts_ms(batch.statics)
    assert min(times) // 1000 * 1000 == ms(datetime(2014, 9, 28, 16, 0, 4, tzinfo=UTC))
    assert max(times) // 1000 * 1000 == ms(datetime(2014, 9, 28, 18, 29, 54, tzinfo=UTC))
    assert batch.counts["non_ais_line"] > 0 and batch.quarantine.num_rows == 0


def test_stream_example_time_range(shared_data: Path) -> None:
    batch = read_all(raw_bytes(shared_data / "dma-aislib/stream_example.txt"))
    times = ts_ms(batch.positions) + ts_ms(batch.statics)
    assert min(times) // 1000 * 1000 == ms(datetime(2010, 6, 11, 11, 46, 10, tzinfo=UTC))
    assert max(times) // 1000 * 1000 == ms(datetime(2010, 6, 11, 11, 46, 38, tzinfo=UTC))


# --- timestamp styles ------------------------------------------------------------------


def row_at(table: pa.Table, line_no: int) -> dict[str, Any]:
    rows = table.filter(pc.equal(table["line_no"], line_no)).to_pylist()
    assert len(rows) == 1, f"line {line_no}: {rows}"
    row: dict[str, Any] = rows[0]
    return row


def test_pghp_stamps_the_next_sentence_and_names_its_receiver() -> None:
    batch = read_all((SLICES / "dma-pghp.txt").read_bytes())
    first = row_at(batch.positions, 6)  # after $PGHP,1,2010,6,11,11,46,12,451,219,1,992190917,...
    assert first["ts"] == datetime(2010, 6, 11, 11, 46, 12, 451000, tzinfo=UTC)
    assert first["receiver"] == "992190917"
    passaat = row_at(batch.statics, 17)  # type 5 in lines 16-17 after a $PGHP without station
    assert passaat["name"] == "PASSAAT" and passaat["receiver"] is None
    assert passaat["ts"] == datetime(2010, 6, 11, 11, 46, 11, 929000, tzinfo=UTC)
    assert batch.counts["multipart_fragment"] == 1


def test_tag_block_c_seconds_with_checksum_00() -> None:
    batch = read_all((SLICES / "amsa-tag-c-checksum-00.nmea").read_bytes())
    assert batch.positions.num_rows == 20 and batch.quarantine.num_rows == 0
    assert ts_ms(batch.positions)[0] == 1420030798_000


def test_tag_block_c_milliseconds() -> None:
    line = "\\c:1420030798123*00\\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22\n"
    batch = read_all(line.encode())
    assert ts_ms(batch.positions) == [1420030798123]


def test_tag_block_source_and_group() -> None:
    batch = read_all((SLICES / "amsa-tag-group.nmea").read_bytes())
    static = row_at(batch.statics, 2)  # g:1-2-3985 then g:2-2-3985
    assert static["ts"] == datetime.fromtimestamp(1334337317, UTC)
    assert static["receiver"] == "rEV02"
    assert set(batch.positions["receiver"].to_pylist()) == {"rEV02"}


def test_tag_block_alone_on_a_line_is_not_ais(shared_data: Path) -> None:
    data = raw_bytes(shared_data / "dma-aisabnormal/219165000_ssc_1.ais")
    batch = read_all(data)
    assert data.count(b"\\si:") == 80
    assert batch.quarantine.num_rows == 0
    assert batch.counts["non_ais_line"] == 80 + data.count(b"$PGHP") + data.count(b"$PSTT")


def test_trailing_unix_seconds_and_libais_station() -> None:
    batch = read_all((SLICES / "libais-trailing.aivdm").read_bytes())
    first = row_at(batch.positions, 4)
    assert first["ts"] == datetime.fromtimestamp(1272412827, UTC)
    assert first["receiver"] == "b003669794"
    assert batch.counts["non_ais_line"] == 8  # 6 comments, 2 blank lines


def test_trailing_unix_milliseconds(shared_data: Path) -> None:
    batch = read_all(raw_bytes(shared_data / "amsa-risky/exact-earth-augmented.txt"))
    # line 5: !AIVDM,1,1,,A,K57?Dp...,0*51,1327992179427 - its own time, in milliseconds
    assert ts_ms(row_table(batch, 5)) == [1327992179427]


def row_table(batch: IngestBatch, line_no: int) -> pa.Table:
    """Line ``line_no``'s rows of positions and statics (``line_no``, ``ts``)."""
    tables = [batch.positions.select(["line_no", "ts"]), batch.statics.select(["line_no", "ts"])]
    both = pa.concat_tables(tables)
    return both.filter(pc.equal(both["line_no"], line_no))


def test_uscg_nais_first_epoch_and_receiver(shared_data: Path) -> None:
    batch = read_all(raw_bytes(shared_data / "aisdb/test_data_201201.nmea"))
    second = row_at(batch.positions, 2)  # ...,t050056.00,T56.48,r003669946,1325394060,1325394001
    assert second["ts"] == datetime.fromtimestamp(1325394060, UTC)
    assert second["receiver"] == "r003669946"


def test_rmc_stamps_neighbours_before_and_after() -> None:
    batch = read_all((SLICES / "gpsd-rmc.log").read_bytes())
    # lines 6-7: a type 5 before the file's first $GPRMC (line 8, 21:39:50): the first after it
    assert row_at(batch.statics, 7)["ts"] == datetime(2020, 4, 7, 21, 39, 50, tzinfo=UTC)
    later = [r for r in batch.positions.to_pylist() if r["line_no"] > 8]
    rmc_lines = [
        i + 1
        for i, line in enumerate((SLICES / "gpsd-rmc.log").read_text().splitlines())
        if "RMC" in line
    ]
    for row in later:
        last_rmc = max(n for n in rmc_lines if n < row["line_no"])
        assert row["ts"] == datetime(2020, 4, 7, 21, 39, 50 + rmc_lines.index(last_rmc), tzinfo=UTC)


def test_rmc_without_a_fix_is_not_a_stamp() -> None:
    void = with_checksum("$GPRMC,213950.00,V,,,,,,,070420,,,N")
    batch = read_all(f"{void}\n!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C\n".encode())
    assert batch.counts == Counter(non_ais_line=1, no_timestamp=1)


def test_zda_stamps_with_two_digit_year() -> None:
    lines = "$GPZDA,195719,16,04,14,-02,00*63\n!AIVDM,1,1,1,,13aI8e?P00PGpU:NR6s00?vT2000,0,0*1C\n"
    batch = read_all(lines.encode())
    assert batch.positions["ts"].to_pylist() == [datetime(2014, 4, 16, 19, 57, 19, tzinfo=UTC)]


def test_gofree_extra_field_is_accepted(shared_data: Path) -> None:
    batch = read_all(raw_bytes(shared_data / "signalk/gofree-merrimac.log"))
    assert batch.quarantine.num_rows == 0
    # pyais 3.3.1 (IterMessages) decodes 1,459 messages here, 1,322 of them position reports
    assert batch.positions.num_rows == 1322
    times = batch.positions["ts"]
    assert pc.min(times).as_py() == datetime(2014, 4, 16, 19, 57, 19, tzinfo=UTC)


def test_file_without_any_stamp(shared_data: Path) -> None:
    data = raw_bytes(shared_data / "pyais/nmea_data_sample.txt")
    batch = read_all(data)
    assert batch.positions.num_rows == 0
    # SOURCES.md (pyais 3.3.1): 778 decoded messages and 100 empty payloads
    assert batch.counts["no_timestamp"] == 778 and batch.counts["empty_payload"] == 100
    default = datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)
    stamped = read_all(data, default_ts=default)
    assert stamped.counts["no_timestamp"] == 0 and stamped.counts["empty_payload"] == 100
    assert set(stamped.positions["ts"].to_pylist()) == {default}


def test_first_stamp_beyond_lookahead_is_not_used() -> None:
    unstamped = "!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C\n" * 3
    stamped = "\\c:1420030798*00\\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22\n"
    data = (unstamped + stamped).encode()
    near = read_all(data, lookahead_bytes=len(data))
    assert set(ts_ms(near.positions)) == {1420030798000}
    far = read_all(data, lookahead_bytes=10)
    assert far.counts["no_timestamp"] == 3 and ts_ms(far.positions) == [1420030798000]


def test_eta_placed_in_the_report_year_or_the_next() -> None:
    # PASSAAT's type 5 (lines 16-17), ETA 04-20 09:45
    fragments = (SLICES / "dma-pghp.txt").read_text().splitlines()[15:17]

    def eta_at(report: datetime) -> datetime:
        stamp = tag(f"c:{int(report.timestamp())}")
        statics = read_all(f"{stamp}{fragments[0]}\n{fragments[1]}\n".encode()).statics
        eta: datetime = statics["eta"][0].as_py()
        return eta

    assert eta_at(datetime(2010, 6, 11, tzinfo=UTC)) == datetime(2010, 4, 20, 9, 45, tzinfo=UTC)
    assert eta_at(datetime(2010, 12, 1, tzinfo=UTC)) == datetime(2011, 4, 20, 9, 45, tzinfo=UTC)


# --- chunking --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in SLICES.glob("*") if p.suffix != ".md"))
@pytest.mark.parametrize("chunk_bytes", [1, 7, 100, 1000])
def test_tiny_chunks_give_identical_output(name: str, chunk_bytes: int) -> None:
    data = (SLICES / name).read_bytes()
    assert canonical(read_all(data, chunk_bytes=chunk_bytes)) == canonical(read_all(data))


@pytest.mark.parametrize(
    "name",
    [
        "dma-aislib/stream_example.txt",
        "dma-aisabnormal/ais-sample.txt.gz",  # 3 MB: the default chunk is read in pieces
        "amsa-risky/ais.txt.gz",
        "gpsd/sample.aivdm",
    ],
)
@pytest.mark.slow
def test_small_chunks_on_real_files(shared_data: Path, name: str) -> None:
    data = raw_bytes(shared_data / name)
    assert canonical(read_all(data, chunk_bytes=16_384)) == canonical(read_all(data))


def test_multipart_across_a_chunk_boundary() -> None:
    data = (SLICES / "dma-pghp.txt").read_bytes()
    second_fragment = data.index(b"!AIVDM,2,2,1,,j1C32CQp888,2*17")
    batches = list(read_nmea(io.BytesIO(data), "test", chunk_bytes=second_fragment, now=NOW))
    assert batches[0].lines == 16 and batches[0].statics.num_rows == 0
    assert "PASSAAT" in batches[1].statics["name"].to_pylist()
    assert canonical(read_all(data, chunk_bytes=second_fragment)) == canonical(read_all(data))


def test_crlf_line_ends() -> None:
    data = (SLICES / "dma-pghp.txt").read_bytes()
    assert canonical(read_all(data.replace(b"\n", b"\r\n"))) == canonical(read_all(data))


# --- bad input kept apart, good input kept --------------------------------------------

GOOD = (SLICES / "amsa-tag-c-checksum-00.nmea").read_text().splitlines()


def encoded(lat: float, lon: float) -> str:
    sentence = encode_dict({"type": 1, "mmsi": 211000001, "lat": lat, "lon": lon}, talker_id="AI")[
        0
    ]
    return tag("c:1420030798") + sentence


def flip(line: str, at: int) -> str:
    return line[:at] + ("A" if line[at] != "A" else "B") + line[at + 1 :]


def test_bad_lines_are_quarantined_and_their_neighbours_kept() -> None:
    fragment_2 = (SLICES / "dma-pghp.txt").read_text().splitlines()[16]
    year_1970 = tag("c:86400") + strip_tag(GOOD[6])
    lines = [
        GOOD[0],
        flip(GOOD[1], 30),  # 2: bad_checksum
        GOOD[2],
        GOOD[3][:40],  # 4: cut short
        GOOD[4],
        fragment_2,  # 6: orphan fragment 2 of 2
        GOOD[5],
        encoded(50.0, 200.0),  # 8: longitude 200
        encoded(100.0, 20.0),  # 9: latitude 100 (27 bits cannot hold 200)
        year_1970,  # 10
        GOOD[7],
        "!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C,extra,\xe9t\xe9",  # 12: non-ASCII
    ]
    batch = read_all("\n".join(lines).encode("latin-1"))
    assert quarantined(batch) == {
        2: "bad_checksum",
        4: "missing_checksum",
        6: "orphan_fragment",
        8: "impossible_position",
        9: "impossible_position",
        10: "impossible_time",
        12: "non_ascii",
    }
    assert kept_lines(batch) == {1, 3, 5, 7, 11}
    raw = {r["line_no"]: r["raw"] for r in batch.quarantine.to_pylist()}
    assert raw[2] == lines[1] and raw[6] == fragment_2 and raw[12].endswith(",?t?")
    assert sum(batch.counts.values()) == len(lines)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (with_checksum("!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,7"), "bad_fill_bits"),
        (with_checksum("!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L"), "bad_field_count"),
        (with_checksum("!AIVDM,3,4,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0"), "bad_fragment_number"),
        (with_checksum("!AIVDM,1,1,12,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0"), "bad_sequence_id"),
        (with_checksum("!AIVDM,1,1,,AB,13RlIW?04F1beOVEFLB9bRvH0L0L,0"), "bad_channel"),
        (with_checksum("!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0") + "xx", "trailing_garbage"),
        (
            "\\c:1420030798*11\\" + with_checksum("!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0"),
            "bad_tag_block",
        ),
        ("AIVDM,2,2,1,B,00000000000,2*26", "garbled_sentence"),
        (with_checksum("!AIVDM,1,1,,A,13RlIW?04F1be~VEFLB9bRvH0L0L,0"), "undecodable"),
        ("$PGHP,1,2010,6,11,11,46,12,451,219,1,992190917,1,58*15", "bad_stamp_checksum"),
        (with_checksum("$PGHP,1,2010,13,11,11,46,12,451,219,1,992190917,1,58"), "bad_stamp_time"),
    ],
)
def test_each_line_reason(line: str, reason: str) -> None:
    batch = read_all(f"{GOOD[0]}\n{line}\n{GOOD[1]}\n".encode(), default_ts=NOW)
    assert {k: v.split(":")[0] for k, v in quarantined(batch).items()} == {2: reason}
    assert kept_lines(batch) == {1, 3}


def test_fragments_are_keyed_by_tag_group() -> None:
    first, second = (SLICES / "amsa-tag-group.nmea").read_text().splitlines()[:2]
    other_group = tag("g:2-2-3986") + strip_tag(second)
    batch = read_all(f"{first}\n{other_group}\n".encode())
    assert quarantined(batch) == {1: "orphan_fragment", 2: "orphan_fragment"}


def test_position_not_available_is_quarantined() -> None:
    line = (
        tag("c:1420030798")
        + encode_dict({"type": 1, "mmsi": 211000001, "lat": 91, "lon": 181}, talker_id="AI")[0]
    )
    batch = read_all(line.encode())
    assert quarantined(batch) == {1: "position_unavailable"}


# --- errors ----------------------------------------------------------------------------


def test_text_stream_is_a_setori_error() -> None:
    with pytest.raises(SetoriError, match="expected bytes"):
        list(read_nmea(io.StringIO("!AIVDM"), "text"))  # type: ignore[arg-type]


class _Broken(io.RawIOBase):
    def readinto(self, buffer: Any) -> int:
        raise OSError("device gone")

    def readable(self) -> bool:
        return True


def test_read_failure_is_unreadable_input() -> None:
    with pytest.raises(UnreadableInputError, match="device gone"):
        list(read_nmea(io.BufferedReader(_Broken()), "broken"))


def test_empty_input_yields_nothing() -> None:
    assert list(read_nmea(io.BytesIO(b""), "empty")) == []
