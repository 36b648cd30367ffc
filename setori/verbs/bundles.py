"""Bundle verbs: signing keys, verifiable case export, a reviewer's signature, and offline
verification of a bundle (docs/bundles.md)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from setori.settings import Settings
from setori.verbs.common import DbPath, open_workspace, resolve_settings

if TYPE_CHECKING:
    from setori.cases.bundle.verify import BundleReport

__all__ = ["bundle_verify", "case_export", "case_sign", "keys_new", "keys_show"]

#: The key ``case export`` and ``case sign`` use when none is given (``keys new`` writes it).
DEFAULT_KEY = Path("setori.key")


def keys_new(name: str | Path, *, overwrite: bool = False) -> dict[str, str]:
    """Make an Ed25519 key pair: ``NAME.key`` (private, PKCS#8 PEM, mode 0600) and
    ``NAME.pub`` (public, PEM). Returns the paths and the public key's fingerprint.

    An existing key is never overwritten unless ``overwrite`` is set.
    """
    from setori.cases.keys import fingerprint, new_key_pair, public_key_from_pem
    from setori.errors import InputError

    stem = Path(name)
    stem = stem.with_suffix("") if stem.suffix in (".key", ".pub") else stem
    private, public = Path(f"{stem}.key"), Path(f"{stem}.pub")
    for path in (private, public):
        if path.exists() and not overwrite:
            raise InputError(f"{path} exists: choose another name (-o NAME) or remove it first")
    private_pem, public_pem = new_key_pair()
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        with os.fdopen(os.open(private, flags, 0o600), "wb") as out:
            out.write(private_pem)
        os.chmod(private, 0o600)  # also when it existed with wider permissions
        public.write_bytes(public_pem)
    except OSError as exc:
        raise InputError(f"cannot write the key pair {stem}.key/.pub: {exc.strerror}") from None
    found = fingerprint(public_key_from_pem(public_pem))
    return {"private_key": str(private), "public_key": str(public), "fingerprint": found}


def keys_show(path: str | Path) -> str:
    """The fingerprint of a public key file (a private key file gives its public key's)."""
    from setori.cases.keys import fingerprint, public_key_from_pem

    return fingerprint(public_key_from_pem(_read(path), source=str(path)))


def _read(path: str | Path) -> bytes:
    from setori.errors import InputError

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _private_key(key: str | Path | None) -> Any:
    from setori.cases.keys import private_key_from_pem
    from setori.errors import InputError

    path = Path(key) if key is not None else DEFAULT_KEY
    if key is None and not path.exists():
        raise InputError(
            f"no signing key: give --key KEY, or make {DEFAULT_KEY} with `setori keys new`"
        )
    return private_key_from_pem(_read(path), source=str(path))


def case_export(
    case_id: str,
    *,
    output: str | Path,
    key: str | Path | None = None,
    redact: Sequence[str] = (),
    fmt: str = "bundle",
    analyst: str | None = None,
    db: DbPath = None,
    workspace: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Export a case as a verifiable bundle (``fmt="bundle"``: a zip holding a BagIt bag and
    an in-toto Statement in a DSSE envelope, see docs/bundles.md) signed by ``key`` (default
    ``setori.key``), or as FollowTheMoney entities in JSON lines (``fmt="ftm"``, unsigned),
    without the evidence items in ``redact``. The export is recorded in the case log (an
    analyst is needed). Returns the path, the log seq of that record and its payload (for a
    bundle: its SHA-256, the signed Merkle root and the signer's fingerprint)."""
    from setori.casework.bundle import export_case, export_ftm
    from setori.errors import InputError

    if fmt not in ("bundle", "ftm"):
        raise InputError(f"format {fmt!r}: expected bundle or ftm")
    who = analyst or resolve_settings(db, settings).analyst
    signing_key = _private_key(key) if fmt == "bundle" else None
    with open_workspace(db=db, workspace=workspace, settings=settings) as ws:
        if signing_key is None:
            data, record = export_ftm(ws, case_id, analyst=who, redact=list(redact))
        else:
            data, record = export_case(
                ws, case_id, key=signing_key, analyst=who, redact=list(redact)
            )
    Path(output).write_bytes(data)
    return _exported(output, record)


def _exported(output: str | Path, record: dict[str, Any]) -> dict[str, Any]:
    import json

    payload = json.loads(record["payload"])
    return {"path": str(output), "log_seq": record["seq"], **payload}


def case_sign(bundle: str | Path, *, key: str | Path | None = None) -> dict[str, Any]:
    """Add a reviewer's signature (``key``, default ``setori.key``) to a bundle's DSSE
    envelope, in place. The bundle is verified first: a bundle that fails is not signed."""
    from setori.cases.bundle.export import add_signature
    from setori.cases.bundle.verify import verify_bundle
    from setori.cases.keys import fingerprint
    from setori.errors import InputError

    signing_key = _private_key(key)
    data = _read(bundle)
    report = verify_bundle(data)
    if not report.ok:
        raise InputError(
            f"{bundle} does not verify, so it is not signed: " + "; ".join(report.problems)
        )
    Path(bundle).write_bytes(add_signature(data, signing_key))
    return {
        "path": str(bundle),
        "fingerprint": fingerprint(signing_key.public_key()),
        "signers": [*report.signers, fingerprint(signing_key.public_key())],
    }


def bundle_verify(
    bundle: str | Path, *, keys: Sequence[str | Path] = (), since: str | Path | None = None
) -> BundleReport:
    """Verify a bundle offline: every hash (the bag's manifests, the Statement's subject),
    the log records' inclusion proofs against the signed checkpoint, and every signature.
    With ``keys`` (public key files), each must have signed the envelope and one of them the
    checkpoint; with ``since`` (an earlier bundle of the case), the log it signed must be a
    prefix of this one's. The report's ``problems`` name each altered member, record or
    signature."""
    from setori.cases.bundle.verify import verify_bundle
    from setori.cases.keys import public_key_from_pem

    public = [public_key_from_pem(_read(k), source=str(k)) for k in keys]
    previous = _read(since) if since is not None else None
    return verify_bundle(_read(bundle), keys=public, previous=previous)
