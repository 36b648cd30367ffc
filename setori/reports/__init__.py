"""Reports: a case rendered as HTML and PDF (maps, timelines, tables), from plain values.

>>> from setori.reports import ReportInputs, build_report, render_html, render_pdf
>>> report = build_report(ReportInputs(case=case, tracks=..., risk=...))
>>> html = render_html(report)
>>> pdf = render_pdf(html, created=datetime(2026, 1, 1, tzinfo=UTC))

:mod:`.content` builds the sections (:mod:`.views`) from a case, :mod:`.eventmap` and
:mod:`.timeline` draw the figures as inline SVG, :mod:`.sources` says which kinds of
source stand behind each finding, :mod:`.html` and :mod:`.pdf` render. An output layer:
it imports only base, reference and geo modules; the wiring is :mod:`setori.casework.report`.
"""

from __future__ import annotations

from setori.reports.content import build_report, report_window
from setori.reports.html import render_html
from setori.reports.inputs import ReportInputs, VesselActivity
from setori.reports.pdf import render_pdf

__all__ = [
    "ReportInputs",
    "VesselActivity",
    "build_report",
    "render_html",
    "render_pdf",
    "report_window",
]
