"""Staff pages of the portal: the menu entries by role, the guidance editor's review and publishing through the
pages, sampling points created from the form, and the public JSON API."""

from __future__ import annotations

import pytest

from homeward.accounts.roles import Role
from homeward.portal.models import GuidancePage, GuidanceStatus, SamplingPoint
from homeward.portal.nav import nav_items

pytestmark = pytest.mark.django_db


def test_menu_entries_follow_the_roles(personas, make_user):
    police = [url for _label, url in nav_items(personas.investigator_a)]
    assert "/staff/portal/registrations/" in police and "/staff/portal/sampling-points/" in police
    publisher = make_user("pub", personas.police_province, [Role.SYSADMIN])
    assert [url for _label, url in nav_items(publisher)] == ["/staff/portal/guidance/"]
    assert nav_items(personas.auditor_a) == []


def test_write_review_publish_through_the_pages(client, personas, make_user, login):
    publisher = make_user("pub", personas.police_province, [Role.SYSADMIN])
    login(personas.investigator_a)
    preview = client.post(
        "/staff/portal/guidance/new/",
        {
            "slug": "rewards",
            "language": "zh-hans",
            "title": "举报奖励",
            "body": "## 标题\n\n正文",
            "preview": "1",
        },
    )
    assert preview.status_code == 200 and "<h2>标题</h2>" in preview.content.decode()
    assert not GuidancePage.objects.exists()
    saved = client.post(
        "/staff/portal/guidance/new/",
        {"slug": "rewards", "language": "zh-hans", "title": "举报奖励", "body": "## 标题\n\n正文"},
    )
    page = GuidancePage.objects.get()
    assert (
        saved.status_code == 302 and page.jurisdiction == "510107" and page.author == personas.investigator_a
    )
    assert client.post(f"/staff/portal/guidance/{page.pk}/submit/").status_code == 302
    assert client.post(f"/staff/portal/guidance/{page.pk}/publish/").status_code == 403  # a writer only
    login(publisher)
    assert "举报奖励" in client.get("/staff/portal/guidance/").content.decode()
    assert client.post(f"/staff/portal/guidance/{page.pk}/publish/").status_code == 302
    page.refresh_from_db()
    assert page.status == GuidanceStatus.PUBLISHED and page.published_by == publisher
    assert client.get("/portal/learn/rewards/").status_code == 200
    client.post(f"/staff/portal/guidance/{page.pk}/return/", {"note": "奖励金额已调整，请更新"})
    page.refresh_from_db()
    assert page.status == GuidanceStatus.DRAFT and page.review_note
    assert client.get("/portal/learn/rewards/").status_code == 404
    login(personas.investigator_b)
    assert client.get(f"/staff/portal/guidance/{page.pk}/").status_code == 404


def test_sampling_point_from_the_form(client, personas, login):
    login(personas.investigator_a)
    form = client.get("/staff/portal/sampling-points/new/")
    assert form.context["form"].initial["county"] == "510107"
    response = client.post(
        "/staff/portal/sampling-points/new/",
        {
            "county": "510107", "name": "武侯采血点", "address": "某某路1号", "hours": "9:00-17:00",
            "phone": "028-85000001", "what_to_bring": "身份证", "lat": "30.64", "lon": "104.04", "is_active": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302 and SamplingPoint.objects.get().is_active
    assert "武侯采血点" in client.get("/staff/portal/sampling-points/").content.decode()
    bad = client.post("/staff/portal/sampling-points/new/", {"county": "510107", "lat": "30.6"})
    assert bad.status_code == 400 and SamplingPoint.objects.count() == 1


def test_public_api_lists_alerts_near_without_personal_details(client, released):
    released(name="近的孩子", last_seen_lat=30.64, last_seen_lon=104.04)
    rows = client.get("/api/v1/portal/alerts-near", {"lat": 30.64, "lon": 104.04}).json()
    assert rows[0]["name"] == "近的孩子" and rows[0]["distance_km"] == 0.0
    assert set(rows[0]) == {"url", "name", "place", "last_seen_at", "distance_km"}
    assert client.get("/api/v1/portal/alerts-near", {"lat": "north"}).status_code == 422
