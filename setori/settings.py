"""Every setting of setori in one table, read once at the edge and passed in.

:data:`SETTINGS` declares each setting (name, type, default, help). :meth:`Settings.load`
builds the frozen :class:`Settings` from explicit overrides (command-line options or keyword
arguments), else ``SETORI_<NAME>`` environment variables, else the default, and remembers
where each value came from (``setori settings`` prints it). Nothing else in setori reads
``SETORI_*`` variables: domain code receives plain values.

Reference data (ports, anchorages, coastline, zones) comes from the slices shipped in the
package unless ``shared_data`` names a folder laid out like the project's ``shared/data``;
setori never looks for one above the working directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from setori.errors import InputError

ENV_PREFIX = "SETORI_"


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the settings table."""

    name: str
    type: type
    default: Any
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("db", Path, Path("setori.duckdb"), "the store file when --db is not given"),
    Setting(
        "shared_data",
        Path,
        None,
        "a folder laid out like shared/data (see its SOURCES.md): full reference layers "
        "(ports, anchorages, coastline) instead of the slices shipped in the package, and "
        "the real samples the demo ingests",
    ),
    Setting("batch_bytes", int, 16 * 2**20, "bytes of NMEA / CSV / .traj text per batch"),
    Setting("batch_rows", int, 1_000_000, "Parquet rows per committed batch"),
    Setting("duckdb_memory", str, "1GB", "DuckDB buffer-pool limit of the store connection"),
    Setting("segment_rows", int, 2_000_000, "positions re-segmented per transaction"),
    Setting(
        "detect_rows",
        int,
        20_000_000,
        "most positions detect reads at once; a larger scope runs by time windows",
    ),
    Setting(
        "workspace",
        str,
        None,
        "the workspace database (analysts, decisions, hits, cases): sqlite:///FILE or "
        "postgresql://HOST/DB; default: a SQLite file beside the store (NAME.workspace.sqlite)",
    ),
    Setting(
        "analyst", str, None, "who is working: recorded on every decision, case action and note"
    ),
    Setting(
        "risk_weights",
        Path,
        None,
        "a TOML file overriding the risk triage points (docs/risk.md); default: the built-in table",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved settings; ``origins`` says where each value came from."""

    db: Path = Path("setori.duckdb")
    shared_data: Path | None = None
    batch_bytes: int = 16 * 2**20
    batch_rows: int = 1_000_000
    duckdb_memory: str = "1GB"
    segment_rows: int = 2_000_000
    detect_rows: int = 20_000_000
    workspace: str | None = None
    analyst: str | None = None
    risk_weights: Path | None = None
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def load(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Overrides (non-``None`` values) first, then ``SETORI_*``, then the defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for setting in SETTINGS:
            value, origin = _resolve(setting, overrides or {}, env)
            values[setting.name], origins[setting.name] = value, origin
        return cls(**values, origins=origins)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the non-``None`` overrides applied (origin ``argument``)."""
        given = {k: _convert(_BY_NAME[k], v) for k, v in overrides.items() if v is not None}
        origins = dict(self.origins) | {k: "argument" for k in given}
        return replace(self, **given, origins=origins)

    def rows(self) -> list[dict[str, Any]]:
        """One row per setting: name, value, origin, environment variable, help."""
        return [
            {
                "name": s.name,
                "value": None if getattr(self, s.name) is None else str(getattr(self, s.name)),
                "origin": self.origins.get(s.name, "default"),
                "env": s.env,
                "help": s.help,
            }
            for s in SETTINGS
        ]


def _resolve(
    setting: Setting, overrides: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[Any, str]:
    if overrides.get(setting.name) is not None:
        return _convert(setting, overrides[setting.name]), "option"
    if setting.env in env and env[setting.env] != "":
        return _convert(setting, env[setting.env]), f"environment {setting.env}"
    return setting.default, "default"


def _convert(setting: Setting, value: Any) -> Any:
    if isinstance(value, setting.type):
        return value
    try:
        return setting.type(value)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"setting {setting.name} ({setting.env}) is {value!r}; expected {setting.type.__name__}"
        ) from exc


def names() -> list[str]:
    """Every setting's name, in table order (checked against the README by a docs test)."""
    return [f.name for f in fields(Settings) if f.name != "origins"]
