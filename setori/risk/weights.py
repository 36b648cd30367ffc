"""The points and thresholds of risk triage: one TOML table, overridable by the user.

The package default is ``setori/data/risk-weights.toml`` (defaults from detection.md §8.7).
A user file (the ``risk_weights`` setting) overrides any subset of it; a key the default
does not have is an :class:`~setori.errors.InputError` naming it, so a typo never silently
leaves a default in force.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from setori.errors import InputError

SECTIONS = ("points", "thresholds")


@dataclass(frozen=True, slots=True)
class RiskWeights:
    """Points per rule and the thresholds the rules use (see docs/risk.md)."""

    points: Mapping[str, int]
    thresholds: Mapping[str, float]
    source: str = "default"

    def pts(self, rule: str) -> int:
        """The points of ``rule`` (every rule is in the default table)."""
        return self.points[rule]

    def limit(self, name: str) -> float:
        """The threshold ``name``."""
        return self.thresholds[name]

    def as_dict(self) -> dict[str, Any]:
        """The table as plain values (for evidence and reports)."""
        return {
            "points": dict(self.points),
            "thresholds": dict(self.thresholds),
            "source": self.source,
        }


def default_weights() -> RiskWeights:
    """The package table (``setori/data/risk-weights.toml``)."""
    return _default()


@lru_cache(maxsize=1)
def _default() -> RiskWeights:
    text = resources.files("setori").joinpath("data/risk-weights.toml").read_text("utf-8")
    table = tomllib.loads(text)
    return RiskWeights(
        points={k: int(v) for k, v in table["points"].items()},
        thresholds={k: float(v) for k, v in table["thresholds"].items()},
    )


def load_weights(path: str | Path | None = None) -> RiskWeights:
    """The default table overridden by the TOML file ``path`` (None: the default alone)."""
    if path is None:
        return default_weights()
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise InputError(f"risk weights file {str(path)!r}: cannot read it ({exc})") from exc
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"risk weights file {str(path)!r} is not valid TOML: {exc}") from exc
    return override(default_weights(), table, source=str(path))


def override(base: RiskWeights, table: Mapping[str, Any], *, source: str) -> RiskWeights:
    """``base`` with the values of ``table`` ({"points": {...}, "thresholds": {...}})."""
    unknown = sorted(set(table) - set(SECTIONS))
    if unknown:
        raise InputError(
            f"risk weights {source!r}: unknown section {unknown[0]!r}; expected "
            f"{' or '.join(repr(s) for s in SECTIONS)}"
        )
    points = dict(base.points)
    thresholds = dict(base.thresholds)
    for key, value in _section(table, "points", source).items():
        _known(key, points, "points", source)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(
                f"risk weights {source!r}: points.{key} is {value!r}; expected a whole number"
            )
        points[key] = value
    for key, value in _section(table, "thresholds", source).items():
        _known(key, thresholds, "thresholds", source)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise InputError(
                f"risk weights {source!r}: thresholds.{key} is {value!r}; expected a number >= 0"
            )
        thresholds[key] = float(value)
    return RiskWeights(points=points, thresholds=thresholds, source=source)


def _section(table: Mapping[str, Any], name: str, source: str) -> Mapping[str, Any]:
    section = table.get(name, {})
    if not isinstance(section, Mapping):
        raise InputError(f"risk weights {source!r}: [{name}] is {section!r}; expected a table")
    return section


def _known(key: str, known: Mapping[str, Any], section: str, source: str) -> None:
    if key not in known:
        raise InputError(
            f"risk weights {source!r}: unknown key {section}.{key!r}; expected one of "
            f"{', '.join(sorted(known))}"
        )
