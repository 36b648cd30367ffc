"""Wiring of the investigate layer: cases, snapshots, bundles and reports joined with the
store (DuckDB) and the workspace database. An edge package, like :mod:`setori.pipeline`."""
