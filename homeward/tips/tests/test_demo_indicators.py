"""Demo data: every category in every demo county, routed, transferred, merged, converted; idempotent. Indicators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.tips import indicators
from homeward.tips.models import Category, Status, Tip, TipTransfer

pytestmark = pytest.mark.django_db


def test_demo_load_is_complete_and_idempotent(settings):
    from django.urls import get_resolver

    from homeward.demo.services import demo_load

    # Import the URL map with every app mounted before narrowing the demo loaders to this app: the map is built
    # from HOMEWARD_DOMAIN_APPS once per process, and later tests in this worker need the other apps' URLs.
    assert get_resolver().url_patterns
    settings.HOMEWARD_DOMAIN_APPS = ["tips"]
    first = demo_load()
    count = Tip.objects.count()
    for code in ("510107", "510106", "530102"):
        assert set(Tip.objects.filter(division_code=code).values_list("category", flat=True)) == set(
            Category.values
        )
    statuses = set(Tip.objects.values_list("status", flat=True))
    assert {Status.MERGED, Status.CONVERTED, Status.CLOSED, Status.ACKNOWLEDGED} <= statuses
    assert TipTransfer.objects.filter(status="accepted").exists()
    assert Tip.objects.filter(channel="mandatory").count() == 9
    assert all(t.agency_id is not None for t in Tip.objects.all())
    assert "tips" in first.notes
    demo_load()
    assert Tip.objects.count() == count


def test_indicators(personas, public_tip):
    public_tip()
    public_tip(description="看到有人正在抱走小孩", imminent_danger=True)
    now = timezone.now()
    window: dict[str, Any] = {
        "prefix": "51",
        "start": now - timedelta(hours=1),
        "end": now + timedelta(hours=1),
    }
    assert len(list(indicators.events("tips_received", **window))) == 2
    assert len(list(indicators.events("imminent_danger_tips", **window))) == 1
    assert (
        list(indicators.events("tips_received", prefix="53", start=window["start"], end=window["end"])) == []
    )
    assert list(indicators.events("nonsense", **window)) == []
    later: dict[str, Any] = {"prefix": "", "start": now, "end": now + timedelta(days=2)}
    assert len(list(indicators.events("tips_acknowledged_late", **later))) == 2
