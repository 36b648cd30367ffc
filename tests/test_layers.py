"""The packages import only what docs/architecture.md allows (parsed with ``ast``).

Each module of ``setori`` belongs to one layer; a module may import setori modules of its
own layer and of the layers listed for it in ``ALLOWED``. The table is the one drawn in
docs/architecture.md; change both together.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "setori"

#: Module (or package) prefix -> layer; the longest matching prefix wins.
LAYER_OF = {
    "setori.errors": "base",
    "setori.settings": "base",
    "setori.canonical": "base",
    "setori.schema": "base",
    "setori.ids": "reference",
    "setori.results": "base",
    "setori.shiptypes": "base",
    "setori.demo": "base",
    "setori.detect.catalog": "base",
    "setori.geo": "geo",
    "setori.geo.reference": "reference",
    "setori.geo.mid": "reference",
    "setori.ingest": "domain",
    "setori.tracks": "domain",
    "setori.detect": "domain",
    "setori.screen": "domain",
    "setori.cases": "domain",
    "setori.risk": "domain",
    "setori.share": "domain",
    "setori.export": "output",
    "setori.export_events": "output",
    "setori.export_map": "output",
    "setori.reports": "output",
    "setori.store": "store",
    "setori.workspace": "store",
    "setori.pipeline": "wiring",
    "setori.investigate": "wiring",
    "setori.casework": "wiring",
    "setori.verbs": "verbs",
    "setori.cli": "cli",
}
ALLOWED = {
    "base": {"base"},
    "reference": {"base", "reference"},
    "geo": {"base", "reference", "geo"},
    "domain": {"base", "reference", "geo", "domain"},
    "output": {"base", "reference", "geo", "output"},
    "store": {"base", "reference", "store"},
    "wiring": {"base", "reference", "geo", "domain", "output", "store", "wiring"},
    "verbs": {"base", "reference", "geo", "domain", "output", "store", "wiring", "verbs"},
    "cli": {"base", "output", "verbs", "cli"},
}


def layer_of(module: str) -> str:
    matches = [p for p in LAYER_OF if module == p or module.startswith(p + ".")]
    assert matches, f"{module} belongs to no layer: add it to LAYER_OF and the docs"
    return LAYER_OF[max(matches, key=len)]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only, no import)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    return [n for n in ast.walk(tree) if id(n) not in skipped]


def setori_imports(path: Path) -> set[str]:
    """The setori modules ``path`` imports at run time (anywhere but TYPE_CHECKING blocks)."""
    names: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("setori.")}


def _importable(name: str) -> bool:
    """``from setori.x import y``: y is a module only if a file or package says so."""
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (
        PACKAGE.parent / relative
    ).is_dir()


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        if module in ("setori", "setori.__main__"):
            continue  # the package front: re-exports the verbs (checked below)
        mine = layer_of(module)
        for name in sorted(setori_imports(path)):
            if not _importable(name):
                continue
            theirs = layer_of(name)
            if theirs not in ALLOWED[mine]:
                found.append(f"{module} ({mine}) imports {name} ({theirs})")
    return found


def test_every_import_follows_the_layers() -> None:
    assert violations() == []


def test_the_package_front_imports_only_base_verbs_and_the_names_it_protects() -> None:
    protected = {
        "setori.demo",
        "setori.detect",
        "setori.ingest",
        "setori.risk",
        "setori.screen",
        "setori.tracks",
    }
    for name in setori_imports(PACKAGE / "__init__.py"):
        if name in protected or not _importable(name):
            continue
        assert layer_of(name) in {"base", "verbs"}, name


def test_the_layer_check_catches_a_violation(tmp_path: Path) -> None:
    """The checker is not vacuous: a domain module importing the CLI is reported."""
    assert layer_of("setori.detect.gaps") == "domain"
    assert "cli" not in ALLOWED["domain"]
    assert "verbs" not in ALLOWED["store"] and "domain" not in ALLOWED["store"]
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\nfrom setori.cli import main\nimport setori.store.db\n"
        "if TYPE_CHECKING:\n    from setori.verbs import Tracks\n"
    )
    assert setori_imports(bad) == {"setori.cli", "setori.cli.main", "setori.store.db"}
