"""Domain modules import nothing from the wiring layers (store, pipeline, API, CLI)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "setori"
DOMAIN = ("ingest", "tracks", "detect", "screen")
WIRING = (
    "setori.store",
    "setori.pipeline",
    "setori.verbs",
    "setori.cli",
    "setori.api",
    "setori.web",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_modules_do_not_import_wiring() -> None:
    offenders = []
    for package in DOMAIN:
        for path in sorted((PACKAGE / package).glob("**/*.py")):
            for name in _imports(path):
                if name.startswith(WIRING):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_store_imports_no_domain_or_wiring() -> None:
    for path in sorted((PACKAGE / "store").glob("*.py")):
        bad = {
            n
            for n in _imports(path)
            if n.startswith(("setori.cli", "setori.ingest", "setori.verbs"))
        }
        assert bad == set(), path
