"""Signatures of bundles: DSSE envelopes (in-toto's signing layer) and signed checkpoints.

A signature entry is ``{"keyid": FINGERPRINT, "sig": BASE64, "public_key": BASE64}``: DSSE's
``keyid`` and ``sig`` (https://github.com/secure-systems-lab/dsse, envelope.md), plus the
signer's raw Ed25519 public key, an extra field DSSE tools ignore. The key travels with the
signature so a reader without it can still check the signature and learn who signed; trust
comes from comparing the fingerprint (by phone, :func:`setori.cases.keys.fingerprint`) or
from ``--key``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from setori.cases.keys import (
    Ed25519PrivateKey,
    fingerprint,
    public_key_from_raw,
    raw_public_key,
    signature_valid,
)
from setori.errors import InputError

__all__ = [
    "PAYLOAD_TYPE",
    "SignatureCheck",
    "check_signature",
    "envelope",
    "envelope_payload",
    "pae",
    "sign",
    "signed_envelope",
]

#: The DSSE payload type of an in-toto Statement.
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: ``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP
    body`` (lengths as ASCII decimal byte counts)."""
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(type_bytes), type_bytes, len(payload), payload)


def sign(key: Ed25519PrivateKey, message: bytes) -> dict[str, str]:
    """A signature entry of ``message`` by ``key``."""
    public = key.public_key()
    return {
        "keyid": fingerprint(public),
        "sig": base64.b64encode(key.sign(message)).decode("ascii"),
        "public_key": base64.b64encode(raw_public_key(public)).decode("ascii"),
    }


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One signature checked: the signer's fingerprint (from the key it carries) and why it
    failed, if it did."""

    fingerprint: str | None
    problem: str | None


def check_signature(entry: Any, message: bytes) -> SignatureCheck:
    """Check one signature entry over ``message`` against the public key it carries."""
    if not isinstance(entry, Mapping):
        return SignatureCheck(None, f"a {type(entry).__name__}, expected an object")
    try:
        key = public_key_from_raw(base64.b64decode(str(entry.get("public_key", "")), validate=True))
        sig = base64.b64decode(str(entry.get("sig", "")), validate=True)
    except (binascii.Error, InputError) as exc:
        return SignatureCheck(None, f"unreadable public_key or sig ({exc})")
    found = fingerprint(key)
    if entry.get("keyid") != found:
        return SignatureCheck(found, f"keyid {entry.get('keyid')!r} is not the key's {found}")
    if not signature_valid(key, sig, message):
        return SignatureCheck(found, f"signature by {found} does not verify")
    return SignatureCheck(found, None)


def envelope(payload: bytes, signatures: list[dict[str, str]]) -> dict[str, Any]:
    """A DSSE envelope (JSON form) of ``payload``."""
    return {
        "payload": base64.b64encode(payload).decode("ascii"),
        "payloadType": PAYLOAD_TYPE,
        "signatures": signatures,
    }


def signed_envelope(payload: bytes, key: Ed25519PrivateKey) -> dict[str, Any]:
    """A DSSE envelope of ``payload`` with ``key``'s signature over its PAE."""
    return envelope(payload, [sign(key, pae(PAYLOAD_TYPE, payload))])


def envelope_payload(env: Mapping[str, Any]) -> bytes:
    """The payload bytes of a DSSE envelope (InputError when it is not one)."""
    if env.get("payloadType") != PAYLOAD_TYPE:
        raise InputError(f"payloadType {env.get('payloadType')!r}, expected {PAYLOAD_TYPE!r}")
    try:
        return base64.b64decode(str(env.get("payload", "")), validate=True)
    except binascii.Error as exc:
        raise InputError(f"payload is not base64 ({exc})") from None
