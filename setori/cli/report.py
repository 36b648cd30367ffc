"""Report command: ``report CASE`` as HTML or PDF."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
