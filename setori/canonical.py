"""Canonical JSON and SHA-256: the same bytes for the same value on every machine.

Everything setori hashes (evidence, snapshots, case-log records, bundle members) is hashed
as canonical JSON: keys sorted, no insignificant spaces, UTF-8, no NaN. 64-bit ids are
written as strings by the code that builds the values (JSON numbers lose precision above
2^53 in most readers).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_bytes(value: Any) -> bytes:
    """``value`` as canonical JSON, UTF-8 encoded."""
    return canonical_json(value).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
