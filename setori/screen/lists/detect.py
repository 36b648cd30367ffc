"""Which loader reads a file: :func:`detect_format`, and :func:`load_list`, the entry point."""

from __future__ import annotations

import csv
import re
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
XML_ROOTS: dict[str, ListFormat] = {
    "CONSOLIDATED_LIST": "un_xml", "sdnList": "ofac_xml", "Sanctions": "ofac_advanced",
}  # fmt: skip


def load_list(
    path: Path | str, *, fmt: ListFormat | None = None, list_id: str | None = None
) -> LoadedList:
    """Read a sanctions list or watchlist to the end and describe it.

    ``fmt`` is detected when not given (:func:`detect_format`); ``list_id`` defaults to
    ``unsc`` / ``ofac`` for the official lists, else the file's stem. A file that is
    broken anywhere raises :class:`~setori.screen.lists.base.ListFormatError` (naming the
    file, the line or element and the reason) and nothing of it is returned.
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
    try:
        tally, counts = run_reader(reader, path)
        files = ofac_csv.files_of(path) if fmt == "ofac_csv" else [path]
        digest, stamp = file_digest(files), file_date(files[0])
    except OSError as exc:
        raise UnreadableInputError(f"cannot read list file {str(path)!r}: {exc}") from exc
    return LoadedList(
        list_id=list_id, fmt=fmt, path=path, source=source,
        version=tally.version or f"sha256:{digest[:12]}", published=tally.published,
        file_date=stamp, digest=digest, counts=dict(counts),
        problems=tuple(tally.problems), reader=reader,
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
