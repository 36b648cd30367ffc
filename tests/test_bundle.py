"""Verifiable bundles on a real case: the drifting tanker STOC MARCIA (MMSI 212123000, DMA
2014-10-02/03) ingested and detected, its event and vessel frozen, a real list entry (YU
JONG 2 from the FtM sample) as a hit, a note and a file. Every kind of tampering is caught
and named; redaction verifies against the same signed root."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import setori
from setori.canonical import canonical_bytes
from setori.cases.bundle.bag import ENVELOPE, read_zip, seal, write_zip
from setori.cases.bundle.export import add_signature, export_bundle
from setori.cases.bundle.members import evidence_path
from setori.cases.bundle.signing import envelope_payload
from setori.cases.bundle.verify import verify_bundle
from setori.cases.keys import Ed25519PrivateKey
from setori.cases.model import GENESIS_HASH, Case, EvidenceItem, LogRecord, record_hash_of
from setori.errors import InputError
from setori.settings import Settings
from tests.conftest import TESTS_DATA

DRIFT = TESTS_DATA / "tracks" / "dma-212123000-drift-positions.ais"
LIST_SAMPLE = TESTS_DATA / "lists" / "ftm_sample.jsonl"
SETTINGS = Settings()
AT = "2026-03-01T09:00:00.000Z"
EXPORTED_AT = "2026-03-02T10:00:00.000Z"
AUTHOR = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"author").digest())
REVIEWER = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"reviewer").digest())
STRANGER = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"stranger").digest())


def _item(
    kind: str, name: str, content: bytes, media_type: str = "application/json"
) -> EvidenceItem:
    digest = hashlib.sha256(content).hexdigest()
    return EvidenceItem(digest[:16], kind, name, media_type, digest, content, AT, "kim", {})  # type: ignore[arg-type]


def _log(items: list[EvidenceItem]) -> tuple[LogRecord, ...]:
    actions = [("created", {"title": "STOC MARCIA adrift east of Bornholm"})]
    for item in items:
        payload = {"evidence_id": item.evidence_id, "sha256": item.sha256, "kind": item.kind}
        actions.append(("note_added" if item.kind == "note" else "evidence_added", payload))
    actions.append(("status_changed", {"from": "open", "to": "review"}))
    records: list[LogRecord] = []
    prev = GENESIS_HASH
    for seq, (action, payload) in enumerate(actions, start=1):
        digest = record_hash_of(seq, AT, "kim", action, payload, prev)
        records.append(LogRecord(seq, AT, "kim", action, payload, prev, digest))
        prev = digest
    return tuple(records)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    from setori.casework.snapshots import event_snapshot, vessel_snapshot

    db = tmp_path_factory.mktemp("bundle") / "drift.duckdb"
    setori.ingest([DRIFT], db=db, settings=SETTINGS)
    setori.detect(db=db, settings=SETTINGS)
    (event,) = setori.events(db=db, settings=SETTINGS).to_pylist()
    with setori.open_store(db=db, settings=SETTINGS) as con:
        snapshot = event_snapshot(con, str(event["id"]))
        vessel = vessel_snapshot(con, "212123000")
    entity = json.loads(LIST_SAMPLE.read_text().splitlines()[1])  # YU JONG 2, a real listing
    hit = {
        "schema": "setori.hit/1",
        "hit_id": "5be0d4a1c2f3e4d5",
        "query": {"name": "YU JONG 2", "mmsi": "212123000"},
        "list_id": "ftm_sample",
        "list_version": "2026-02-27",
        "matcher_version": "match/1",
        "score": 0.91,
        "band": "strong",
        "entity": entity,
    }
    items = [
        _item("event", f"event-{event['id']}.json", canonical_bytes(snapshot)),
        _item("vessel", "vessel-212123000.json", canonical_bytes(vessel)),
        _item("hit", "hit-5be0d4a1c2f3e4d5.json", canonical_bytes(hit)),
        _item(
            "note",
            "note.json",
            canonical_bytes({"schema": "setori.note/1", "text": "adrift 12 h; 김정은 / 北朝鮮"}),
        ),
        _item("file", "dma-212123000-drift-positions.ais", DRIFT.read_bytes(), "text/plain"),
    ]
    return Case(
        "C-7KX2M9QD",
        "STOC MARCIA adrift east of Bornholm",
        "review",
        AT,
        "kim",
        tuple(items),
        _log(items),
    )


@pytest.fixture(scope="module")
def bundle(case: Case) -> bytes:
    return export_bundle(case, key=AUTHOR, exported_at=EXPORTED_AT)


def _problems(data: bytes, **kwargs: object) -> tuple[str, ...]:
    report = verify_bundle(data, **kwargs)  # type: ignore[arg-type]
    assert not report.ok
    return report.problems


def _changed(bundle: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    members = read_zip(bundle)
    change(members)
    return write_zip(members)


def _resealed(bundle: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The bundle rebuilt after ``change`` to its payload, manifests and signature redone
    with the author's key: what a careless or dishonest exporter could produce."""
    members = read_zip(bundle)
    data = {k.removeprefix("bag/"): v for k, v in members.items() if k.startswith("bag/data/")}
    change(data)
    info = dict(line.split(": ", 1) for line in members["bag/bag-info.txt"].decode().splitlines())
    info.pop("Payload-Oxum", None)
    stmt = json.loads(envelope_payload(json.loads(members[ENVELOPE])))
    return seal(data, bag_info=info, predicate=stmt["predicate"], key=AUTHOR)


