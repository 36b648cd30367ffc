"""Oracle tests for :mod:`setori.ingest.nmea.ais_decode` against pyais.

Fixture strategy: every real NMEA file under the shared data folder (the
``shared_data`` fixture, see its SOURCES.md section 1), and the real slices in
``tests/data/nmea`` (which run in a plain clone), is read with pyais' own
stream reader, which also reassembles multipart messages. Each payload is decoded by pyais one at a
time and by setori all at once, and every field setori keeps must equal
pyais' value after the sentinel -> null mapping of the module docstring.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyais
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.stream import IterMessages

from setori.errors import SetoriError
from setori.ingest.nmea.ais_decode import (
    DECODED_POSITIONS,
    DECODED_STATICS,
    POSITION_TYPES,
    REJECTS,
    STATIC_TYPES,
    decode,
)

SHARED_DATA_NEED = "the pyais oracle compares every real NMEA file of SOURCES.md section 1"
NMEA_FILES = [
    "dma-aislib/stream_example.txt",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aisabnormal/219165000_ssc_1.ais",
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/ais-sample.txt.gz",
    "amsa-risky/ais.txt.gz",
    "amsa-risky/exact-earth-augmented.txt",
    "amsa-risky/exact-earth-with-tag-block.txt",
    "amsa-risky/nmea-timestamped.txt",
    "aisdb/test_data_201201.nmea",
    "aisdb/test_data_20211101.nm4",
    "pyais/nmea_data_sample.txt",
    "libais/test.aivdm",
    "gpsd/sample.aivdm",
    "gpsd/ais-nmea.log",
    "signalk/gofree-merrimac.log",
    "signalk/nais400-merrimac.log",
]
#: Real slices shipped with the tests (tests/data/nmea/README.md), compared in a plain clone.
SLICES = Path(__file__).resolve().parent / "data" / "nmea"
SLICE_FILES = sorted(f"tests/data/nmea/{p.name}" for p in SLICES.iterdir() if p.suffix != ".md")

#: Where SOURCES.md section 1 puts raw NMEA; every match must be in NMEA_FILES.
NMEA_GLOBS = [
    "dma-aislib/*.txt",
    "dma-aisabnormal/*",
    "amsa-risky/*",
    "aisdb/*.nmea",
    "aisdb/*.nm4",
    "pyais/*",
    "libais/*",
    "gpsd/*",
    "signalk/*",
]


@dataclass(frozen=True, slots=True)
class Corpus:
    """Payloads of one file, as pyais assembled them, and pyais' decode of each."""

    payloads: list[str]
    fill_bits: list[int]
    sentences: list[Any]  # pyais AISSentence (holds pyais' bit vector ``bv``)
    decoded: list[Any]  # pyais message, or the exception pyais raised


def read_corpus(path: Path) -> Corpus:
    corpus = Corpus([], [], [], [])
    for sentence in IterMessages(_lines(path)):
        corpus.payloads.append(sentence.payload.decode("ascii"))
        corpus.fill_bits.append(sentence.fill_bits)
        corpus.sentences.append(sentence)
        try:
            corpus.decoded.append(sentence.decode())
        except pyais.exceptions.AISBaseException as err:
            corpus.decoded.append(err)
    return corpus


def _lines(path: Path) -> Iterator[bytes]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        for line in f:
            yield line.rstrip(b"\r\n")


# --- pyais -> setori expectations (sentinel -> null, module docstring) -----------------


def _na(value: Any, sentinel: Any) -> Any:
    return None if value is None or value == sentinel else value


def _text(value: str | None) -> str | None:
    return value or None


def expected_position(msg: Any) -> dict[str, Any]:
    """The setori position row pyais' decode implies."""
    t = msg.msg_type
    long_range = t == 27
    return {
        "mmsi": msg.mmsi,
        "lat": _na(msg.lat, 91.0),
        "lon": _na(msg.lon, 181.0),
        "sog_kn": _na(msg.speed, 63.0 if long_range else 102.3),
        "cog_deg": _na(msg.course, 511.0 if long_range else 360.0),
        "heading_deg": None if long_range else _na(msg.heading, 511),
        "nav_status": None if t in (18, 19) else _na(int(msg.status), 15),
        "msg_type": t,
    }


