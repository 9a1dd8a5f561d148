"""Who sees the DNA database: police DNA staff only; everyone else gets 404 on every page and API endpoint;
another county's records are 404 like missing ones; profile reads and exports are audited with their purpose."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from homeward.audit.models import AuditAction, AuditEvent, AuditOutcome
from homeward.dna import services
from homeward.dna.models import Candidate, Search

from .test_search import make_family, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(lab, sim, committed, run_searches):
    fam, dad, mom = make_family(lab, sim, "FAM-W", committed)
    run_searches()
    with committed():
        child = register(lab.examiner, "Q-W", "child_unknown_origin", sim.child(dad, mom), amel="XY")
    run_searches()
    batch = services.profiles_import(
        actor=lab.examiner, content='{"samples": []}', options=services.ImportOptions(fmt="json")
    )
    cand = Candidate.objects.filter(query=child).order_by("-log10_lr").first()
    assert cand is not None
    search = Search.objects.get(sample=child)
    flag_sample = fam.samples.first()
    return {
        "sample": child.pk,
        "family": fam.pk,
        "search": search.pk,
        "candidate": cand.pk,
        "batch": batch.pk,
        "table": lab.table.pk,
        "flag_sample": flag_sample.pk,
    }


def page_urls(w):
    return [
        reverse("dna:home"),
        reverse("dna:samples"),
        reverse("dna:sample-create"),
        reverse("dna:sample", args=[w["sample"]]),
        reverse("dna:profile", args=[w["sample"]]) + "?purpose=quality+check",
        reverse("dna:export", args=[w["sample"]]) + "?purpose=quality+check",
        reverse("dna:families"),
        reverse("dna:family-create"),
        reverse("dna:family", args=[w["family"]]),
        reverse("dna:search", args=[w["search"]]),
        reverse("dna:candidates"),
        reverse("dna:candidate", args=[w["candidate"]]),
        reverse("dna:import"),
        reverse("dna:import-detail", args=[w["batch"]]),
        reverse("dna:tables"),
        reverse("dna:duplicates"),
    ]


def post_urls(w):
    return [
        reverse("dna:sample-search", args=[w["sample"]]),
        reverse("dna:sample-clear", args=[w["sample"]]),
        reverse("dna:sample-withdraw", args=[w["sample"]]),
        reverse("dna:family-search", args=[w["family"]]),
        reverse("dna:search-sign-off", args=[w["search"]]),
        reverse("dna:candidate-decide", args=[w["candidate"], "confirm"]),
        reverse("dna:candidate-decide", args=[w["candidate"], "countersign"]),
        reverse("dna:candidate-decide", args=[w["candidate"], "reject"]),
        reverse("dna:table-activate", args=[w["table"]]),
        reverse("dna:duplicate-resolve", args=[1]),
    ]


def api_calls(w):
    s, c = w["sample"], w["candidate"]
    return [
        ("get", "/api/v1/dna/samples", None),
        ("post", "/api/v1/dna/samples", {"accession": "X-1", "category": "rescued_child"}),
        ("get", f"/api/v1/dna/samples/{s}", None),
        ("get", f"/api/v1/dna/samples/{s}/profile?purpose=quality+check", None),
        ("post", f"/api/v1/dna/samples/{s}/search", {"purpose": "again please"}),
        ("get", f"/api/v1/dna/samples/{s}/registration", None),
        ("post", f"/api/v1/dna/samples/{s}/clear-for-registration", {}),
        ("post", "/api/v1/dna/families", {}),
        ("get", f"/api/v1/dna/families/{w['family']}", None),
        ("post", "/api/v1/dna/imports", {"format": "json", "content": "[]"}),
        ("get", f"/api/v1/dna/searches/{w['search']}", None),
        ("post", f"/api/v1/dna/searches/{w['search']}/sign-off", {}),
        ("get", "/api/v1/dna/candidates", None),
        ("get", f"/api/v1/dna/candidates/{c}", None),
        ("post", f"/api/v1/dna/candidates/{c}/confirm", {}),
        ("post", f"/api/v1/dna/candidates/{c}/countersign", {}),
        ("post", f"/api/v1/dna/candidates/{c}/reject", {"reason": "not related"}),
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ["caseworker_a", "investigator_a"])
def test_non_dna_staff_get_404_on_every_page_and_endpoint(world, personas, login, client, who):
    user = getattr(personas, who)
    login(user)
    for url in page_urls(world):
        assert client.get(url).status_code == 404, url
    for url in post_urls(world):
        assert client.post(url, {"purpose": "x" * 10, "reason": "x" * 10}).status_code == 404, url
    for method, url, body in api_calls(world):
        response = call(client, method, url, body)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found"}
    denied = AuditEvent.objects.filter(actor=user, action=AuditAction.PERMISSION_DENIED)
    assert denied.count() >= len(page_urls(world)) + len(api_calls(world))
    home = client.get("/staff/").content.decode()
    # Look for the DNA database's menu entry, not the bare word: a random CSRF token can contain "DNA", and the
    # portal's "DNA sampling points" entry is open to other police roles.
    assert 'href="/staff/dna/' not in home
    assert "DNA 数据库" not in home


def test_examiner_of_county_b_gets_404_on_county_a_records(world, lab, login, client):
    login(lab.examiner_b)
    assert client.get(reverse("dna:home")).status_code == 200
    for url in [*page_urls(world)[3:6], page_urls(world)[8], page_urls(world)[9], page_urls(world)[11]]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("dna:import-detail", args=[world["batch"]])).status_code == 404
    for method, url, body in api_calls(world):
        if "/samples/" in url or "/families/" in url or "/searches/" in url or "/candidates/" in url:
            assert call(client, method, url, body).status_code == 404, url
    assert client.get("/api/v1/dna/candidates").json() == []


def test_examiner_pages_work(world, lab, login, client):
    login(lab.examiner)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("dna:candidate", args=[world["candidate"]])).content.decode()
    assert "FAM-W-F" in detail and "FAM-W-M" in detail and "Q-W" in detail
    assert client.get(reverse("dna:candidate-decide", args=[world["candidate"], "bogus"])).status_code == 405
    assert client.post(reverse("dna:candidate-decide", args=[world["candidate"], "bogus"])).status_code == 404


def test_profile_read_and_export_are_audited_with_purpose(world, lab, login, client, audit_rows):
    login(lab.examiner)
    with audit_rows() as rows:
        page = client.get(reverse("dna:profile", args=[world["sample"]]) + "?purpose=quality+check")
    assert page.status_code == 200
    [row] = rows.new
    assert row.action == AuditAction.READ and row.purpose == "profile: quality check"
    with audit_rows() as rows:
        export = client.get(reverse("dna:export", args=[world["sample"]]) + "?purpose=court+or+case+report")
    assert export["Content-Type"] == "application/json" and export.json()["samples"][0]["accession"] == "Q-W"
    [row] = rows.new
    assert row.action == AuditAction.EXPORT and row.purpose == "court or case report"
    # Without a purpose there is no profile.
    response = client.get(reverse("dna:profile", args=[world["sample"]]))
    assert response.status_code == 302
    assert client.get(f"/api/v1/dna/samples/{world['sample']}/profile").status_code == 422


def test_every_search_writes_an_audit_row(world, lab, login, client, audit_rows):
    login(lab.examiner)
    with audit_rows() as rows:
        response = client.post(
            f"/api/v1/dna/samples/{world['sample']}/search",
            {"purpose": "family asked again"},
            content_type="application/json",
        )
    assert response.status_code == 202
    [row] = rows.new
    assert row.action == AuditAction.SEARCH and row.purpose == "family asked again"
    with audit_rows() as rows:
        client.post(reverse("dna:family-search", args=[world["family"]]), {"purpose": "new relative typed"})
    assert [r.action for r in rows.new] == [AuditAction.SEARCH]


def test_civil_affairs_cannot_create_dna_records_even_through_services(world, personas):
    from django.http import Http404

    for call_ in (
        lambda: services.family_create(actor=personas.caseworker_a),
        lambda: services.sample_register(
            actor=personas.caseworker_a, data=services.SampleData(accession="CA-1", category="rescued_child")
        ),
        lambda: services.profiles_import(
            actor=personas.caseworker_a, content="[]", options=services.ImportOptions(fmt="json")
        ),
    ):
        with pytest.raises(Http404):
            call_()
    assert AuditEvent.objects.filter(actor=personas.caseworker_a, outcome=AuditOutcome.SUCCESS).count() == 0


def test_api_bad_input(world, lab, login, client):
    login(lab.examiner)
    post = lambda url, body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    assert (
        post(
            "/api/v1/dna/samples", {"accession": "X-2", "category": "rescued_child", "name": "张三"}
        ).status_code
        == 422
    )
    assert post("/api/v1/dna/samples", {"accession": "X-3", "category": "martian"}).status_code == 422
    bad = post(
        "/api/v1/dna/samples",
        {"accession": "X-4", "category": "rescued_child", "genotypes": {"TH01": "6/7/8"}},
    )
    assert bad.status_code == 400 and "genotypes" in bad.json()["detail"]
    bad = post("/api/v1/dna/samples", {"accession": "X-5", "category": "father"})
    assert bad.status_code == 400 and "family" in bad.json()["detail"]
    assert post("/api/v1/dna/imports", {"format": "xml", "content": ""}).status_code == 422
    imported = post(
        "/api/v1/dna/imports", {"format": "json", "content": '{"samples": [{"accession": "??"}]}'}
    )
    assert imported.status_code == 201 and imported.json()["n_refused_rows"] == 1
    assert post(f"/api/v1/dna/candidates/{world['candidate']}/reject", {"reason": "no"}).status_code == 422
    assert client.get("/api/v1/dna/samples/999999").status_code == 404
    created = post("/api/v1/dna/samples", {"accession": "X-6", "category": "rescued_child"})
    assert created.status_code == 201 and created.json()["n_loci"] == 0


def test_page_form_errors(world, lab, login, client):
    login(lab.examiner)
    response = client.post(reverse("dna:sample-create"), {"accession": "!", "category": "father"})
    assert response.status_code == 200 and "errors" in response.content.decode()
    response = client.post(
        reverse("dna:sample-create"),
        {"accession": "OK-1", "category": "rescued_child", "genotypes": "garbage"},
    )
    assert response.status_code == 200 and not Search.objects.filter(sample__accession="OK-1").exists()
    response = client.post(reverse("dna:family-create"), {"reference": "bad ref!"})
    assert response.status_code == 200 and "errors" in response.content.decode()


def test_a_refused_service_call_keeps_its_denied_audit_row(lab, sim, audit_rows):
    """Services roll back on a refusal; the denial recorded inside is written again after the rollback."""
    sample = register(lab.examiner, "Q-DENY", "child_unknown_origin", sim.founder("male"))
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        services.sample_withdraw(actor=lab.examiner_b, sample_id=sample.pk, reason="not my county's sample")
    assert [(e.actor, e.action) for e in rows.new] == [(lab.examiner_b, AuditAction.PERMISSION_DENIED)]
    with audit_rows() as rows, pytest.raises(Http404):
        services.search_request(actor=lab.examiner_b, sample_id=sample.pk, purpose="check the sample")
    assert [(e.actor, e.outcome, e.object_id) for e in rows.new] == [
        (lab.examiner_b, AuditOutcome.DENIED, str(sample.pk))
    ]


def test_api_candidate_detail_and_review_answer_the_documented_schema(world, lab, login, client):
    """Found by `make fuzz`: the detail answer (GET, confirm, reject) was a 500 — the candidate's resolvers ran again
    on the already-resolved dict."""
    login(lab.examiner)
    detail = client.get(f"/api/v1/dna/candidates/{world['candidate']}")
    assert detail.status_code == 200, detail.content[:300]
    body = detail.json()
    assert body["id"] == world["candidate"] and body["query"] and isinstance(body["references"], list)
    assert isinstance(body["loci"], list)
    rejected = client.post(
        f"/api/v1/dna/candidates/{world['candidate']}/reject",
        json.dumps({"reason": "not related: excluded at several loci"}),
        content_type="application/json",
    )
    assert rejected.status_code == 200, rejected.content[:300]
    assert rejected.json()["status"] != body["status"]
