"""DNA sampling points (police keep them in their jurisdiction; the public finds the nearest) and guidance pages
(written, reviewed, published by a second staff member; only published pages are public; the markup is safe)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeward.accounts.roles import Role
from homeward.portal import services
from homeward.portal.models import GuidanceStatus, SamplingPoint

pytestmark = pytest.mark.django_db


def point(
    county: str = "510107", name: str = "武侯采血点", lat: float | None = 30.64, lon: float | None = 104.04
):
    return services.SamplingPointData(
        county=county,
        name=name,
        address="某某路1号",
        hours="9:00-17:00",
        phone="028-85000001",
        lat=lat,
        lon=lon,
    )


def test_police_keep_points_in_their_own_jurisdiction_only(client, personas, login, audit_rows):
    with audit_rows() as rows:
        created = services.sampling_point_create(actor=personas.investigator_a, data=point())
    assert [r.action for r in rows.new if r.object_type == "portal.samplingpoint"] == ["create"]
    assert created.phone == "+862885000001"
    with pytest.raises(ValidationError) as exc:
        services.sampling_point_create(actor=personas.investigator_a, data=point(county="510106"))
    assert "county" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.sampling_point_create(actor=personas.caseworker_a, data=point())
    login(personas.investigator_b)
    assert client.get(f"/staff/portal/sampling-points/{created.pk}/").status_code == 404
    login(personas.investigator_a)
    response = client.post(
        f"/staff/portal/sampling-points/{created.pk}/",
        {"county": "510107", "name": "新名字", "address": "x", "hours": "y", "phone": "not a phone"},
    )
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert SamplingPoint.objects.get(pk=created.pk).name == "武侯采血点"


def test_public_finds_the_nearest_point_first_and_by_county(client, personas):
    services.sampling_point_create(
        actor=personas.investigator_a, data=point(name="近", lat=30.64, lon=104.04)
    )
    services.sampling_point_create(actor=personas.investigator_b, data=point("510106", "远", 30.70, 104.05))
    services.sampling_point_create(
        actor=personas.investigator_other, data=point("530102", "昆明", 25.04, 102.70)
    )
    far = services.sampling_point_create(
        actor=personas.investigator_a, data=point(name="停用", lat=30.64, lon=104.04)
    )
    SamplingPoint.objects.filter(pk=far.pk).update(is_active=False)
    near_kunming = client.get("/portal/dna/", {"lat": "25.05", "lon": "102.71"})
    names = [item.point.name for item in near_kunming.context["points"]]
    assert names == ["昆明", "近", "远"]
    assert near_kunming.context["points"][0].distance_km < 5
    chengdu = client.get("/portal/dna/", {"city": "510100"}).context["points"]
    assert sorted(item.point.name for item in chengdu) == ["近", "远"]
    junk = client.get("/portal/dna/", {"lat": "nan", "lon": "x", "county": "99"})
    assert junk.status_code == 200 and len(junk.context["points"]) == 3
    api = client.get("/api/v1/portal/sampling-points", {"lat": 30.70, "lon": 104.05}).json()
    assert api[0]["name"] == "远"


def test_guidance_workflow_needs_a_second_person_and_only_published_pages_are_public(
    client, personas, make_user, audit_rows
):
    writer = make_user("wf_a", personas.police_a, [Role.INVESTIGATOR])
    publisher = make_user("sys_prov", personas.police_province, [Role.SYSADMIN])
    page = services.guidance_create(
        actor=writer,
        data=services.GuidanceData(
            slug="safe-kids", language="en", title="Keeping children safe", body="Hello"
        ),
    )
    assert client.get("/portal/learn/safe-kids/").status_code == 404
    with pytest.raises(ValidationError):
        services.guidance_publish(actor=publisher, page_id=page.pk)  # not in review yet
    services.guidance_submit(actor=writer, page_id=page.pk)
    with pytest.raises(PermissionDenied):
        services.guidance_publish(actor=writer, page_id=page.pk)
    with audit_rows() as rows:
        services.guidance_publish(actor=publisher, page_id=page.pk)
    assert [r.detail["to"] for r in rows.new if r.object_type == "portal.guidancepage"] == ["published"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Keeping children safe" in client.get("/portal/learn/").content.decode()
    assert client.get("/portal/learn/safe-kids/").status_code == 200
    services.guidance_update(
        actor=writer,
        page_id=page.pk,
        data=services.GuidanceData(
            slug="safe-kids", language="en", title="Keeping children safe", body="Edited"
        ),
    )
    page.refresh_from_db()
    assert page.status == GuidanceStatus.DRAFT  # an edited text is reviewed again
    assert client.get("/portal/learn/safe-kids/").status_code == 404


def test_author_who_may_publish_still_cannot_publish_own_page(personas, make_user):
    both = make_user("coord", personas.police_province, [Role.PLAN_COORDINATOR])
    page = services.guidance_create(
        actor=both, data=services.GuidanceData(slug="law", language="zh-hans", title="法律", body="正文")
    )
    services.guidance_submit(actor=both, page_id=page.pk)
    with pytest.raises(ValidationError):
        services.guidance_publish(actor=both, page_id=page.pk)


def test_markup_cannot_carry_scripts(client, personas, make_user):
    writer = make_user("wf_b", personas.police_a, [Role.INVESTIGATOR])
    publisher = make_user("sys_b", personas.police_province, [Role.SYSADMIN])
    body = (
        "## Title\n\n<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) **ok**"
    )
    page = services.guidance_create(
        actor=writer, data=services.GuidanceData(slug="xss", language="zh-hans", title="t", body=body)
    )
    services.guidance_submit(actor=writer, page_id=page.pk)
    services.guidance_publish(actor=publisher, page_id=page.pk)
    html = client.get("/portal/learn/xss/").content.decode()
    assert "<script>alert" not in html and "onerror=" not in html.replace("&lt;img src=x onerror=", "")
    assert 'href="javascript' not in html and "<strong>ok</strong>" in html and "<h2>Title</h2>" in html


def test_bad_guidance_input_is_a_form_error(client, personas, login):
    login(personas.investigator_a)
    response = client.post(
        "/staff/portal/guidance/new/", {"slug": "Bad Slug!", "language": "fr", "title": "", "body": ""}
    )
    assert response.status_code == 400
    assert {"slug", "language", "title", "body"} <= set(response.context["form"].errors)