#: pyais maps types 5 and 19's ship type through its ``ShipType`` enum, which folds
#: unassigned codes (39, 88, 144, 255, ...) into a "reserved" member or 0; setori keeps
#: the code, so the oracle reads those 8 bits with pyais' own bit vector instead.
SHIP_TYPE_BIT = {5: 232, 19: 263}


def expected_static(msg: Any, sentence: Any) -> dict[str, Any]:
    """The setori static row pyais' decode implies (absent fields -> null)."""
    row: dict[str, Any] = dict.fromkeys(DECODED_STATICS.names[1:])
    row |= {"mmsi": msg.mmsi, "msg_type": msg.msg_type}
    if msg.msg_type == 24:
        row["part"] = "AB"[msg.partno]
    if msg.msg_type == 5:
        row |= {
            "imo": _na(msg.imo, 0),
            "draught_m": _na(msg.draught, 0.0),
            "destination": _text(msg.destination),
            "eta_month": _na(msg.month, 0),
            "eta_day": _na(msg.day, 0),
            "eta_hour": _na(msg.hour, 24),
            "eta_minute": _na(msg.minute, 60),
        }
    for ours, theirs in (("name", "shipname"), ("call_sign", "callsign")):
        row[ours] = _text(getattr(msg, theirs, None))
    if msg.msg_type in SHIP_TYPE_BIT:
        row["ship_type"] = _na(sentence.bv.get(SHIP_TYPE_BIT[msg.msg_type], 8), 0)
    elif hasattr(msg, "ship_type"):
        row["ship_type"] = _na(msg.ship_type, 0)
    if hasattr(msg, "to_bow"):
        row |= _dimensions(msg.to_bow, msg.to_stern, msg.to_port, msg.to_starboard)
    return row


def _dimensions(bow: int, stern: int, port: int, stbd: int) -> dict[str, Any]:
    return {
        "to_bow_m": _na(bow, 0),
        "to_stern_m": _na(stern, 0),
        "to_port_m": _na(port, 0),
        "to_starboard_m": _na(stbd, 0),
        "length_m": bow + stern if bow and stern else None,
        "beam_m": port + stbd if port and stbd else None,
    }


TEXT_COLUMNS = ("name", "call_sign", "destination")


def same(column: str, ours: Any, theirs: Any) -> bool:
    """Equal, up to pyais rounding lat/lon to 1e-6 degrees and setori's float32 columns.

    Text: both strip leading and trailing spaces (checked in :func:`test_text_is_trimmed`).
    """
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if column in ("lat", "lon"):
        return math.isclose(ours, theirs, rel_tol=0.0, abs_tol=5.0001e-7)
    if column in ("sog_kn", "cog_deg", "draught_m", "length_m", "beam_m"):
        return bool(np.float32(theirs) == np.float32(ours))
    return bool(ours == theirs)


#: pyais decodes these too-short payloads field by field (missing fields -> None, a cut
#: field -> its available bits as a narrower number); setori rejects them because a
#: field it keeps is cut. (file, payload, reason setori gives)
SHORT_PAYLOADS = {
    ("amsa-risky/ais.txt.gz", "37P8OL2<01Ch", "type 3 payload has 72 bits, expected >= 137"),
    ("amsa-risky/ais.txt.gz", "17P=e23000bngMBVDM", "type 1 payload has 108 bits, expected >= 137"),
    (
        "amsa-risky/ais.txt.gz",
        "5EKsbc@J1D8humttJ2KCgSM>JSlkeS;K6Hni",
        "type 5 payload has 216 bits, expected >= 420",
    ),
    (
        "amsa-risky/exact-earth-augmented.txt",
        "5?LEIogosdT;neldJu@eE?r4aO8dMkt?",
        "type 5 payload has 192 bits, expected >= 420",
    ),
    (
        "amsa-risky/exact-earth-augmented.txt",
        "52JS4c0U5<K4R815;K40C?wnQ:Mo",
        "type 5 payload has 168 bits, expected >= 420",
    ),
    ("libais/test.aivdm", "KuTOOvuuubehD70", "type 27 payload has 90 bits, expected >= 94"),
    ("libais/test.aivdm", "KktDVAq=;h", "type 27 payload has 60 bits, expected >= 94"),
    ("libais/test.aivdm", "KpiGSwcw", "type 27 payload has 48 bits, expected >= 94"),
    ("libais/test.aivdm", "KnvH0r?fOA;7N0", "type 27 payload has 84 bits, expected >= 94"),
    ("libais/test.aivdm", "KuoS?urwCuL", "type 27 payload has 66 bits, expected >= 94"),
    ("libais/test.aivdm", "KnNE;>tkr=7lWh", "type 27 payload has 84 bits, expected >= 94"),
    ("libais/test.aivdm", "Kd?SQp``", "type 27 payload has 48 bits, expected >= 94"),
}


