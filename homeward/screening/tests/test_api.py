"""The screening API: partner push, queue (masked), post and cluster (full, audited), labels, tips, 404s, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from homeward.screening.models import Post

from .conftest import INNOCENT, SELLER, SELLER_2

pytestmark = pytest.mark.django_db
BASE = "/api/v1/screening"


def _post(client: Any, url: str, body: Any, **headers: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_partner_pushes_posts_with_per_item_errors(client: Any, partner_key: str, audit_rows: Any) -> None:
    body = {
        "posts": [
            {"id": "a1", "text": SELLER, "platform": "demo"},
            {"id": "a2"},
            {"id": "a3", "text": "x", "zz": 1},
        ]
    }
    with audit_rows() as rows:
        response = _post(client, f"{BASE}/posts", body, HTTP_X_API_KEY=partner_key)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["received"], data["accepted"], data["pending"]) == (3, 1, 1)
    assert [e["line"] for e in data["errors"]] == [2, 3]
    assert [r.action for r in rows.new if r.object_type == "screening.ingestbatch"] == ["create"]
    again = _post(client, f"{BASE}/posts", body, HTTP_AUTHORIZATION=f"Bearer {partner_key}").json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    status = client.get(f"{BASE}/batches/{data['id']}", HTTP_X_API_KEY=partner_key)
    assert status.status_code == 200 and status.json()["accepted"] == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"posts": []}, 422),
        ({"posts": [{"text": "x"}], "extra": 1}, 422),
        ({"items": []}, 422),
        ({"posts": [{"text": "x"}] * 1001}, 422),
    ],
)
def test_push_bad_envelopes(client: Any, partner_key: str, body: Any, status: int) -> None:
    assert _post(client, f"{BASE}/posts", body, HTTP_X_API_KEY=partner_key).status_code == status


def test_push_malformed_json_and_no_credentials(client: Any, partner_key: str) -> None:
    bad = client.post(
        f"{BASE}/posts", data="{nope", content_type="application/json", HTTP_X_API_KEY=partner_key
    )
    assert bad.status_code in (400, 422)
    assert _post(client, f"{BASE}/posts", {"posts": [{"text": "x"}]}).status_code == 401


def test_partner_may_not_read_the_queue(client: Any, partner_key: str) -> None:
    assert client.get(f"{BASE}/posts", HTTP_X_API_KEY=partner_key).status_code == 403


def test_queue_is_masked_and_post_is_full(personas: Any, screened: Any, login: Any, client: Any) -> None:
    a, _b, _c = screened(personas.investigator_a, SELLER, SELLER_2, INNOCENT)
    login(personas.investigator_a)
    queue = client.get(f"{BASE}/posts")
    assert queue.status_code == 200
    text = queue.content.decode()
    assert "138****5678" in text and "13812345678" not in text and "abc123" not in text
    assert queue.json()[0]["cluster_size"] == 2
    post = client.get(f"{BASE}/posts/{a.pk}").json()
    assert {lead["value"] for lead in post["leads"]} == {"+8613812345678", "abc123"}
    assert post["text"] == SELLER and "微信" in post["normalised"]
    assert client.get(f"{BASE}/posts?min_risk=2").status_code == 422


def test_county_b_gets_404_everywhere(personas: Any, screened: Any, login: Any, client: Any) -> None:
    a, _b = screened(personas.investigator_a, SELLER, SELLER_2)
    cluster = Post.objects.get(pk=a.pk).cluster_id
    login(personas.investigator_b)
    assert client.get(f"{BASE}/posts/{a.pk}").status_code == 404
    assert client.get(f"{BASE}/clusters/{cluster}").status_code == 404
    assert _post(client, f"{BASE}/posts/{a.pk}/label", {"verdict": "not"}).status_code == 404
    assert _post(client, f"{BASE}/posts/{a.pk}/tip", {}).status_code == 404
    assert _post(client, f"{BASE}/clusters/{cluster}/label", {"verdict": "not"}).status_code == 404
    assert _post(client, f"{BASE}/clusters/{cluster}/tip", {}).status_code == 404
    assert client.get(f"{BASE}/posts").json() == []
    assert client.get(f"{BASE}/posts/999999").status_code == 404


def test_label_and_tip_through_the_api(personas: Any, screened: Any, login: Any, client: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    login(personas.investigator_a)
    assert _post(client, f"{BASE}/posts/{post.pk}/tip", {}).status_code == 400
    assert _post(client, f"{BASE}/posts/{post.pk}/label", {"verdict": "maybe"}).status_code == 422
    assert _post(client, f"{BASE}/posts/{post.pk}/label", {"verdict": "not", "x": 1}).status_code == 422
    labelled = _post(client, f"{BASE}/posts/{post.pk}/label", {"verdict": "trafficking"})
    assert labelled.status_code == 200 and labelled.json()["verdict"] == "trafficking"
    tip = _post(client, f"{BASE}/posts/{post.pk}/tip", {})
    assert tip.status_code == 201
    assert Post.objects.get(pk=post.pk).tip_reference


def test_cluster_api_shows_the_template(personas: Any, screened: Any, login: Any, client: Any) -> None:
    screened(personas.investigator_a, SELLER, SELLER_2)
    login(personas.investigator_a)
    (summary,) = client.get(f"{BASE}/clusters").json()
    detail = client.get(f"{BASE}/clusters/{summary['id']}").json()
    assert detail["size"] == 2 and "送养" in detail["template"]
    assert any("abc123" in v or "xyz789" in v for slot in detail["variants"] for v in slot)
    assert len(detail["posts"]) == 2
    assert client.get(f"{BASE}/clusters?status=bogus").status_code == 422


def test_lead_search_api(personas: Any, screened: Any, login: Any, client: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    login(personas.investigator_a)
    found = client.get(f"{BASE}/leads", {"kind": "wechat", "value": "ABC123"}).json()
    assert [p["id"] for p in found] == [post.pk]
    assert client.get(f"{BASE}/leads", {"kind": "email", "value": "x"}).status_code == 422
    assert client.get(f"{BASE}/leads", {"kind": "qq", "value": "1" * 65}).status_code == 422


def test_retrain_api_is_for_province_level(personas: Any, login: Any, client: Any) -> None:
    login(personas.investigator_a)
    assert client.post(f"{BASE}/models/retrain").status_code == 403
    login(personas.provincial)
    response = client.post(f"{BASE}/models/retrain")
    body = response.json()["detail"]
    assert response.status_code == 400 and ("Not enough labels" in body or "标注不足" in body)
