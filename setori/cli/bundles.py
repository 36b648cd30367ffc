"""Bundle commands: ``keys new``, and ``case export`` / ``case import-verify`` attached to the
``case`` group (``CASE_COMMANDS``).
"""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
#: Commands added to the ``case`` group of :mod:`setori.cli.cases`.
CASE_COMMANDS: tuple[click.Command, ...] = ()
