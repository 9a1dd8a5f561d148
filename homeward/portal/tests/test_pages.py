"""The public home page: alerts near the visitor (closed alerts gone at once), the page weight budget, the
cascading selects' JSON, and that every public page renders in both languages."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from homeward.alerts.models import AlertStatus

pytestmark = pytest.mark.django_db

WEIGHT_BUDGET = 300 * 1024


def test_home_lists_active_alerts_nearest_first_and_drops_closed_ones(client, released):
    near = released(name="近的孩子", last_seen_lat=30.64, last_seen_lon=104.04)
    far = released(name="远的孩子", last_seen_lat=30.70, last_seen_lon=104.10)
    nearest = client.get("/portal/near/", {"lat": "30.70", "lon": "104.10"}).content.decode()
    assert nearest.index("远的孩子") < nearest.index("近的孩子")
    assert "近的孩子" in client.get("/", {"city": "510100"}).content.decode()
    assert "近的孩子" not in client.get("/", {"province": "530000"}).content.decode()
    type(far).objects.filter(pk=far.pk).update(status=AlertStatus.FOUND)
    home = client.get("/").content.decode()
    assert "近的孩子" in home and "远的孩子" not in home
    closed_page = client.get(f"/alerts/{far.public_id}/").content.decode()
    assert "远的孩子" not in closed_page and "/photos/" not in closed_page
    assert near.public_id


def test_home_page_weight_is_under_budget(client):
    """HTML plus every stylesheet and script it links (served files found by the staticfiles finders)."""
    import re

    html = client.get("/").content
    total = len(html)
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert assets, "the home page links its CSS and JS"
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as handle:
            total += len(handle.read())
    assert total < WEIGHT_BUDGET, total


def test_division_json_for_the_selects(client):
    cities = client.get("/portal/divisions/", {"parent": "510000"}).json()["divisions"]
    assert {"code": "510100", "name": "成都市"} in cities
    assert client.get("/portal/divisions/", {"parent": "<script>"}).json() == {"divisions": []}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_render_in_both_languages(language, personas):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in (
        "/",
        "/portal/family-search/",
        "/portal/family-search/status/",
        "/portal/dna/",
        "/portal/learn/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode(), url
