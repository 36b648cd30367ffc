"""Bundle verbs: signing keys, verifiable case export and offline verification."""

from __future__ import annotations

__all__: list[str] = []
