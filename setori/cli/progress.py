"""Progress bars for long commands: a bar over input bytes with positions, rate and ETA."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress

    from setori.ingest.batch import IngestBatch


def input_bytes(paths: Sequence[str]) -> int | None:
    """Total size of the input files; ``None`` when one is stdin or cannot be sized."""
    total = 0
    for path in paths:
        if path == "-" or not Path(path).is_file():
            return None
        total += os.path.getsize(path)
    return total


class IngestProgress:
    """Advances a bar by the bytes each committed batch consumed; counts positions."""

    def __init__(self, progress: Progress, total: int | None) -> None:
        self.progress = progress
        self.task = progress.add_task("ingest", total=total, positions=0, rate=0.0)
        self.started = time.monotonic()
        self.positions = 0
        self.done_bytes = 0  # bytes of the inputs already finished
        self.source = ""
        self.at = 0  # bytes read so far of the current input

    def __call__(self, source: str, batch: IngestBatch, added: int) -> None:
        if source != self.source:
            self.done_bytes += self.at
            self.source, self.at = source, 0
        self.at = max(self.at, batch.bytes_read)
        self.positions += batch.positions.num_rows
        self.progress.update(
            self.task,
            description=Path(source).name,
            completed=self.done_bytes + self.at,
            positions=self.positions,
            rate=self.positions / max(time.monotonic() - self.started, 1e-9),
        )


@contextmanager
def ingest_bar(paths: Sequence[str], quiet: bool) -> Iterator[IngestProgress]:
    """A transient bar on stderr: file, bytes done / total, positions, positions/s, ETA."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from setori.cli.render import stderr

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[positions]:,} positions"),
        TextColumn("{task.fields[rate]:,.0f} pos/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr(), disable=quiet, transient=True) as progress:
        yield IngestProgress(progress, input_bytes(paths))


@contextmanager
def spinner(quiet: bool, first: str) -> Iterator[Progress]:
    """A transient spinner on stderr with a description the caller updates."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from setori.cli.render import stderr

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=stderr(), disable=quiet, transient=True) as progress:
        progress.add_task(first, total=None)
        yield progress