# --- a sound bundle ------------------------------------------------------------------------


def test_a_sound_bundle_verifies_and_says_who_signed(case: Case, bundle: bytes) -> None:
    report = verify_bundle(bundle, keys=[AUTHOR.public_key()])
    assert report.problems == ()
    assert report.case_id == case.case_id
    assert report.tree_size == len(case.log) == report.records
    assert report.evidence == len(case.evidence)
    from setori.cases.keys import fingerprint

    assert report.signers == report.checkpoint_signers == (fingerprint(AUTHOR.public_key()),)


def test_the_same_case_and_time_give_the_same_bytes(case: Case, bundle: bytes) -> None:
    assert export_bundle(case, key=AUTHOR, exported_at=EXPORTED_AT) == bundle


def test_layout_holds_every_member_the_issue_asks_for(case: Case, bundle: bytes) -> None:
    names = set(read_zip(bundle))
    event_id = json.loads(case.evidence[0].content)["event"]["id"]
    for name in [
        ENVELOPE,
        "bag/bagit.txt",
        "bag/bag-info.txt",
        "bag/manifest-sha256.txt",
        "bag/tagmanifest-sha256.txt",
        "bag/data/case.json",
        "bag/data/case-log.jsonl",
        "bag/data/checkpoint.json",
        "bag/data/withheld.json",
        "bag/data/ftm.jsonl",
        f"bag/data/positions/{event_id}.parquet",
        f"bag/data/detectors/{event_id}.json",
        "bag/data/lists/5be0d4a1c2f3e4d5.json",
        *(f"bag/data/proofs/{r.seq:06d}.json" for r in case.log),
        *("bag/" + evidence_path(item) for item in case.evidence),
    ]:
        assert name in names, name
    members = read_zip(bundle)
    for item in case.evidence:
        assert members["bag/" + evidence_path(item)] == item.content  # exact bytes
    log_lines = members["bag/data/case-log.jsonl"].splitlines(keepends=True)
    assert log_lines == [r.leaf_bytes() + b"\n" for r in case.log]


def test_the_statement_is_in_toto_v1_over_the_tag_manifest(bundle: bytes) -> None:
    members = read_zip(bundle)
    env = json.loads(members[ENVELOPE])
    assert env["payloadType"] == "application/vnd.in-toto+json"
    stmt = json.loads(envelope_payload(env))
    assert stmt["_type"] == "https://in-toto.io/Statement/v1"
    digest = hashlib.sha256(members["bag/tagmanifest-sha256.txt"]).hexdigest()
    assert stmt["subject"] == [{"name": "bag/tagmanifest-sha256.txt", "digest": {"sha256": digest}}]
    assert stmt["predicate"]["counts"]["events"] == 1
    assert stmt["predicate"]["case_id"] == "C-7KX2M9QD"


