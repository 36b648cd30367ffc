"""The public API is exactly ``setori.__all__`` (pinned)."""

from __future__ import annotations

import setori


def test_all_members_exist_and_are_pinned() -> None:
    assert sorted(setori.__all__) == sorted(
        [
            "DemoReport",
            "DetectSummary",
            "IngestSummary",
            "ListLoad",
            "SetoriError",
            "Settings",
            "BBox",
            "BatchHook",
            "DbPath",
            "StoreMode",
            "Tracks",
            "__version__",
            "analyst_add",
            "analysts",
            "bundle_verify",
            "case_add",
            "case_export",
            "case_list",
            "case_log",
            "case_new",
            "case_show",
            "case_sign",
            "case_status",
            "case_verify",
            "decide",
            "decide_revert",
            "decisions",
            "demo",
            "detect",
            "events",
            "hit",
            "info",
            "ingest",
            "keys_new",
            "keys_show",
            "lists",
            "lists_history",
            "load_lists",
            "map_html",
            "open_store",
            "open_workspace",
            "quarantine",
            "report",
            "risk",
            "screen",
            "tracks",
            "vessel",
            "vessels",
        ]
    )
    for name in setori.__all__:
        assert getattr(setori, name) is not None
