"""Risk triage verbs: vessels and events ranked by an additive, explained score."""

from __future__ import annotations

__all__: list[str] = []