def test_positions_are_geoparquet_points_of_the_snapshot(case: Case, bundle: bytes) -> None:
    import shapely

    snapshot = json.loads(case.evidence[0].content)
    members = read_zip(bundle)
    member = members[f"bag/data/positions/{snapshot['event']['id']}.parquet"]
    table = pq.read_table(pa.BufferReader(member), use_threads=False)  # see verify_derived
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    assert table.num_rows == len(snapshot["positions"]) > 100
    points = shapely.from_wkb(table["geometry"].to_pylist())
    assert [(p.x, p.y) for p in points] == [(p["lon"], p["lat"]) for p in snapshot["positions"]]
    assert set(table["mmsi"].to_pylist()) == {"212123000"}


def test_detector_and_list_entry_members(case: Case, bundle: bytes) -> None:
    snapshot = json.loads(case.evidence[0].content)
    members = read_zip(bundle)
    detector = json.loads(members[f"bag/data/detectors/{snapshot['event']['id']}.json"])
    assert detector["detector"] == snapshot["detector"]
    assert detector["detector"]["name"] and detector["detector"]["parameters"]
    entry = json.loads(members["bag/data/lists/5be0d4a1c2f3e4d5.json"])
    assert entry["list_id"] == "ftm_sample" and entry["list_version"] == "2026-02-27"
    assert entry["entity"]["id"] == "kp-vsl-yu-jong-2"


def test_ftm_entities_are_valid_and_link_the_case(bundle: bytes) -> None:
    from followthemoney import model

    lines = read_zip(bundle)["bag/data/ftm.jsonl"].splitlines()
    entities = [model.get_proxy(json.loads(line), cleaned=False) for line in lines]
    by_schema: dict[str, list[Any]] = {}
    for e in entities:
        by_schema.setdefault(e.schema.name, []).append(e)
    assert set(by_schema) >= {"Vessel", "Event", "Sanction", "UnknownLink"}
    vessels = {e.id: e for e in by_schema["Vessel"]}
    assert any("212123000" in v.get("mmsi") for v in vessels.values())
    event = by_schema["Event"][0]
    assert event.get("involved") and set(event.get("involved")) <= set(vessels)
    (sanction,) = by_schema["Sanction"]
    assert sanction.get("entity") == ["kp-vsl-yu-jong-2"]


