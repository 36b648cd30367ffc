"""Conflicts as first-class findings (screening.md §A.5, consistency checks).

:func:`find_conflicts` runs every check over linked observations
(:func:`setori.screen.identity.link_hulls`) and returns :class:`Finding` objects, each
with its kind, the hulls and observations involved, an explanation in words and its
evidence. The checks (one module each, by family):

==============================  ==========================================================
``imo_on_two_mmsis``            one ship IMO broadcast by two MMSIs at the same time
``mid_flag_mismatch``           the MMSI's MID names another flag than the one claimed
``dprk_call_sign_foreign_flag`` a DPRK-series call sign (HM*, P5*–P9*) under another flag
``listed_imo_other_name``       a listed vessel's IMO broadcast under another name
``dimensions_match_listed``     AIS length / beam of a listed hull, other name and IMO
``company_imo_on_vessel``       an IMO valid only as a company number, used for a vessel
``fraudulent_identifier_in_use`` an IMO / MMSI a list records as fraudulent, in use
``identity_churn``              one ship IMO under many identities from several MMSIs
==============================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from setori.screen.identity.check_churn import identity_churn
from setori.screen.identity.check_flags import dprk_call_sign_foreign_flag, mid_flag_mismatch
from setori.screen.identity.check_identifiers import (
    company_imo_on_vessel,
    fraudulent_identifier_in_use,
    imo_on_two_mmsis,
)
from setori.screen.identity.check_lookalikes import dimensions_match_listed, listed_imo_other_name
from setori.screen.identity.findings import Finding, FindingKind
from setori.screen.identity.params import ConflictParams

Check = Callable[[pl.DataFrame, ConflictParams], list[Finding]]

CHECKS: dict[FindingKind, Check] = {
    "imo_on_two_mmsis": imo_on_two_mmsis,
    "mid_flag_mismatch": mid_flag_mismatch,
    "dprk_call_sign_foreign_flag": dprk_call_sign_foreign_flag,
    "listed_imo_other_name": listed_imo_other_name,
    "dimensions_match_listed": dimensions_match_listed,
    "company_imo_on_vessel": company_imo_on_vessel,
    "fraudulent_identifier_in_use": fraudulent_identifier_in_use,
    "identity_churn": identity_churn,
}


def find_conflicts(
    linked: pl.DataFrame,
    params: ConflictParams | None = None,
    *,
    kinds: tuple[FindingKind, ...] | None = None,
) -> list[Finding]:
    """The findings of the checks named in ``kinds`` (default: all), sorted by kind and id.

    ``linked`` is an observation table with ``hull_id`` filled by ``link_hulls``.
    """
    chosen = params or ConflictParams()
    findings = [f for kind in kinds or tuple(CHECKS) for f in CHECKS[kind](linked, chosen)]
    return sorted(findings, key=lambda f: (f.kind, f.finding_id))
