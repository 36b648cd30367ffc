"""Case commands: ``case new``, ``case add``, ``case show``, ``case status``, ``case list``,
``case log``, ``case verify`` (the log's hash chain).
"""

from __future__ import annotations

import click


@click.group()
def case() -> None:
    """Cases: evidence (frozen events, vessels, hits, notes, files, sightings) with an
    append-only, hash-chained history.

    Example:

    \b
        setori case new "STS off Nampo, 2019-09" --analyst kim
        setori case list
    """


COMMANDS = (case,)