def test_the_standard_bagit_tool_validates_the_bag(bundle: bytes, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        archive.extractall(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(tmp_path / "bag")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr
    assert (
        (tmp_path / "bag" / "bagit.txt").read_text().startswith("BagIt-Version: 1.0\n")
    )  # RFC 8493


# --- tampering: every kind of member ------------------------------------------------------

KINDS = [
    "bundle.dsse.json",
    "bag/bagit.txt",
    "bag/bag-info.txt",
    "bag/manifest-sha256.txt",
    "bag/tagmanifest-sha256.txt",
    "bag/data/case.json",
    "bag/data/case-log.jsonl",
    "bag/data/checkpoint.json",
    "bag/data/withheld.json",
    "bag/data/ftm.jsonl",
    "bag/data/proofs/000003.json",
    "bag/data/lists/5be0d4a1c2f3e4d5.json",
    "positions",
    "detectors",
    "evidence",
]


def _member(bundle: bytes, kind: str) -> str:
    if kind in ("positions", "detectors", "evidence"):
        return next(n for n in sorted(read_zip(bundle)) if n.startswith(f"bag/data/{kind}/"))
    return kind


def _flip(content: bytes, at: int) -> bytes:
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]


@pytest.mark.parametrize("kind", KINDS)
def test_one_byte_altered_in_any_member_is_named(bundle: bytes, kind: str) -> None:
    name = _member(bundle, kind)

    def alter(members: dict[str, bytes]) -> None:
        content = members[name]
        members[name] = _flip(content, len(content) // 2)

    problems = _problems(_changed(bundle, alter))
    assert any(p.startswith(name) for p in problems), problems


@pytest.mark.parametrize("kind", KINDS)
def test_a_dropped_member_is_named(bundle: bytes, kind: str) -> None:
    name = _member(bundle, kind)

    def drop(members: dict[str, bytes]) -> None:
        members.pop(name)

    problems = _problems(_changed(bundle, drop))
    assert any(p.startswith(f"{name}: missing") for p in problems), problems


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bag/data/evidence/extra.jpg", "added (not listed in manifest-sha256.txt)"),
        ("bag/notes.txt", "added (not listed in tagmanifest-sha256.txt)"),
        ("README.txt", "unexpected member"),
        ("../escape.txt", "unsafe member name"),
    ],
)
def test_an_added_member_is_named(bundle: bytes, name: str, expected: str) -> None:
    def add(members: dict[str, bytes]) -> None:
        members[name] = b"planted"

    problems = _problems(_changed(bundle, add))
    assert any(p.startswith(name) and expected in p for p in problems), problems


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_byte_altered_anywhere_fails_and_names_its_member(
    bundle: bytes, data: st.DataObject
) -> None:
    members = read_zip(bundle)
    name = data.draw(st.sampled_from(sorted(members)))
    at = data.draw(st.integers(0, len(members[name]) - 1))
    bit = data.draw(st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128]))
    content = members[name]
    members[name] = content[:at] + bytes([content[at] ^ bit]) + content[at + 1 :]
    problems = _problems(write_zip(members))
    assert any(p.startswith(name) for p in problems), (name, at, problems)


