"""Ed25519 signing keys and their fingerprints (the author's and reviewers' keys of bundles).

Keys are files in standard formats any tool reads: the private key as unencrypted PKCS#8
PEM (kept mode 0600 by :func:`setori.verbs.keys_new`), the public key as
SubjectPublicKeyInfo PEM (``openssl pkey -pubin -in KEY.pub -text`` shows it).

A **fingerprint** is what two people compare by phone before trusting a key: the SHA-256 of
the raw 32-byte public key, its first 160 bits written in RFC 4648 base32 (letters A-Z and
digits 2-7: no 0/O or 1/I confusion) as eight groups of four, e.g.
``K7Q2-MXBD-4ZLA-QW3E-TY6N-P2HR-C5VJ-R7XA``. 160 bits make a second key with the same
fingerprint out of reach; read aloud it is 32 characters.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from setori.errors import InputError

__all__ = [
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "fingerprint",
    "new_key_pair",
    "private_key_from_pem",
    "public_key_from_pem",
    "public_key_from_raw",
    "public_pem",
    "raw_public_key",
    "signature_valid",
]

#: Bits of the SHA-256 of the raw public key shown in a fingerprint.
FINGERPRINT_BITS = 160


def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 key pair: (private key PKCS#8 PEM, public key PEM)."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private_pem, public_pem(key.public_key())


def public_pem(key: Ed25519PublicKey) -> bytes:
    """``key`` as SubjectPublicKeyInfo PEM."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of ``key`` (RFC 8032)."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    """The phone-readable fingerprint of ``key`` (see the module docstring)."""
    digest = hashlib.sha256(raw_public_key(key)).digest()[: FINGERPRINT_BITS // 8]
    text = base64.b32encode(digest).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def private_key_from_pem(data: bytes, *, source: str = "key") -> Ed25519PrivateKey:
    """An Ed25519 private key from PKCS#8 PEM (what ``setori keys new`` writes)."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"{source}: not an unencrypted PEM private key ({exc}); expected the private key "
            "file written by `setori keys new`"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{source}: a {type(key).__name__}, expected an Ed25519 private key")
    return key


def public_key_from_pem(data: bytes, *, source: str = "key") -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; a private key PEM gives its public half."""
    if b"PRIVATE KEY" in data:
        return private_key_from_pem(data, source=source).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"{source}: not a PEM public key ({exc}); expected the .pub file written by "
            "`setori keys new`"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{source}: a {type(key).__name__}, expected an Ed25519 public key")
    return key


def public_key_from_raw(data: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from its 32 raw bytes."""
    if len(data) != 32:
        raise InputError(f"an Ed25519 public key has 32 bytes, got {len(data)}")
    return Ed25519PublicKey.from_public_bytes(data)


def signature_valid(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is ``key``'s Ed25519 signature of ``message``."""
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
