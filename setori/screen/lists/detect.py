"""Which loader reads a file: :func:`detect_format`; :func:`load_list` and :func:`load_lists`,
the entry points (the second groups an OFAC CSV set given as several files)."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from setori.errors import UnknownFormatError, UnreadableInputError
from setori.screen.lists import (
    ftm_json,
    ofac_advanced,
    ofac_csv,
    ofac_xml,
    un_xml,
    watchlist_csv,
)
from setori.screen.lists.base import (
    FORMATS,
    ListFormat,
    LoadedList,
    Reader,
    file_date,
    file_digest,
    run_reader,
)
from setori.screen.lists.xmlstream import root_tag

READERS: dict[ListFormat, tuple[Reader, str]] = {
    "un_xml": (un_xml.read, un_xml.SOURCE),
    "ofac_csv": (ofac_csv.read, ofac_csv.SOURCE),
    "ofac_xml": (ofac_xml.read, ofac_xml.SOURCE),
    "ofac_advanced": (ofac_advanced.read, ofac_advanced.SOURCE),
    "ftm_json": (ftm_json.read, ftm_json.SOURCE),
    "watchlist_csv": (watchlist_csv.read, watchlist_csv.SOURCE),
}
#: The list id a format gets by default (its entity ids start with it too).
DEFAULT_LIST_IDS: dict[ListFormat, str] = {
    "un_xml": "unsc", "ofac_csv": "ofac", "ofac_xml": "ofac", "ofac_advanced": "ofac",
}  # fmt: skip
#: What each companion file of an OFAC legacy CSV set holds.
COMPANIONS = {"add.csv": "addresses", "alt.csv": "aliases", "sdn_comments.csv": "remarks overflow"}
XML_ROOTS: dict[str, ListFormat] = {
    "CONSOLIDATED_LIST": "un_xml", "sdnList": "ofac_xml", "Sanctions": "ofac_advanced",
}  # fmt: skip


def load_lists(paths: Sequence[Path | str], *, list_id: str | None = None) -> list[LoadedList]:
    """Read the lists named by ``paths``, one :class:`LoadedList` per list, in order.

    The companion files of an OFAC legacy CSV set (``add.csv``, ``alt.csv``,
    ``sdn_comments.csv``, recognised by name or by the shape of their rows) join the
    ``sdn.csv`` given with them, so ``sdn.csv add.csv alt.csv sdn_comments.csv`` is one
    list (``ofac``); with several ``sdn.csv``, each takes the companions of its own folder.
    A companion without an ``sdn.csv`` is an error that says so.
    """
    files = [Path(p) for p in paths]
    kinds = {p: ofac_csv.companion_kind(p) if _is_csv_file(p) else None for p in files}
    mains = [p for p in files if kinds[p] is None]
    sets: dict[Path, dict[str, Path]] = {p: {} for p in mains if _is_ofac_csv(p)}
    for path in (p for p in files if kinds[p] is not None):
        kind = str(kinds[path])
        owner = _owner_of(path, kind, list(sets))
        if kind in sets[owner]:
            raise UnknownFormatError(
                f"two {kind} files for {str(owner)!r}: {str(sets[owner][kind])!r} and "
                f"{str(path)!r}; expected one of each companion"
            )
        sets[owner][kind] = path
    return [load_list(p, list_id=list_id, companions=sets.get(p)) for p in mains]


def _lone_companion(path: Path, kind: str) -> UnknownFormatError:
    return UnknownFormatError(
        f"{str(path)!r} is the {COMPANIONS[kind]} file ({kind}) of an OFAC legacy CSV set, "
        "not a list of its own; load it together with its sdn.csv "
        "(setori lists load sdn.csv add.csv alt.csv sdn_comments.csv)"
    )


def _is_csv_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in (".csv", ".txt")


def _is_ofac_csv(path: Path) -> bool:
    return path.exists() and detect_format(path) == "ofac_csv"


def _owner_of(path: Path, kind: str, sdn_files: list[Path]) -> Path:
    """The ``sdn.csv`` (or set folder) a companion file belongs to."""
    if len(sdn_files) == 1:
        return sdn_files[0]
    beside = [s for s in sdn_files if (s if s.is_dir() else s.parent) == path.parent]
    if len(beside) == 1:
        return beside[0]
    if not sdn_files:
        raise _lone_companion(path, kind)
    raise UnknownFormatError(
        f"cannot tell which sdn.csv the companion {str(path)!r} belongs to "
        f"({len(beside)} of {len(sdn_files)} sit in its folder); load one set at a time"
    )


def load_list(
    path: Path | str,
    *,
    fmt: ListFormat | None = None,
    list_id: str | None = None,
    companions: Mapping[str, Path] | None = None,
) -> LoadedList:
    """Read a sanctions list or watchlist to the end and describe it.

    ``fmt`` is detected when not given (:func:`detect_format`); ``list_id`` defaults to
    ``unsc`` / ``ofac`` for the official lists, else the file's stem. A file that is
    broken anywhere raises :class:`~setori.screen.lists.base.ListFormatError` (naming the
    file, the line or element and the reason) and nothing of it is returned.
    ``companions`` (OFAC CSV only) names the set's other files by kind
    (:func:`~setori.screen.lists.ofac_csv.files_of`).
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableInputError(f"list file {str(path)!r} does not exist")
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise UnknownFormatError(f"list format {fmt!r}; expected one of {list(FORMATS)}")
    list_id = list_id or DEFAULT_LIST_IDS.get(fmt) or _slug(path.stem)
    reader, source = READERS[fmt]
    if fmt == "watchlist_csv":
        reader = partial(watchlist_csv.read_as, prefix=list_id)
    if fmt == "ofac_csv" and companions:
        reader = partial(ofac_csv.read, companions=dict(companions))
    try:
        tally, counts = run_reader(reader, path)
        files = ofac_csv.files_of(path, companions) if fmt == "ofac_csv" else [path]
        digest, stamp = file_digest(files), file_date(files[0])
    except OSError as exc:
        raise UnreadableInputError(f"cannot read list file {str(path)!r}: {exc}") from exc
    return LoadedList(
        list_id=list_id, fmt=fmt, path=path, source=source,
        version=tally.version or f"sha256:{digest[:12]}", published=tally.published,
        file_date=stamp, digest=digest, counts=dict(counts),
        problems=tuple(tally.problems), reader=reader, files=tuple(files),
    )  # fmt: skip


