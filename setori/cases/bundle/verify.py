"""Verifying a bundle offline: every hash, the Merkle proofs, every signature.

:func:`verify_bundle` reads the zip bytes and returns a :class:`BundleReport` whose
``problems`` name exactly what is wrong: a member path (``bag/data/evidence/…: altered``),
a log record seq (``log record seq 3: …``) or a signature (``bundle.dsse.json: signature 2
(FINGERPRINT): …``). With ``keys``, every key must have signed the envelope and one of them
the checkpoint; without, the signers' fingerprints are reported for comparison by phone.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from setori.cases.bundle.bag import ENVELOPE, read_zip
from setori.cases.bundle.verify_bag import check_bag, check_envelope, check_layout, signers_check
from setori.cases.bundle.verify_derived import check_derived
from setori.cases.bundle.verify_log import (
    CASE,
    CHECKPOINT,
    WITHHELD,
    LogCheck,
    check_checkpoint,
    check_evidence,
    check_log,
    extension_problems,
    load_json,
)
from setori.cases.keys import Ed25519PublicKey, fingerprint

__all__ = ["BundleReport", "verify_bundle"]


@dataclass(frozen=True, slots=True)
class BundleReport:
    """The outcome of verifying a bundle."""

    case_id: str | None
    title: str | None
    signers: tuple[str, ...]  # fingerprints of valid signatures on the envelope
    checkpoint_signers: tuple[str, ...]
    tree_size: int | None
    root_hash: str | None
    records: int  # log records carried (and checked)
    withheld_records: int
    evidence: int
    withheld_evidence: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


def _valid(checks: Sequence[tuple[int, str | None, str | None]]) -> tuple[str, ...]:
    return tuple(fp for _, fp, problem in checks if problem is None and fp)


def _count(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def _failed(problem: str) -> BundleReport:
    return BundleReport(None, None, (), (), None, None, 0, 0, 0, 0, (problem,))


def verify_bundle(
    data: bytes, *, keys: Sequence[Ed25519PublicKey] = (), previous: bytes | None = None
) -> BundleReport:
    """Check a bundle (zip bytes) against itself and, when given, the expected ``keys`` and
    an earlier bundle of the same case (``previous``: its signed log must be a prefix of this
    one's). Malformed content is reported, never raised."""
    try:
        members = read_zip(data)
    except zipfile.BadZipFile as exc:
        return _failed(f"not a zip file ({exc})")
    problems = check_layout(members)
    stmt, envelope_checks, found = check_envelope(members)
    problems += found + signers_check(envelope_checks, keys, ENVELOPE)
    if not any("unsafe member name" in p for p in problems):
        problems += check_bag(members)
    case = load_json(members, CASE, problems)
    withheld = load_json(members, WITHHELD, problems)
    body, checkpoint_checks, found = check_checkpoint(load_json(members, CHECKPOINT, problems))
    problems += found + _consistency(stmt, case, body)
    if keys and not set(map(fingerprint, keys)) & set(_valid(checkpoint_checks)):
        signed = ", ".join(_valid(checkpoint_checks)) or "no valid signature"
        problems.append(f"{CHECKPOINT}: not signed by any key given (signed by: {signed})")
    log = LogCheck()
    try:
        log = check_log(members, body, withheld)
        problems += log.problems + check_evidence(members, case, log, withheld)
        problems += check_derived(members, case)
        if previous is not None:
            problems += _previous_problems(previous, case, log)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        problems.append(f"malformed content in bag/data ({type(exc).__name__}: {exc})")
    return BundleReport(
        case_id=case.get("case_id"),
        title=case.get("title"),
        signers=_valid(envelope_checks),
        checkpoint_signers=_valid(checkpoint_checks),
        tree_size=body.get("tree_size"),
        root_hash=body.get("root_hash"),
        records=len(log.held),
        withheld_records=len(log.withheld),
        evidence=_count(case.get("evidence")),
        withheld_evidence=_count(withheld.get("evidence")),
        problems=tuple(dict.fromkeys(problems)),
    )


def _previous_problems(previous: bytes, case: dict[str, object], log: LogCheck) -> list[str]:
    """This bundle's log extends the one an earlier bundle's checkpoint signed."""
    name = "the previous bundle"
    try:
        members = read_zip(previous)
    except zipfile.BadZipFile as exc:
        return [f"{name}: not a zip file ({exc})"]
    problems: list[str] = []
    body, _, found = check_checkpoint(load_json(members, CHECKPOINT, problems))
    problems = [f"{name}: {p}" for p in problems + found]
    if body and body.get("case_id") != case.get("case_id"):
        return [*problems, f"{name}: is of case {body.get('case_id')}, not {case.get('case_id')}"]
    return problems + (extension_problems(log, body, name) if body else [])


def _consistency(
    stmt: dict[str, object] | None, case: dict[str, object], body: dict[str, object]
) -> list[str]:
    """The Statement, the case index and the checkpoint speak of the same case and root."""
    problems = []
    if body and case and body.get("case_id") != case.get("case_id"):
        problems.append(
            f"{CHECKPOINT}: signed for case {body.get('case_id')}, "
            f"the bundle holds {case.get('case_id')}"
        )
    predicate = stmt.get("predicate") if stmt else None
    if isinstance(predicate, dict):
        if case and predicate.get("case_id") != case.get("case_id"):
            problems.append(
                f"{ENVELOPE}: the Statement is about case {predicate.get('case_id')}, "
                f"the bundle holds {case.get('case_id')}"
            )
        signed_root = (predicate.get("checkpoint") or {}).get("root_hash")
        if body and signed_root != body.get("root_hash"):
            problems.append(
                f"{CHECKPOINT}: root {body.get('root_hash')} is not the one "
                f"the Statement signs ({signed_root})"
            )
    return problems
