"""What a report is built from: a case and what the store knew around it, as plain values.

The wiring (:mod:`setori.casework.report`) fills :class:`ReportInputs` from the workspace
and the store; tests fill it from real data by hand. The case is a
:class:`setori.cases.model.Case` (read by attribute only: this package is an output layer
and does not import the domain).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

if TYPE_CHECKING:
    from setori.cases.model import Case, EvidenceItem


@dataclass(frozen=True, slots=True)
class VesselActivity:
    """One MMSI over the report's window: when it reported (seconds since 1970) and its
    stored events (rows as ``setori events`` gives them: id, type, subtype, start, end)."""

    mmsi: int
    positions_s: npt.NDArray[np.float64]
    events: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """A case and its context.

    Attributes:
        case: the case (evidence and log).
        tracks: per cited event id, the positions of its vessels around it (columns
            ``mmsi``, ``ts`` or ``time``, ``lat``, ``lon``); an event missing here is drawn
            from the positions frozen in its snapshot.
        activity: per MMSI, its reports and events over the timeline window.
        risk: vessel risk rows (``mmsi``, ``score``, ``breakdown``: points, reason and the
            event_id, hit_id or attribute behind each).
        event_status: per cited event id, what current detection says of it
            (``status``: holds, changed or gone).
        fingerprint: the signer's key fingerprint, when the report is signed.
        attachment: the name of the signed bundle manifest attached to the PDF.
        generated_at: when the report was made (ISO 8601 UTC).
    """

    case: Case
    tracks: Mapping[str, pa.Table] = field(default_factory=dict)
    activity: Mapping[int, VesselActivity] = field(default_factory=dict)
    risk: Sequence[Mapping[str, Any]] = ()
    event_status: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fingerprint: str | None = None
    attachment: str | None = None
    generated_at: str = ""


def content_of(item: EvidenceItem) -> dict[str, Any]:
    """The JSON body of a snapshot evidence item (empty for files and bad JSON)."""
    if not item.media_type.startswith("application/json") and item.kind == "file":
        return {}
    try:
        body = json.loads(item.content)
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}