# --- oracle tests --------------------------------------------------------------------------


@dataclass(slots=True)
class Comparison:
    """setori's decode of one corpus, keyed by input index, next to pyais'."""

    corpus: Corpus
    positions: dict[int, dict[str, Any]]
    statics: dict[int, dict[str, Any]]
    rejects: dict[int, str]


def _nmea_path(name: str, request: pytest.FixtureRequest) -> Path:
    """A slice under tests/data as is; a shared file through the ``shared_data`` fixture."""
    if name.startswith("tests/data/"):
        return SLICES / Path(name).name
    shared_data: Path = request.getfixturevalue("shared_data")
    return shared_data / name


#: The slices run in the fast tier; the full files are ``slow`` (tens of thousands of
#: messages each, one pyais call per message).
@pytest.fixture(
    scope="module",
    params=[*SLICE_FILES, *(pytest.param(f, marks=pytest.mark.slow) for f in NMEA_FILES)],
)
def comparison(request: pytest.FixtureRequest) -> Comparison:
    path = _nmea_path(request.param, request)
    corpus = read_corpus(path)
    decoded = decode(pa.array(corpus.payloads), np.array(corpus.fill_bits))
    assert decoded.positions.schema == DECODED_POSITIONS
    assert decoded.statics.schema == DECODED_STATICS
    assert decoded.rejects.schema == REJECTS
    return Comparison(
        corpus,
        {row["idx"]: row for row in decoded.positions.to_pylist()},
        {row["idx"]: row for row in decoded.statics.to_pylist()},
        {row["idx"]: row["reason"] for row in decoded.rejects.to_pylist()},
    )


def _pyais_rows(c: Comparison, types: tuple[int, ...]) -> Iterator[tuple[int, Any]]:
    for i, msg in enumerate(c.corpus.decoded):
        if not isinstance(msg, Exception) and msg.msg_type in types:
            yield i, msg


