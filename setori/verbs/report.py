"""Report verbs: a case as an HTML or PDF report."""

from __future__ import annotations

__all__: list[str] = []
