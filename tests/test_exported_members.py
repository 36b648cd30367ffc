"""The public API is exactly ``setori.__all__`` (pinned)."""

from __future__ import annotations

import setori


def test_all_members_exist_and_are_pinned() -> None:
    assert sorted(setori.__all__) == [
        "IngestSummary",
        "SetoriError",
        "Tracks",
        "__version__",
        "detect",
        "events",
        "info",
        "ingest",
        "quarantine",
        "tracks",
        "vessels",
    ]
    for name in setori.__all__:
        assert getattr(setori, name) is not None
