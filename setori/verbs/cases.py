"""Case verbs: new, add, show, status, list, log, verify (the workspace's cases)."""

from __future__ import annotations

__all__: list[str] = []
