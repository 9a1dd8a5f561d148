"""Staff pages: queue, post, cluster, label/tip forms, upload and manual entry with bad input, 404 for county B."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from homeward.screening.models import IngestBatch, Post

from .conftest import INNOCENT, SELLER, SELLER_2

pytestmark = pytest.mark.django_db


def test_queue_page_masks_leads(personas: Any, screened: Any, login: Any, client: Any) -> None:
    screened(personas.investigator_a, SELLER, SELLER_2, INNOCENT)
    login(personas.investigator_a)
    page = client.get(reverse("screening:queue")).content.decode()
    assert "138****5678" in page and "13812345678" not in page and "abc123" not in page


def test_post_page_shows_leads_in_full_and_audits(
    personas: Any, screened: Any, login: Any, client: Any, audit_rows: Any
) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    login(personas.investigator_a)
    with audit_rows() as rows:
        page = client.get(reverse("screening:post", args=[post.pk]))
    assert page.status_code == 200
    assert "+8613812345678" in page.content.decode() and "<mark" in page.content.decode()
    assert [(r.action, r.object_type) for r in rows.new] == [("read", "screening.post")]


def test_county_b_gets_404_on_pages(personas: Any, screened: Any, login: Any, client: Any) -> None:
    a, _b = screened(personas.investigator_a, SELLER, SELLER_2)
    cluster = Post.objects.get(pk=a.pk).cluster_id
    batch = Post.objects.get(pk=a.pk).batch_id
    login(personas.investigator_b)
    for name, args in (("post", [a.pk]), ("cluster", [cluster]), ("batch", [batch])):
        assert client.get(reverse(f"screening:{name}", args=args)).status_code == 404
    for name, args in (
        ("post-label", [a.pk]),
        ("post-tip", [a.pk]),
        ("cluster-label", [cluster]),
        ("cluster-tip", [cluster]),
    ):
        assert client.post(reverse(f"screening:{name}", args=args), {"verdict": "not"}).status_code == 404


def test_caseworker_is_refused(personas: Any, login: Any, client: Any) -> None:
    login(personas.caseworker_a)
    assert client.get(reverse("screening:queue")).status_code == 403


def test_label_form_then_tip_button(personas: Any, screened: Any, login: Any, client: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    login(personas.investigator_a)
    bad = client.post(reverse("screening:post-label", args=[post.pk]), {"verdict": "maybe"})
    assert bad.status_code == 400
    ok = client.post(
        reverse("screening:post-label", args=[post.pk]), {"verdict": "trafficking", "category": ""}
    )
    assert ok.status_code == 302
    page = client.get(reverse("screening:post", args=[post.pk])).content.decode()
    assert reverse("screening:post-tip", args=[post.pk]) in page
    client.post(reverse("screening:post-tip", args=[post.pk]))
    assert Post.objects.get(pk=post.pk).tip_id is not None


def test_cluster_page_shows_the_template(personas: Any, screened: Any, login: Any, client: Any) -> None:
    a, _b = screened(personas.investigator_a, SELLER, SELLER_2)
    login(personas.investigator_a)
    cluster = Post.objects.get(pk=a.pk).cluster_id
    page = client.get(reverse("screening:cluster", args=[cluster])).content.decode()
    assert "⟨" in page and "xyz789" in page
    assert f"C{cluster}" in client.get(reverse("screening:clusters")).content.decode()


def test_upload_reports_line_errors(personas: Any, login: Any, client: Any) -> None:
    login(personas.investigator_a)
    content = f'{{"id": 1, "text": "{SELLER}"}}\n{{broken\n{{"id": 3}}\n'.encode()
    response = client.post(
        reverse("screening:upload"),
        {"file": SimpleUploadedFile("posts.jsonl", content, "application/x-ndjson")},
    )
    assert response.status_code == 302
    batch = IngestBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert batch.accepted == 1 and [e["line"] for e in batch.errors] == [2, 3]
    assert "JSON" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [("p.csv", b"id,body\n1,x\n"), ("p.jsonl", b"\xff\xfe"), ("p.jsonl", b"")],
)
def test_unreadable_upload_is_a_form_error(
    personas: Any, login: Any, client: Any, name: str, content: bytes
) -> None:
    login(personas.investigator_a)
    response = client.post(reverse("screening:upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert IngestBatch.objects.count() == 0


def test_manual_entry(personas: Any, login: Any, client: Any) -> None:
    login(personas.investigator_a)
    assert client.post(reverse("screening:manual"), {"text": ""}).status_code == 400
    assert client.post(reverse("screening:manual"), {"text": "x" * 5001}).status_code == 400
    assert (
        client.post(reverse("screening:manual"), {"text": "ok", "url": "javascript:alert(1)"}).status_code
        == 400
    )
    response = client.post(
        reverse("screening:manual"), {"text": SELLER, "platform": "微博", "external_id": "w1"}
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.text == SELLER and post.source == "manual"
    again = client.post(reverse("screening:manual"), {"text": SELLER, "external_id": "w1"})
    assert again.status_code == 400


def test_lead_search_page(personas: Any, screened: Any, login: Any, client: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    login(personas.investigator_a)
    page = client.get(reverse("screening:leads"), {"kind": "phones", "value": "13812345678"}).content.decode()
    assert f"P{post.pk}" in page and "13812345678" not in page.split("<table")[1]


def test_models_page_and_retrain_button(personas: Any, login: Any, client: Any) -> None:
    login(personas.investigator_a)
    assert client.get(reverse("screening:models")).status_code == 200
    assert client.post(reverse("screening:models")).status_code == 403  # county level: not the national model
    login(personas.provincial)
    page = client.get(reverse("screening:models")).content.decode()
    assert "Retrain" in page or "重新训练" in page
