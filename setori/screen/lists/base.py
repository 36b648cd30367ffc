"""What every list loader shares: the loaded list, its problems, the format error.

A loader is a generator ``read(path, tally) -> Iterator[EntityProxy]`` that streams
FollowTheMoney entities from one file (or one OFAC CSV set), raising
:class:`ListFormatError` at the first thing it cannot read, and telling ``tally``
the list's version and every value it had to flag. :func:`setori.screen.lists.load_list`
runs it once to the end (so a broken file is rejected before anything is kept) and
returns a :class:`LoadedList` that can stream the same entities again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from followthemoney import EntityProxy

from setori.errors import InputError

ListFormat = Literal["un_xml", "ofac_csv", "ofac_xml", "ofac_advanced", "ftm_json", "watchlist_csv"]
FORMATS: tuple[ListFormat, ...] = (
    "un_xml", "ofac_csv", "ofac_xml", "ofac_advanced", "ftm_json", "watchlist_csv",
)  # fmt: skip


class ListFormatError(InputError):
    """A list file that cannot be read as its format; names the file, the place and the reason."""

    def __init__(self, path: Path | str, where: str, reason: str) -> None:
        self.path, self.where, self.reason = str(path), where, reason
        super().__init__(f"{path}: {where}: {reason}")


@dataclass(frozen=True, slots=True)
class Problem:
    """A value kept as the list's claim but flagged (bad check digit, unknown flag ...)."""

    entity_id: str
    prop: str
    value: str
    reason: str


@dataclass(slots=True)
class Tally:
    """What a reader learns while streaming: version, publication date, flagged values."""

    version: str | None = None
    published: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def flag(self, entity: EntityProxy, prop: str, value: object, reason: str) -> None:
        """Record a flagged value of ``entity``."""
        self.problems.append(Problem(str(entity.id), prop, str(value), reason))


Reader = Callable[[Path, Tally], Iterator[EntityProxy]]


@dataclass(frozen=True, slots=True)
class LoadedList:
    """A list read to the end without error: where it came from, which version, what it holds."""

    list_id: str
    fmt: ListFormat
    path: Path
    source: str  # the publisher and format, e.g. "UN Security Council Consolidated List (XML)"
    version: str  # the list's own version (UN dateGenerated, OFAC highest ent_num ...)
    published: str | None  # ISO date or timestamp the file states, if it states one
    file_date: str  # ISO timestamp (UTC) of the file's modification time
    digest: str  # sha256 of the file bytes (all files of an OFAC CSV set)
    counts: Mapping[str, int]  # entities by FtM schema
    problems: tuple[Problem, ...]
    reader: Reader = field(repr=False)
    files: tuple[Path, ...] = ()  # every file read (an OFAC CSV set: sdn.csv and companions)

    def entities(self) -> Iterator[EntityProxy]:
        """Stream the list's entities again (bounded memory: the file is re-read)."""
        return self.reader(self.path, Tally())

    def records(self) -> Iterator[dict[str, Any]]:
        """The entities as FtM JSON dicts with their ``caption``, ready for the store."""
        for entity in self.entities():
            yield {**entity.to_dict(), "caption": entity.caption}

    def summary(self) -> dict[str, Any]:
        """The list's metadata as plain JSON (no entities); ``flagged`` lists the problems."""
        return {
            "list_id": self.list_id, "format": self.fmt, "path": str(self.path),
            "source": self.source, "version": self.version, "published": self.published,
            "file_date": self.file_date, "digest": self.digest, "counts": dict(self.counts),
            "files": [str(f) for f in self.files or (self.path,)],
            "problems": len(self.problems),
            "flagged": [asdict(p) for p in self.problems],
        }  # fmt: skip


def run_reader(reader: Reader, path: Path) -> tuple[Tally, Counter[str]]:
    """Read ``path`` to the end once, counting entities by schema."""
    tally, counts = Tally(), Counter[str]()
    for entity in reader(path, tally):
        counts[entity.schema.name] += 1
    return tally, counts


def file_digest(paths: list[Path]) -> str:
    """sha256 over the bytes of ``paths`` in order."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def file_date(path: Path) -> str:
    """The file's modification time as an ISO timestamp in UTC."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).isoformat(timespec="seconds")