def detect_format(path: Path | str) -> ListFormat:
    """The list format of ``path`` from its name and first bytes (a folder: OFAC CSV)."""
    path = Path(path)
    if path.is_dir():
        if (path / "sdn.csv").is_file():
            return "ofac_csv"
        raise UnknownFormatError(f"folder {str(path)!r} holds no sdn.csv; expected an OFAC CSV set")
    head = _head(path)
    if head.startswith("<"):
        return _xml_format(path)
    if head.startswith("{"):
        return "ftm_json"
    if path.name.lower() == "sdn.csv" or _looks_like_sdn(head):
        return "ofac_csv"
    if (kind := ofac_csv.companion_kind(path)) is not None:
        raise _lone_companion(path, kind)
    if path.suffix.lower() in (".csv", ".txt"):
        return "watchlist_csv"
    raise UnknownFormatError(
        f"cannot tell the list format of {str(path)!r} (starts {head[:40]!r}); "
        f"give fmt= one of {list(FORMATS)}"
    )


def _head(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            raw = fh.read(4096)
    except OSError as exc:
        raise UnreadableInputError(f"cannot read list file {str(path)!r}: {exc}") from exc
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def _xml_format(path: Path) -> ListFormat:
    root = root_tag(path)
    if root in XML_ROOTS:
        return XML_ROOTS[root]
    raise UnknownFormatError(
        f"XML file {str(path)!r} has root <{root}>; expected one of {sorted(XML_ROOTS)}"
    )


def _looks_like_sdn(head: str) -> bool:
    first = next(csv.reader(head.splitlines()[:1]), [])
    return len(first) == len(ofac_csv.SDN_COLUMNS) and first[0].strip().isdigit()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "list"
