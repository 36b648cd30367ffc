"""Checking a bundle's outer layers: the zip, the DSSE envelope and its Statement, and the
BagIt bag's manifests. Each problem names the member (and signature) that is wrong."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from setori.cases.bundle.bag import BAG, ENVELOPE, PREDICATE_TYPE, STATEMENT_TYPE, TAGMANIFEST
from setori.cases.bundle.signing import PAYLOAD_TYPE, check_signature, envelope_payload, pae
from setori.cases.keys import Ed25519PublicKey, fingerprint
from setori.errors import InputError

__all__ = ["check_bag", "check_envelope", "check_layout", "signers_check"]

MANIFEST = "manifest-sha256.txt"
TAG_FILES = ("bagit.txt", "bag-info.txt", MANIFEST)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_layout(members: Mapping[str, bytes]) -> list[str]:
    """Members outside the layout: unsafe names, anything but ``bag/`` and the envelope."""
    problems = []
    for name in sorted(members):
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            problems.append(f"{name}: unsafe member name")
        elif name != ENVELOPE and not name.startswith(BAG):
            problems.append(f"{name}: unexpected member (not part of the bundle layout)")
    for needed in (ENVELOPE, BAG + "bagit.txt", BAG + TAGMANIFEST, BAG + MANIFEST):
        if needed not in members:
            problems.append(f"{needed}: missing")
    return problems


def check_envelope(
    members: Mapping[str, bytes],
) -> tuple[dict[str, Any] | None, list[tuple[int, str | None, str | None]], list[str]]:
    """The signed Statement (or None), each signature as (number, fingerprint, problem),
    and the envelope's problems (subject digest included)."""
    raw = members.get(ENVELOPE)
    if raw is None:
        return None, [], []
    try:
        env = json.loads(raw)
        payload = envelope_payload(env)
        stmt = json.loads(payload)
    except (ValueError, InputError) as exc:
        return None, [], [f"{ENVELOPE}: not a DSSE envelope of an in-toto Statement ({exc})"]
    message = pae(PAYLOAD_TYPE, payload)
    signatures = env.get("signatures") or []
    checks = []
    for number, entry in enumerate(signatures, start=1):
        check = check_signature(entry, message)
        checks.append((number, check.fingerprint, check.problem))
    problems = [
        f"{ENVELOPE}: signature {n} ({fp or 'unknown key'}): {p}" for n, fp, p in checks if p
    ]
    if not signatures:
        problems.append(f"{ENVELOPE}: no signatures")
    problems += _statement_problems(stmt, members)
    return stmt, checks, problems


def _statement_problems(stmt: Any, members: Mapping[str, bytes]) -> list[str]:
    if not isinstance(stmt, dict) or stmt.get("_type") != STATEMENT_TYPE:
        return [f"{ENVELOPE}: the payload is not an in-toto Statement v1"]
    if stmt.get("predicateType") != PREDICATE_TYPE:
        return [
            f"{ENVELOPE}: predicateType {stmt.get('predicateType')!r}, expected {PREDICATE_TYPE!r}"
        ]
    subjects = {
        s.get("name"): (s.get("digest") or {}).get("sha256") for s in stmt.get("subject") or []
    }
    signed = subjects.get(BAG + TAGMANIFEST)
    if signed is None:
        return [f"{ENVELOPE}: the Statement's subject is not {BAG + TAGMANIFEST}"]
    actual = members.get(BAG + TAGMANIFEST)
    if actual is not None and _sha256(actual) != signed:
        return [
            f"{BAG + TAGMANIFEST}: altered (sha256 {_sha256(actual)}, the signed statement "
            f"says {signed})"
        ]
    return []


def signers_check(
    checks: Sequence[tuple[int, str | None, str | None]],
    keys: Sequence[Ed25519PublicKey],
    where: str,
) -> list[str]:
    """Every key given must have a valid signature among ``checks``."""
    valid = [fp for _, fp, problem in checks if problem is None and fp]
    problems = []
    for key in keys:
        wanted = fingerprint(key)
        if wanted not in valid:
            signed = ", ".join(valid) or "no valid signature"
            problems.append(f"{where}: not signed by the key given, {wanted} (signed by: {signed})")
    return problems


def _manifest(text: bytes, where: str) -> tuple[dict[str, str], list[str]]:
    entries: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        digest, _, path = line.strip().partition(" ")
        path = unquote(path.strip())  # RFC 8493 §2.1.3: %0A, %0D and %25 are encoded
        if len(digest) != 64 or not path:
            problems.append(f"{where} line {number}: not 'SHA256 PATH'")
        else:
            entries[path] = digest.lower()
    return entries, problems


def _check_entries(
    members: Mapping[str, bytes], entries: Mapping[str, str], manifest: str
) -> list[str]:
    problems = []
    for path, digest in sorted(entries.items()):
        content = members.get(BAG + path)
        if content is None:
            problems.append(f"{BAG + path}: missing (listed in {manifest})")
        elif _sha256(content) != digest:
            problems.append(
                f"{BAG + path}: altered (sha256 {_sha256(content)}, {manifest} says {digest})"
            )
    return problems


def check_bag(members: Mapping[str, bytes]) -> list[str]:
    """The bag's manifests against its files, both ways (missing, altered, added)."""
    problems = []
    tags, bad = _manifest(members.get(BAG + TAGMANIFEST, b""), TAGMANIFEST)
    problems += bad + _check_entries(members, tags, TAGMANIFEST)
    payload, bad = _manifest(members.get(BAG + MANIFEST, b""), MANIFEST)
    problems += bad + _check_entries(members, payload, MANIFEST)
    for name in sorted(members):
        path = name.removeprefix(BAG)
        if not name.startswith(BAG) or path == TAGMANIFEST:
            continue
        listed = payload if path.startswith("data/") else tags
        if path not in listed:
            where = MANIFEST if path.startswith("data/") else TAGMANIFEST
            problems.append(f"{name}: added (not listed in {where})")
    for tag in TAG_FILES:
        if BAG + tag in members and tag not in tags:
            problems.append(f"{BAG + tag}: not covered by {TAGMANIFEST}")
    return problems or _bagit_problems(members)


def _bagit_problems(members: Mapping[str, bytes]) -> list[str]:
    """The ``bagit`` package's own validation, as a second opinion on a bag that passed."""
    import bagit  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory(prefix="setori-verify-") as scratch:
        root = Path(scratch)
        for name, content in members.items():
            if name.startswith(BAG):
                target = root / name.removeprefix(BAG)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        try:
            bagit.Bag(str(root)).validate()
        except bagit.BagError as exc:
            return [f"{BAG}: bagit validation failed: {exc}"]
    return []
