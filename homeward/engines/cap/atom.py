"""Atom (RFC 4287) feed of CAP messages for partners who poll.

Each entry stands for one alert and links to the alert's latest CAP message with
``rel="alternate" type="application/cap+xml"``, the convention of the OASIS "Example Practices: CAP
Feeds" note. The feed carries no personal data beyond what the caller puts in entry titles and
summaries, so closed alerts should be given neutral titles (or dropped) by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from homeward.engines.cap.message import CAP_MIME_TYPE, CHINA_TZ

ATOM_NS = "http://www.w3.org/2005/Atom"


class AtomError(ValueError):
    """A feed cannot be built from the given entries; the message names the field."""


@dataclass(frozen=True)
class AtomEntry:
    """One feed entry: a stable id (IRI), title, last update and the URL of its CAP message."""

    entry_id: str
    title: str
    updated: datetime
    cap_url: str
    summary: str | None = None
    published: datetime | None = None
    page_url: str | None = None


def format_atom_datetime(value: datetime) -> str:
    """RFC 3339 date-time with an explicit numeric offset (China time), seconds precision."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise AtomError("updated/published must be timezone-aware datetimes")
    local = value.astimezone(CHINA_TZ)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hours:02d}:{rest:02d}"


def _check_iri(value: str, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise AtomError(f"{name}: required")
    parts = urlsplit(value)
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.netloc):
        raise AtomError(f"{name}: {value!r} is not an absolute IRI")


def _sub(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrib=attributes or None)
    if text is not None:
        element.text = text
    return element


def build_atom_feed(
    entries: Sequence[AtomEntry],
    feed_id: str,
    title: str,
    updated: datetime,
    *,
    self_url: str | None = None,
    author: str = "Homeward",
) -> bytes:
    """Render an Atom 1.0 feed (UTF-8 bytes) whose entries link to CAP messages.

    ``feed_id`` and every ``entry_id`` must be absolute IRIs (e.g. ``urn:uuid:...`` or an https URL)
    and stay the same across polls; entry ids must be unique within the feed.
    """
    _check_iri(feed_id, "feed_id")
    if not isinstance(title, str) or not title.strip():
        raise AtomError("title: required")
    if self_url is not None:
        _check_iri(self_url, "self_url")
    seen: set[str] = set()
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _sub(root, "id", feed_id)
    _sub(root, "title", title)
    _sub(root, "updated", format_atom_datetime(updated))
    author_node = _sub(root, "author")
    _sub(author_node, "name", author)
    if self_url is not None:
        _sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    for index, entry in enumerate(entries):
        _check_iri(entry.entry_id, f"entries[{index}].entry_id")
        if entry.entry_id in seen:
            raise AtomError(f"entries[{index}].entry_id: duplicate id {entry.entry_id!r}")
        seen.add(entry.entry_id)
        if not isinstance(entry.title, str) or not entry.title.strip():
            raise AtomError(f"entries[{index}].title: required")
        _check_iri(entry.cap_url, f"entries[{index}].cap_url")
        node = _sub(root, "entry")
        _sub(node, "id", entry.entry_id)
        _sub(node, "title", entry.title)
        _sub(node, "updated", format_atom_datetime(entry.updated))
        if entry.published is not None:
            _sub(node, "published", format_atom_datetime(entry.published))
        _sub(node, "link", rel="alternate", type=CAP_MIME_TYPE, href=entry.cap_url)
        if entry.page_url is not None:
            _check_iri(entry.page_url, f"entries[{index}].page_url")
            _sub(node, "link", rel="related", type="text/html", href=entry.page_url)
        if entry.summary is not None:
            _sub(node, "summary", entry.summary)
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
