"""Atom feed of CAP messages: well-formed, required elements, one CAP link per entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from homeward.engines.cap.atom import ATOM_NS, AtomEntry, AtomError, build_atom_feed
from homeward.engines.cap.message import CHINA_TZ

NS = {"a": ATOM_NS}
UPDATED = datetime(2026, 6, 1, 10, 0, tzinfo=CHINA_TZ)


def _entries() -> list[AtomEntry]:
    return [
        AtomEntry(
            entry_id=f"urn:homeward:alert:{n}",
            title=f"紧急寻找走失儿童 #{n}",
            updated=UPDATED - timedelta(minutes=n),
            cap_url=f"https://homeward.example.cn/api/v1/alerts/{n}/cap",
            summary="北京市东城区",
            published=UPDATED - timedelta(hours=1),
            page_url=f"https://homeward.example.cn/a/{n}",
        )
        for n in (42, 43)
    ]


def test_feed_is_well_formed_with_required_elements() -> None:
    feed = build_atom_feed(
        _entries(),
        "urn:homeward:alerts:cap",
        "Homeward 儿童失踪紧急警报",
        UPDATED,
        self_url="https://homeward.example.cn/alerts/cap.atom",
    )
    root = etree.fromstring(feed)  # raises if not well-formed
    assert root.tag == f"{{{ATOM_NS}}}feed"
    assert root.findtext("a:id", namespaces=NS) == "urn:homeward:alerts:cap"
    assert root.findtext("a:title", namespaces=NS) == "Homeward 儿童失踪紧急警报"
    assert root.findtext("a:updated", namespaces=NS) == "2026-06-01T10:00:00+08:00"
    assert root.findtext("a:author/a:name", namespaces=NS) == "Homeward"
    assert root.find("a:link[@rel='self']", namespaces=NS).get("href").endswith("/alerts/cap.atom")
    entries = root.findall("a:entry", namespaces=NS)
    assert len(entries) == 2
    for entry, n in zip(entries, (42, 43), strict=True):
        assert entry.findtext("a:id", namespaces=NS) == f"urn:homeward:alert:{n}"
        links = entry.findall("a:link[@rel='alternate']", namespaces=NS)
        assert len(links) == 1
        assert links[0].get("type") == "application/cap+xml"
        assert links[0].get("href") == f"https://homeward.example.cn/api/v1/alerts/{n}/cap"
        # RFC 3339 with an explicit offset
        stamp = datetime.fromisoformat(entry.findtext("a:updated", namespaces=NS))
        assert stamp == UPDATED - timedelta(minutes=n)


def test_utc_input_is_rendered_with_offset() -> None:
    feed = build_atom_feed([], "urn:x:feed", "t", datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    root = etree.fromstring(feed)
    assert root.findtext("a:updated", namespaces=NS) == "2026-06-01T10:00:00+08:00"
    assert root.findall("a:entry", namespaces=NS) == []


def test_text_is_escaped() -> None:
    entry = AtomEntry("urn:x:1", "<b>&amp;</b>", UPDATED, "https://h.example/cap?a=1&b=2")
    root = etree.fromstring(build_atom_feed([entry], "urn:x:feed", "t", UPDATED))
    assert root.findtext("a:entry/a:title", namespaces=NS) == "<b>&amp;</b>"
    assert root.find("a:entry/a:link", namespaces=NS).get("href") == "https://h.example/cap?a=1&b=2"


@pytest.mark.parametrize(
    ("entries", "feed_id", "title", "updated", "message"),
    [
        ([], "not an iri", "t", UPDATED, "feed_id"),
        ([], "urn:x:f", " ", UPDATED, "title"),
        ([], "urn:x:f", "t", datetime(2026, 6, 1), "timezone-aware"),
        ([AtomEntry("urn:x:1", "t", UPDATED, "/relative/cap")], "urn:x:f", "t", UPDATED, "cap_url"),
        (
            [
                AtomEntry("urn:x:1", "t", UPDATED, "https://h/c"),
                AtomEntry("urn:x:1", "t", UPDATED, "https://h/c"),
            ],
            "urn:x:f",
            "t",
            UPDATED,
            "duplicate",
        ),
        ([AtomEntry("urn:x:1", "", UPDATED, "https://h/c")], "urn:x:f", "t", UPDATED, r"entries\[0\].title"),
    ],
)
def test_bad_feed_input(entries, feed_id, title, updated, message) -> None:
    with pytest.raises(AtomError, match=message):
        build_atom_feed(entries, feed_id, title, updated)
