"""Streaming the records of a large XML list file in bounded memory (``lxml.etree.iterparse``).

Each wanted element is yielded once complete, with namespaces stripped from its
subtree (``{http://tempuri.org/sdnList.xsd}uid`` → ``uid``), then freed with the siblings
read before it. Broken XML (a truncated download) raises :class:`ListFormatError`
naming the line lxml stopped at.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, TypeAlias

from lxml import etree  # type: ignore[import-untyped]  # no lxml-stubs in the environment

from setori.screen.lists.base import ListFormatError

#: ``lxml.etree._Element``; typed loosely because lxml ships no type information.
Element: TypeAlias = Any


def local(tag: object) -> str:
    """The tag without its namespace."""
    return str(etree.QName(tag).localname) if isinstance(tag, str) else ""


def stream(
    path: Path, tags: Collection[str], *, on_root: Callable[[Element], None] | None = None
) -> Iterator[Element]:
    """Yield each complete element whose local name is in ``tags``.

    ``on_root`` sees the root element first (its attributes are read; its children are not).
    """
    events = etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True
    )
    try:
        for event, elem in events:
            if event == "start":
                if on_root is not None and elem.getparent() is None:
                    on_root(elem)
            elif local(elem.tag) in tags:
                yield _stripped(elem)
                _free(elem)
    except etree.XMLSyntaxError as exc:
        raise ListFormatError(path, f"line {exc.lineno}", f"broken XML: {exc.msg}") from exc


def root_tag(path: Path) -> str | None:
    """The local name of the file's root element, or None when it does not parse that far."""
    try:
        for _, elem in etree.iterparse(str(path), events=("start",), no_network=True):
            return local(elem.tag)
    except etree.XMLSyntaxError:
        return None
    return None


def _stripped(elem: Element) -> Element:
    for node in elem.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = local(node.tag)
    return elem


def _free(elem: Element) -> None:
    elem.clear()
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def text(elem: Element, path: str) -> str | None:
    """Stripped text at ``path`` under ``elem``, or None when absent or blank."""
    value = elem.findtext(path)
    return value.strip() or None if value is not None else None


def where(elem: Element) -> str:
    """``line N <tag>`` for error messages."""
    return f"line {elem.sourceline} <{local(elem.tag)}>"