def _mismatches(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [f"{k}: {ours[k]!r} != {v!r}" for k, v in theirs.items() if not same(k, ours[k], v)]


def test_positions_match_pyais(comparison: Comparison) -> None:
    c = comparison
    bad = {}
    for i, msg in _pyais_rows(c, POSITION_TYPES):
        if i in c.positions:
            diff = _mismatches(c.positions[i], expected_position(msg))
            if diff:
                bad[c.corpus.payloads[i]] = diff
    assert bad == {}


def test_statics_match_pyais(comparison: Comparison) -> None:
    c = comparison
    bad = {}
    for i, msg in _pyais_rows(c, STATIC_TYPES):
        if i in c.statics:
            diff = _mismatches(c.statics[i], expected_static(msg, c.corpus.sentences[i]))
            if diff:
                bad[c.corpus.payloads[i]] = diff
    assert bad == {}


def test_ship_type_agrees_with_pyais_enum(comparison: Comparison) -> None:
    c = comparison
    for i, msg in _pyais_rows(c, (5, 19)):
        if i in c.statics:
            ours = c.statics[i]["ship_type"] or 0
            assert pyais.constants.ShipType(ours) == msg.ship_type


def test_message_counts_match_pyais(comparison: Comparison, request: pytest.FixtureRequest) -> None:
    """Every pyais position/static message is a setori row, or a documented short payload."""
    c = comparison
    name = request.node.callspec.params["comparison"]
    short = {(p, r) for f, p, r in SHORT_PAYLOADS if f == name}
    rejected = {(c.corpus.payloads[i], r) for i, r in c.rejects.items() if r != "empty payload"}
    assert rejected == short
    for kind, types, rows in (
        ("position", POSITION_TYPES, c.positions),
        ("static", STATIC_TYPES, c.statics),
    ):
        pyais_idx = {i for i, _ in _pyais_rows(c, types)}
        assert set(rows) == pyais_idx - set(c.rejects), kind


def test_every_nmea_file_is_compared(shared_data: Path) -> None:
    found = {str(p.relative_to(shared_data)) for g in NMEA_GLOBS for p in shared_data.glob(g)}
    assert found == set(NMEA_FILES)


def test_text_is_trimmed(comparison: Comparison) -> None:
    for row in comparison.statics.values():
        for column in TEXT_COLUMNS:
            text = row[column]
            assert text is None or (text and text[-1] not in "@ " and text[0] != " ")


# --- hand-built cases --------------------------------------------------------------------


def _decode(*payloads: str, fill_bits: tuple[int, ...] | None = None) -> Any:
    fill = np.array(fill_bits if fill_bits is not None else [0] * len(payloads))
    return decode(pa.array(list(payloads), pa.string()), fill)


def test_reject_reasons_say_what_was_seen() -> None:
    d = _decode("", "1~~", "H42O55lti4hhhilD3nink000?0", "537w@F02BBaK")
    assert d.rejects.to_pylist() == [
        {"idx": 0, "reason": "empty payload"},
        {
            "idx": 1,
            "reason": "character '~' at offset 1 is outside the armour alphabet '0'-'W', '`'-'w'",
        },
        {"idx": 2, "reason": "type 24 payload has 156 bits, expected >= 162"},
        {"idx": 3, "reason": "type 5 payload has 72 bits, expected >= 420"},
    ]
    assert d.msg_type.tolist() == [0, 1, 24, 5]
    assert d.positions.num_rows == d.statics.num_rows == 0


def test_type_24_part_numbers_2_and_3_are_rejected() -> None:
    # Part A "H42O55i18tMET00000000000000" with the part number bits set to 2.
    d = _decode("H42O55q18tMET00000000000000", fill_bits=(2,))
    assert d.rejects.column("reason").to_pylist() == [
        "type 24 part number 2, expected 0 (A) or 1 (B)"
    ]


def test_auxiliary_craft_has_no_dimensions() -> None:
    # gpsd AIVDM "Type 24" example: MMSI 981234567, part B, mothership in the dimension bits.
    payload = pyais.encode.encode_dict(
        {"type": 24, "mmsi": 981234567, "partno": 1, "callsign": "AUX", "ship_type": 50,
         "mothership_mmsi": 123456789}
    )[0].split(",")[5]  # fmt: skip
    row = _decode(payload).statics.to_pylist()[0]
    assert row["call_sign"] == "AUX"
    assert row["ship_type"] == 50
    assert [row[k] for k in ("to_bow_m", "to_stern_m", "length_m", "beam_m")] == [None] * 4


def test_type_27_sentinels_are_null() -> None:
    payload = pyais.encode.encode_dict(
        {"type": 27, "mmsi": 123456789, "status": 15, "lon": 181, "lat": 91, "speed": 63,
         "course": 511}
    )[0].split(",")[5]  # fmt: skip
    row = _decode(payload).positions.to_pylist()[0]
    assert row == {"idx": 0, "mmsi": 123456789, "msg_type": 27} | dict.fromkeys(
        ["lat", "lon", "sog_kn", "cog_deg", "heading_deg", "nav_status"]
    )


def test_input_may_be_sliced_chunked_or_large() -> None:
    payloads = ["", "13HOI:0P0000VOHLCnHQKwvL05Ip", "B>qc:003wk?8mP=18D3Q3wgTiT;T"]
    whole = decode(pa.array(payloads), np.zeros(3, np.int64)).positions.column("mmsi")
    sliced = decode(pa.array(["x", *payloads])[1:], np.zeros(3, np.int64))
    chunked = decode(
        pa.chunked_array([payloads[:1], payloads[1:]], pa.large_string()), np.zeros(3, np.int8)
    )
    assert sliced.positions.column("mmsi") == whole
    assert chunked.positions.column("mmsi") == whole


def test_null_payload_is_rejected_as_empty() -> None:
    d = decode(pa.array([None, "13HOI:0P0000VOHLCnHQKwvL05Ip"], pa.string()), np.zeros(2, np.int8))
    assert d.rejects.to_pylist() == [{"idx": 0, "reason": "empty payload"}]
    assert d.positions.column("idx").to_pylist() == [1]


def test_bad_arguments_raise_setori_errors() -> None:
    with pytest.raises(SetoriError, match="fill_bits has shape"):
        decode(pa.array(["13HOI"]), np.zeros(2, np.int8))
    with pytest.raises(SetoriError, match="expected string"):
        decode(pa.array([1, 2]), np.zeros(2, np.int8))


# --- properties --------------------------------------------------------------------------

#: (first character = message type, characters at about the fewest bits accepted).
NEAR_MIN_CHARS = [
    ("1", 23),
    ("3", 28),
    ("5", 70),
    ("5", 71),
    ("B", 22),
    ("C", 51),
    ("H", 27),
    ("K", 16),
]
ARMOUR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
#: Mostly armour, a little of everything else, and real message types up front.
payload_text = st.one_of(
    st.text(alphabet=ARMOUR, max_size=80),
    st.builds(lambda t, rest: t + rest, st.sampled_from("12357BCHK"), st.text(ARMOUR, max_size=80)),
    st.sampled_from(NEAR_MIN_CHARS).flatmap(
        lambda tn: st.text(ARMOUR, min_size=tn[1] - 1, max_size=tn[1] + 1).map(tn[0].__add__)
    ),
    st.text(max_size=30),
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(payload_text, st.one_of(st.just(0), st.integers(-1, 7))), max_size=40))
def test_random_payloads_decode_consistently(rows: list[tuple[str, int]]) -> None:
    payloads = [p for p, _ in rows]
    try:
        d = decode(pa.array(payloads, pa.string()), np.array([f for _, f in rows], np.int64))
    except SetoriError:
        return
    pos = d.positions.column("idx").to_pylist()
    sta = d.statics.column("idx").to_pylist()
    rej = d.rejects.column("idx").to_pylist()
    for idx in (pos, sta, rej):
        assert idx == sorted(set(idx))
        assert all(0 <= i < len(rows) for i in idx)
    assert not set(rej) & (set(pos) | set(sta))
    assert set(pos) & set(sta) == {i for i in pos if d.msg_type[i] == 19}
    assert len(d.msg_type) == len(rows)
    assert all(d.msg_type[i] in POSITION_TYPES for i in pos)
    assert all(d.msg_type[i] in STATIC_TYPES for i in sta)
    assert d.positions.column("msg_type").to_pylist() == [int(d.msg_type[i]) for i in pos]
    assert set(rej) >= {i for i, p in enumerate(payloads) if not p}
    assert _rows_one_by_one(rows) == _rows(d)


