"""Sealing a bundle: the payload as a BagIt bag (RFC 8493, written by the ``bagit``
package), an in-toto Statement v1 whose subject is the bag's tag manifest, signed in a DSSE
envelope, all in one zip.

Zip layout: ``bag/`` (the bag: ``bagit.txt``, ``bag-info.txt``, ``manifest-sha256.txt``,
``tagmanifest-sha256.txt``, ``data/…``) and ``bundle.dsse.json`` (the envelope). Members are
sorted and dated 1980-01-01, so the same case, key and export time give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from setori.canonical import canonical_bytes
from setori.cases.bundle.signing import signed_envelope
from setori.cases.keys import Ed25519PrivateKey

__all__ = [
    "BAG",
    "ENVELOPE",
    "PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "TAGMANIFEST",
    "bag_files",
    "read_zip",
    "seal",
    "statement",
    "write_zip",
]

BAG = "bag/"
ENVELOPE = "bundle.dsse.json"
TAGMANIFEST = "tagmanifest-sha256.txt"
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://setori.dev/case-bundle/v1"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def bag_files(data: Mapping[str, bytes], bag_info: Mapping[str, str]) -> dict[str, bytes]:
    """The files of a BagIt bag holding ``data`` (paths under ``data/``), by bag path, made
    by ``bagit.make_bag`` (sha256 manifests only) in a scratch directory."""
    import bagit  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory(prefix="setori-bag-") as scratch:
        root = Path(scratch)
        for path, content in data.items():
            target = root / path.removeprefix("data/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        bagit.make_bag(str(root), dict(bag_info), checksums=["sha256"])
        _declare_rfc8493(root)
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }


def _declare_rfc8493(root: Path) -> None:
    """``bagit`` writes ``BagIt-Version: 0.97``; the bag is also a BagIt 1.0 bag (RFC 8493: the
    same layout, SHA-256 manifests), so say so and re-hash ``bagit.txt`` in the tag manifest
    (``bagit`` reads and validates 1.0 bags)."""
    (root / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
    lines = []
    for line in (root / TAGMANIFEST).read_text(encoding="utf-8").splitlines():
        _, path = line.split(maxsplit=1)
        digest = hashlib.sha256((root / path).read_bytes()).hexdigest()
        lines.append(f"{digest} {path}\n")
    (root / TAGMANIFEST).write_text("".join(lines), encoding="utf-8")


def statement(tagmanifest: bytes, predicate: Mapping[str, Any]) -> dict[str, Any]:
    """The in-toto Statement v1 over the bag: subject = its tag manifest and that file's
    SHA-256 (which covers every other manifest, which covers every payload file)."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {
                "name": BAG + TAGMANIFEST,
                "digest": {"sha256": hashlib.sha256(tagmanifest).hexdigest()},
            }
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": dict(predicate),
    }


def write_zip(members: Mapping[str, bytes]) -> bytes:
    """A zip of ``members`` (sorted, fixed dates, deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return out.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    """The members of a zip by name (directories skipped). Raises ``zipfile.BadZipFile``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}


def seal(
    data: Mapping[str, bytes],
    *,
    bag_info: Mapping[str, str],
    predicate: Mapping[str, Any],
    key: Ed25519PrivateKey,
) -> bytes:
    """The bundle zip: ``data`` bagged, the Statement over it signed by ``key``."""
    files = bag_files(data, bag_info)
    payload = canonical_bytes(statement(files[TAGMANIFEST], predicate))
    members = {BAG + path: content for path, content in files.items()}
    members[ENVELOPE] = json.dumps(signed_envelope(payload, key), indent=2).encode() + b"\n"
    return write_zip(members)