def test_a_signature_altered_in_the_envelope_is_named(bundle: bytes) -> None:
    def alter(members: dict[str, bytes]) -> None:
        env = json.loads(members[ENVELOPE])
        sig = bytearray(base64.b64decode(env["signatures"][0]["sig"]))
        sig[10] ^= 1
        env["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
        members[ENVELOPE] = json.dumps(env).encode()

    problems = _problems(_changed(bundle, alter))
    assert any(
        p.startswith("bundle.dsse.json: signature 1 (") and "does not verify" in p for p in problems
    )


def test_not_a_zip_is_said_so() -> None:
    assert _problems(b"PK\x03\x04 not really")[0].startswith("not a zip file")


# --- tampering by someone holding the key: the content checks -----------------------------


def test_a_reordered_log_is_caught_even_when_resealed(bundle: bytes) -> None:
    def reorder(data: dict[str, bytes]) -> None:
        lines = data["data/case-log.jsonl"].splitlines(keepends=True)
        lines[1], lines[2] = lines[2], lines[1]
        data["data/case-log.jsonl"] = b"".join(lines)

    problems = _problems(_resealed(bundle, reorder))
    assert any("line 3: seq 2 after seq 3: the log is reordered" in p for p in problems), problems


def test_a_reordered_log_without_resealing_names_the_member(bundle: bytes) -> None:
    def reorder(members: dict[str, bytes]) -> None:
        lines = members["bag/data/case-log.jsonl"].splitlines(keepends=True)
        members["bag/data/case-log.jsonl"] = b"".join([lines[0], lines[2], lines[1], *lines[3:]])

    problems = _problems(_changed(bundle, reorder))
    assert any(p.startswith("bag/data/case-log.jsonl: altered") for p in problems), problems


def test_an_edited_log_record_is_caught_even_when_resealed(bundle: bytes) -> None:
    def edit(data: dict[str, bytes]) -> None:
        lines = data["data/case-log.jsonl"].splitlines(keepends=True)
        record = json.loads(lines[-1])
        record["payload"]["to"] = "closed"
        lines[-1] = canonical_bytes(record) + b"\n"
        data["data/case-log.jsonl"] = b"".join(lines)

    problems = _problems(_resealed(bundle, edit))
    last = len(read_zip(bundle)["bag/data/case-log.jsonl"].splitlines())
    assert any(p.startswith(f"log record seq {last}: altered") for p in problems), problems
    assert any(f"log record seq {last}: its inclusion proof" in p for p in problems), problems


def test_a_checkpoint_for_another_root_is_caught(case: Case, bundle: bytes) -> None:
    other = Case(
        case.case_id,
        case.title,
        case.status,
        case.created_at,
        case.created_by,
        case.evidence,
        case.log[:-1],
    )
    other_checkpoint = read_zip(export_bundle(other, key=AUTHOR, exported_at=EXPORTED_AT))[
        "bag/data/checkpoint.json"
    ]

    def swap(data: dict[str, bytes]) -> None:
        data["data/checkpoint.json"] = other_checkpoint

    problems = _problems(_resealed(bundle, swap))
    assert any("bag/data/checkpoint.json: root" in p for p in problems), problems
    assert any(f"log record seq {len(case.log)}: beyond the signed tree" in p for p in problems)


# --- redaction ----------------------------------------------------------------------------


def test_a_redacted_bundle_verifies_against_the_same_signed_root(case: Case, bundle: bytes) -> None:
    note, file = case.evidence[3], case.evidence[4]
    redacted = export_bundle(
        case, key=AUTHOR, exported_at=EXPORTED_AT, redact=[note.evidence_id, file.evidence_id]
    )
    report = verify_bundle(redacted, keys=[AUTHOR.public_key()])
    assert report.problems == ()
    assert (report.withheld_evidence, report.withheld_records) == (2, 2)
    assert report.records == len(case.log) - 2
    assert report.root_hash == verify_bundle(bundle).root_hash  # one signed root for both
    members = read_zip(redacted)
    assert "bag/" + evidence_path(file) not in members
    assert "김정은".encode() not in b"".join(members.values())  # the note's text is not shipped
    withheld = json.loads(members["bag/data/withheld.json"])
    assert {e["sha256"] for e in withheld["evidence"]} == {note.sha256, file.sha256}
    seqs = {r["seq"] for r in withheld["log_records"]}
    assert seqs.isdisjoint(
        json.loads(line)["seq"] for line in members["bag/data/case-log.jsonl"].splitlines()
    )


def test_redacting_an_unknown_item_is_refused(case: Case) -> None:
    with pytest.raises(InputError, match="no such evidence"):
        export_bundle(case, key=AUTHOR, exported_at=EXPORTED_AT, redact=["0000000000000000"])


def test_a_record_dropped_but_not_listed_as_withheld_is_caught(case: Case) -> None:
    redacted = export_bundle(
        case, key=AUTHOR, exported_at=EXPORTED_AT, redact=[case.evidence[3].evidence_id]
    )

    def unlist(data: dict[str, bytes]) -> None:
        withheld = json.loads(data["data/withheld.json"])
        withheld["log_records"] = []
        data["data/withheld.json"] = json.dumps(withheld).encode()

    problems = _problems(_resealed(redacted, unlist))
    assert any(p.endswith("missing, and not listed as withheld") for p in problems), problems


def test_a_forged_withheld_hash_fails_its_proof(case: Case) -> None:
    redacted = export_bundle(
        case, key=AUTHOR, exported_at=EXPORTED_AT, redact=[case.evidence[3].evidence_id]
    )

    def forge(data: dict[str, bytes]) -> None:
        withheld = json.loads(data["data/withheld.json"])
        withheld["log_records"][0]["leaf_hash"] = "ab" * 32
        data["data/withheld.json"] = json.dumps(withheld).encode()

    seq = json.loads(read_zip(redacted)["bag/data/withheld.json"])["log_records"][0]["seq"]
    problems = _problems(_resealed(redacted, forge))
    assert any(p.startswith(f"log record seq {seq}: its inclusion proof") for p in problems), (
        problems
    )


def test_evidence_removed_without_withholding_its_record_is_caught(
    case: Case, bundle: bytes
) -> None:
    note = case.evidence[3]

    def remove(data: dict[str, bytes]) -> None:
        data.pop(evidence_path(note))
        index = json.loads(data["data/case.json"])
        index["evidence"] = [e for e in index["evidence"] if e["evidence_id"] != note.evidence_id]
        data["data/case.json"] = json.dumps(index).encode()

    problems = _problems(_resealed(bundle, remove))
    assert any(
        f"names evidence {note.evidence_id}, which the bundle neither holds" in p for p in problems
    ), problems


# --- signatures ---------------------------------------------------------------------------


def test_signed_by_another_key_is_caught(case: Case) -> None:
    from setori.cases.keys import fingerprint

    other = export_bundle(case, key=STRANGER, exported_at=EXPORTED_AT)
    problems = _problems(other, keys=[AUTHOR.public_key()])
    author, stranger = fingerprint(AUTHOR.public_key()), fingerprint(STRANGER.public_key())
    expected = f"bundle.dsse.json: not signed by the key given, {author} (signed by: {stranger})"
    assert expected in problems
    assert any(
        p.startswith("bag/data/checkpoint.json: not signed by any key given") for p in problems
    )


def test_a_reviewer_signature_is_added_and_both_verify(bundle: bytes) -> None:
    from setori.cases.keys import fingerprint

    signed = add_signature(bundle, REVIEWER)
    report = verify_bundle(signed, keys=[AUTHOR.public_key(), REVIEWER.public_key()])
    assert report.problems == ()
    assert report.signers == (fingerprint(AUTHOR.public_key()), fingerprint(REVIEWER.public_key()))
    assert (
        read_zip(signed)["bag/tagmanifest-sha256.txt"]
        == read_zip(bundle)["bag/tagmanifest-sha256.txt"]
    )
    with pytest.raises(InputError, match="already carries a signature"):
        add_signature(signed, REVIEWER)


def test_a_signature_moved_under_another_keyid_is_caught(bundle: bytes) -> None:
    from setori.cases.bundle.signing import pae, sign

    def swap(members: dict[str, bytes]) -> None:
        env = json.loads(members[ENVELOPE])
        forged = sign(STRANGER, pae(env["payloadType"], envelope_payload(env)))
        env["signatures"][0]["sig"] = forged["sig"]  # keyid and public key still the author's
        members[ENVELOPE] = json.dumps(env).encode()

    problems = _problems(_changed(bundle, swap))
    assert any(
        p.startswith("bundle.dsse.json: signature 1 (") and "does not verify" in p for p in problems
    )


# --- history across exports ---------------------------------------------------------------


def _appended(case: Case, action: str, payload: dict[str, Any]) -> Case:
    last = case.log[-1]
    digest = record_hash_of(last.seq + 1, AT, "kim", action, payload, last.record_hash)
    record = LogRecord(last.seq + 1, AT, "kim", action, payload, last.record_hash, digest)
    return Case(
        case.case_id,
        case.title,
        case.status,
        case.created_at,
        case.created_by,
        case.evidence,
        (*case.log, record),
    )


def _rewritten(case: Case, seq: int, payload: dict[str, Any]) -> Case:
    """The case with record ``seq``'s payload changed and the chain after it recomputed:
    history rewritten by someone holding the workspace and the key."""
    records: list[LogRecord] = []
    prev = GENESIS_HASH
    for r in case.log:
        body = payload if r.seq == seq else dict(r.payload)
        digest = record_hash_of(r.seq, r.at, r.analyst, r.action, body, prev)
        records.append(LogRecord(r.seq, r.at, r.analyst, r.action, body, prev, digest))
        prev = digest
    return Case(
        case.case_id,
        case.title,
        case.status,
        case.created_at,
        case.created_by,
        case.evidence,
        tuple(records),
    )


def test_a_later_bundle_extends_an_earlier_one(case: Case, bundle: bytes) -> None:
    first = verify_bundle(bundle)
    later = _appended(
        case, "bundle_exported", {"tree_size": first.tree_size, "root_hash": first.root_hash}
    )
    later = _appended(later, "status_changed", {"from": "review", "to": "closed"})
    second = export_bundle(later, key=AUTHOR, exported_at=EXPORTED_AT)
    assert verify_bundle(second, previous=bundle).problems == ()


def test_history_rewritten_after_an_export_is_caught(case: Case, bundle: bytes) -> None:
    first = verify_bundle(bundle)
    later = _appended(
        case, "bundle_exported", {"tree_size": first.tree_size, "root_hash": first.root_hash}
    )
    rewritten = _rewritten(later, 1, {"title": "another title"})
    second = export_bundle(rewritten, key=AUTHOR, exported_at=EXPORTED_AT)
    problems = _problems(second)
    export_seq = len(later.log)
    assert any(
        p.startswith(
            f"log record seq {export_seq}: an earlier export signed root {first.root_hash}"
        )
        for p in problems
    ), problems
    against = _problems(second, previous=bundle)
    assert any(p.startswith("the previous bundle: signed root") for p in against), against


def test_a_bundle_of_another_case_is_not_a_previous_one(case: Case, bundle: bytes) -> None:
    other = Case(
        "C-OTHER0001",
        case.title,
        case.status,
        case.created_at,
        case.created_by,
        case.evidence,
        case.log,
    )
    problems = _problems(export_bundle(other, key=AUTHOR, exported_at=EXPORTED_AT), previous=bundle)
    assert "the previous bundle: is of case C-7KX2M9QD, not C-OTHER0001" in problems


GARBAGE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["seq", "evidence", "log_records", "tree_size"]), inner)
    ),
    max_leaves=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.integers(0, 1000), garbage=GARBAGE)
