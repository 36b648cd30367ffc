"""The settings table and the frozen Settings agree, and values resolve option > env > default."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from setori.errors import InputError
from setori.settings import SETTINGS, Settings, names


def test_the_dataclass_and_the_table_declare_the_same_settings_and_defaults() -> None:
    assert names() == [s.name for s in SETTINGS]
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default, setting.name
    assert {f.name for f in fields(Settings)} - set(names()) == {"origins"}


def test_an_option_beats_the_environment_which_beats_the_default() -> None:
    env = {"SETORI_DB": "env.duckdb", "SETORI_DETECT_ROWS": "5"}
    found = Settings.load({"db": "option.duckdb"}, environ=env)
    assert found.db == Path("option.duckdb") and found.origins["db"] == "option"
    assert (
        found.detect_rows == 5 and found.origins["detect_rows"] == "environment SETORI_DETECT_ROWS"
    )
    assert found.batch_rows == 1_000_000 and found.origins["batch_rows"] == "default"
    assert found.with_overrides(db="x.duckdb").origins["db"] == "argument"


def test_an_empty_variable_is_unset_and_a_bad_one_names_itself() -> None:
    assert Settings.load(environ={"SETORI_SHARED_DATA": ""}).shared_data is None
    with pytest.raises(InputError, match=r"SETORI_BATCH_ROWS.*'many'.*expected int"):
        Settings.load(environ={"SETORI_BATCH_ROWS": "many"})
