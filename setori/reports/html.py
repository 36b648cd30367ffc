"""A report as one self-contained HTML page (inline CSS and SVG, photos as data URIs).

Templates ship in ``setori/reports/templates/`` (Jinja2, autoescaped): the page opens
offline in any browser and is what :mod:`setori.reports.pdf` prints.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from setori.reports.drawing import EVENT_COLOURS
from setori.reports.sources import Finding
from setori.reports.views import Report

LEGEND = tuple((name.replace("_", " "), colour) for name, colour in EVENT_COLOURS.items())


def badge(finding: Finding) -> Markup:
    """The corroboration badge of a finding."""
    kind = "single" if finding.single_sourced else "corroborated"
    return Markup(f'<span class="badge {kind}">{escape(finding.corroboration)}</span>')


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("setori.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.globals["badge"] = badge
    return env


def stylesheet() -> str:
    """The report's CSS (print layout: A4, page numbers, CJK-capable fonts)."""
    return (files("setori.reports") / "templates" / "report.css").read_text(encoding="utf-8")


def render_html(report: Report, *, generated_iso: str = "") -> str:
    """The HTML page of ``report``; ``generated_iso`` becomes its creation date metadata."""
    template = _environment().get_template("report.html.j2")
    return template.render(r=report, css=stylesheet(), legend=LEGEND, generated_iso=generated_iso)