def _rows(d: Any, offset: int = 0) -> list[list[dict[str, Any]]]:
    tables = (d.positions, d.statics, d.rejects)
    return [[r | {"idx": r["idx"] + offset} for r in t.to_pylist()] for t in tables]


def _rows_one_by_one(rows: list[tuple[str, int]]) -> list[list[dict[str, Any]]]:
    """What decoding each payload on its own gives: a batch must not leak between rows."""
    out: list[list[dict[str, Any]]] = [[], [], []]
    for i, (payload, fill) in enumerate(rows):
        single = decode(pa.array([payload], pa.string()), np.array([fill]))
        for table, part in zip(out, _rows(single, i), strict=True):
            table.extend(part)
    return out


def test_empty_input() -> None:
    d = decode(pa.array([], pa.string()), np.zeros(0, np.int8))
    assert (d.positions.num_rows, d.statics.num_rows, d.rejects.num_rows) == (0, 0, 0)
    assert d.positions.schema == DECODED_POSITIONS
    assert d.statics.schema == DECODED_STATICS
    assert len(d.msg_type) == 0


def test_type_5_of_420_bits_reads_missing_bits_as_zero() -> None:
    """gpsd accepts type 5 from 420 bits; the missing bits read as zero.

    pyais reads the cut last character's 4 bits as a 4-bit number instead, and gets
    "NEW YORK           H" for this payload. A 424-bit message whose last bits are
    ones comes first, so that nothing of it may leak into the short one.
    """
    full = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"
    d = _decode(full[:70] + "w", full[:70], full, fill_bits=(2, 0, 2))
    rows = d.statics.to_pylist()
    assert [r["destination"] for r in rows] == ["NEW YORK           #", "NEW YORK", "NEW YORK"]
    assert rows[1] | {"idx": 2} == rows[2]
