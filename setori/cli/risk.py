"""Risk triage command: ``risk`` (vessels or events ranked by explained points)."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