def test_malformed_content_signed_by_the_key_holder_is_reported_never_raised(
    bundle: bytes, which: int, garbage: object
) -> None:
    names = sorted(n for n in read_zip(bundle) if n.startswith("bag/data/") and n.endswith(".json"))
    name = names[which % len(names)]

    def spoil(payload: dict[str, bytes]) -> None:
        payload[name.removeprefix("bag/")] = json.dumps(garbage).encode()

    report = verify_bundle(_resealed(bundle, spoil))  # never raises
    assert not report.ok or name == "bag/data/withheld.json", (name, garbage)


def test_derived_members_must_say_what_their_evidence_says(case: Case, bundle: bytes) -> None:
    from setori.cases.bundle.geoparquet import positions_geoparquet

    snapshot = json.loads(case.evidence[0].content)
    event_id = snapshot["event"]["id"]

    def other_parameters(data: dict[str, bytes]) -> None:
        detector = json.loads(data[f"data/detectors/{event_id}.json"])
        detector["detector"]["parameters"]["min_duration_h"] = 99.0
        data[f"data/detectors/{event_id}.json"] = json.dumps(detector).encode()

    def fewer_positions(data: dict[str, bytes]) -> None:
        data[f"data/positions/{event_id}.parquet"] = positions_geoparquet(snapshot["positions"][1:])

    def planted_entry(data: dict[str, bytes]) -> None:
        data["data/lists/0000000000000000.json"] = b'{"list_id": "made-up"}'

    evidence = case.evidence[0].evidence_id
    for change, expected in [
        (
            other_parameters,
            f"bag/data/detectors/{event_id}.json: differs from what evidence {evidence} holds",
        ),
        (
            fewer_positions,
            f"bag/data/positions/{event_id}.parquet: differs from what evidence {evidence} holds",
        ),
        (
            planted_entry,
            "bag/data/lists/0000000000000000.json: derived from no evidence item the bundle holds",
        ),
    ]:
        assert expected in _problems(_resealed(bundle, change))


def test_an_emptied_proof_is_caught(bundle: bytes) -> None:
    def empty(data: dict[str, bytes]) -> None:
        data["data/proofs/000001.json"] = b"{}"

    problems = _problems(_resealed(bundle, empty))
    assert any(
        p.startswith("bag/data/proofs/000001.json: not an inclusion proof") for p in problems
    )
