"""Ingest, screening, clustering, review → tip, masking and retraining through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from homeward.screening import selectors, services
from homeward.screening.models import (
    Cluster,
    IngestBatch,
    LeadTip,
    Post,
    PostState,
    RiskModelVersion,
    Verdict,
)
from homeward.screening.services import PostInput, parse_upload

from .conftest import INNOCENT, SELLER, SELLER_2

pytestmark = pytest.mark.django_db


def test_manual_post_keeps_original_and_normalised_text_and_is_screened(personas: Any, screened: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    assert post.text == SELLER
    assert "微信" in post.normalised and "13812345678" in post.normalised
    assert post.state == PostState.SCREENED
    assert post.jurisdiction == "510107"
    assert post.risk > 0.8 and "illegal_adoption" in post.categories
    assert any("营养费" in r for r in post.reasons)
    kinds = {pl.lead.kind: pl.lead.value for pl in post.post_leads.select_related("lead")}
    assert kinds == {"phones": "+8613812345678", "wechat": "abc123"}
    assert post.facts["places"][0]["code"].startswith("5101")


def test_ingest_writes_one_audit_row_and_screening_one_more(personas: Any, audit_rows: Any) -> None:
    with audit_rows() as rows:
        batch = services.posts_ingest(
            actor=personas.investigator_a, source="manual", items=[(1, PostInput(text=SELLER))]
        )
    assert [(r.action, r.object_type) for r in rows.new] == [("create", "screening.ingestbatch")]
    with audit_rows() as rows:
        assert services.posts_screen(post_ids=[p.pk for p in batch.posts.all()]) == 1
    assert len(rows.new) == 1 and rows.new[0].actor_label == "screening"


def test_screening_is_idempotent(personas: Any, screened: Any, audit_rows: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    with audit_rows() as rows:
        assert services.posts_screen(post_ids=[post.pk]) == 0
    assert rows.new == []
    assert post.post_leads.count() == 2


def test_caseworker_may_not_ingest(personas: Any, audit_rows: Any) -> None:
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        services.posts_ingest(actor=personas.caseworker_a, source="manual", items=[(1, PostInput(text="x"))])
    assert [r.outcome for r in rows.new] == ["denied"]


def test_partner_retry_is_a_duplicate_not_a_second_post(partner: Any) -> None:
    item = [(1, PostInput(text=SELLER, external_id="p-1", platform="demo"))]
    services.posts_ingest(actor=partner, source="api", items=item)
    again = services.posts_ingest(actor=partner, source="api", items=item)
    assert (again.accepted, again.duplicates) == (0, 1)
    assert Post.objects.filter(external_id="p-1").count() == 1


def test_partner_post_is_routed_to_the_county_it_names(partner: Any) -> None:
    batch = services.posts_ingest(
        actor=partner, source="api", items=[(1, PostInput(text=SELLER, external_id="9"))]
    )
    assert batch.posts.get().jurisdiction == "000000"
    services.posts_screen(post_ids=[p.pk for p in batch.posts.all()])
    assert batch.posts.get().jurisdiction == "510107"


def test_screening_a_batch_costs_the_same_queries_for_10_or_40_posts(partner: Any) -> None:
    """Screening is batched: posts are written with one prepared statement, divisions for routing are looked
    up once, leads stored in bulk, one audit row - so the query count does not grow with the batch, and every
    post still gets its own screened fields and county."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, start in ((10, 0), (40, 100)):
        items = [
            (i + 1, PostInput(text=f"{SELLER} 编号{start + i}", external_id=str(start + i))) for i in range(n)
        ]
        batch = services.posts_ingest(actor=partner, source="api", items=items)
        ids = list(batch.posts.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            assert services.posts_screen(post_ids=ids) == n
        counts.append(len(ctx.captured_queries))
        screened = list(Post.objects.filter(pk__in=ids))
        assert all(p.state == PostState.SCREENED for p in screened)
        assert all(p.jurisdiction == "510107" and p.risk > 0 and p.categories for p in screened)
        assert all(p.normalised and isinstance(p.category_scores, dict) for p in screened)
    # cluster bookkeeping may add a query or two as the group grows; per-post queries would add 30+
    assert counts[1] <= counts[0] + 5, counts


# -- upload parsing -------------------------------------------------------------------------------------------


def test_jsonl_upload_reports_bad_lines_with_numbers() -> None:
    content = "\n".join(
        [
            '{"id": 1, "text": "男宝送养"}',
            "{not json",
            "[1, 2]",
            '{"id": 2}',
            "",
            '{"id": 3, "text": "ok", "colour": "red"}',
            '{"id": 4, "text": "ok", "posted_at": "yesterday"}',
            '{"id": 5, "text": "' + "长" * 5001 + '"}',
            '{"id": true, "text": "ok"}',
            '{"id": 6, "text": "ok", "division_code": "999999"}',
        ]
    ).encode()
    items, errors, read = parse_upload(name="posts.jsonl", content=content)
    assert [n for n, _p in items] == [1]
    assert [e["line"] for e in errors] == [2, 3, 4, 6, 7, 8, 9, 10]
    assert "JSON" in errors[0]["error"] and "colour" in errors[3]["error"]
    assert read == 9


def test_csv_upload_with_line_numbers() -> None:
    content = 'id,text,platform\n1,"男宝送养, 营养费5万",weibo\n2,,weibo\n3,ok,weibo,extra\n'.encode()
    items, errors, read = parse_upload(name="p.csv", content=content)
    assert [(n, p.external_id, p.platform) for n, p in items] == [(2, "1", "weibo")]
    assert [e["line"] for e in errors] == [3, 4]
    assert read == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.csv", b"id,body\n1,x\n", "text"),
        ("p.jsonl", b"\xff\xfe\x00", "UTF-8"),
        ("p.jsonl", b"{}" + b" " * (6 * 1024 * 1024), "MB"),
    ],
)
def test_unreadable_files_are_refused(name: str, content: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_upload(name=name, content=content)


def test_upload_summary_keeps_line_errors(personas: Any) -> None:
    items, errors, read = parse_upload(name="p.jsonl", content=b'{"text": "a post"}\nnope\n')
    batch = services.posts_ingest(
        actor=personas.investigator_a,
        source="upload",
        items=items,
        errors=errors,
        received=read,
        filename="p.jsonl",
    )
    batch = IngestBatch.objects.get(pk=batch.pk)
    assert (batch.received, batch.accepted, batch.errors[0]["line"]) == (2, 1, 2)


def test_division_outside_jurisdiction_is_a_line_error(personas: Any) -> None:
    batch = services.posts_ingest(
        actor=personas.investigator_a,
        source="upload",
        items=[(1, PostInput(text="x", division_code="530102")), (2, PostInput(text="y"))],
    )
    assert batch.accepted == 1 and batch.errors[0]["line"] == 1


# -- clustering -----------------------------------------------------------------------------------------------


def test_near_duplicates_with_changed_contacts_form_one_cluster(personas: Any, screened: Any) -> None:
    posts = screened(personas.investigator_a, SELLER, SELLER_2, INNOCENT)
    a, b, c = (Post.objects.get(pk=p.pk) for p in posts)
    assert a.cluster_id is not None and a.cluster_id == b.cluster_id
    assert c.cluster_id is None
    cluster = Cluster.objects.get(pk=a.cluster_id)
    assert cluster.size == 2 and cluster.anchor_id == a.pk and cluster.jurisdiction == "510107"
    assert "送养" in cluster.template["rendered"] and cluster.template["variants"]


def test_posts_sharing_a_contact_are_grouped(personas: Any, screened: Any) -> None:
    posts = screened(
        personas.investigator_a, "出售出生证，加V❤: abc123 详谈", "今天天气很好，大家好，有事加V❤: abc123"
    )
    a, b = (Post.objects.get(pk=p.pk) for p in posts)
    assert a.cluster_id == b.cluster_id is not None


def test_cluster_spanning_counties_belongs_to_their_prefecture(personas: Any, screened: Any) -> None:
    (a,) = screened(personas.investigator_a, SELLER)
    screened(personas.investigator_b, SELLER_2)
    cluster = Cluster.objects.get(pk=Post.objects.get(pk=a.pk).cluster_id or 0)
    assert cluster.jurisdiction == "510100" and cluster.size == 2
    with pytest.raises(Http404):
        selectors.cluster_get(actor=personas.investigator_a, cluster_id=cluster.pk)
    assert selectors.cluster_get(actor=personas.provincial, cluster_id=cluster.pk) == cluster


def test_common_division() -> None:
    assert services.common_division(["510107"]) == "510107"
    assert services.common_division(["510107", "510106"]) == "510100"
    assert services.common_division(["510107", "511002"]) == "510000"
    assert services.common_division(["510107", "530102"]) == "000000"


# -- masking and reads ----------------------------------------------------------------------------------------


def test_queue_masks_leads_and_orders_by_risk_then_cluster_size(personas: Any, screened: Any) -> None:
    screened(personas.investigator_a, INNOCENT, SELLER, SELLER_2)
    queue = list(selectors.post_queue(actor=personas.investigator_a))
    assert [p.risk for p in queue] == sorted((p.risk for p in queue), reverse=True)
    masked = selectors.masked_leads(queue)
    flat = " ".join(v for values in masked.values() for _k, v in values)
    assert "138****5678" in flat and "13812345678" not in flat and "abc123" not in flat


def test_queue_filters_by_category_on_every_database(personas: Any, screened: Any) -> None:
    posts = screened(personas.investigator_a, INNOCENT, SELLER, SELLER_2)
    flagged = {c for p in posts for c in p.categories}
    assert flagged, "the seller posts are flagged with a category"
    category = sorted(flagged)[0]
    queue = selectors.post_queue(
        actor=personas.investigator_a, filters=selectors.QueueFilter(category=category)
    )
    assert {p.pk for p in queue} == {p.pk for p in posts if category in p.categories}


def test_full_leads_only_through_an_audited_read(personas: Any, screened: Any, audit_rows: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    with audit_rows() as rows:
        read = selectors.post_get(actor=personas.investigator_a, post_id=post.pk)
    assert [(r.action, r.object_id) for r in rows.new] == [("read", str(post.pk))]
    leads = selectors.leads_for(actor=personas.investigator_a, posts=[read])
    assert {v.value for v in leads} == {"+8613812345678", "abc123"}
    pieces = selectors.highlighted(read, leads)
    assert "".join(p for _k, p in pieces) == SELLER
    assert ("wechat", "abc123") in pieces


def test_other_county_gets_404_and_a_denied_row(personas: Any, screened: Any, audit_rows: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    with audit_rows() as rows, pytest.raises(Http404):
        selectors.post_get(actor=personas.investigator_b, post_id=post.pk)
    assert [r.outcome for r in rows.new] == ["denied"]
    for call in (
        lambda: services.post_label(actor=personas.investigator_b, post_id=post.pk, verdict="not"),
        lambda: services.post_tip_create(actor=personas.investigator_b, post_id=post.pk),
    ):
        with pytest.raises(Http404):
            call()
    assert list(selectors.post_queue(actor=personas.investigator_b)) == []


def test_lead_seen_in_several_posts_is_linked_and_searchable(
    personas: Any, screened: Any, audit_rows: Any
) -> None:
    first, second = screened(personas.investigator_a, SELLER, "代办出生证，电话13812345678，价格面议")
    (elsewhere,) = screened(personas.investigator_b, "电话13812345678，出售出生证")
    leads = selectors.leads_for(actor=personas.investigator_a, posts=[first])
    phone = next(v for v in leads if v.kind == "phones")
    assert [p.pk for p in phone.other_posts] == [second.pk]  # the county-B post stays hidden
    with audit_rows() as rows:
        found = selectors.lead_search(actor=personas.provincial, kind="phones", value="138 1234 5678")
    assert {p.pk for p in found} == {first.pk, second.pk, elsewhere.pk}
    assert len(rows.new) == 1 and "13812345678" not in str(rows.new[0].detail)
    with pytest.raises(ValidationError):
        selectors.lead_search(actor=personas.provincial, kind="email", value="x")


# -- review → tip ---------------------------------------------------------------------------------------------


def test_review_then_tip_routed_to_the_county(personas: Any, screened: Any, audit_rows: Any) -> None:
    from homeward.tips import selectors as tip_selectors

    (post,) = screened(personas.investigator_b, SELLER)  # entered in county B, the post names 武侯区
    with audit_rows() as rows:
        services.post_label(actor=personas.investigator_b, post_id=post.pk, verdict="trafficking")
    assert len(rows.new) == 1
    post.refresh_from_db()
    assert (post.verdict, post.category) == ("trafficking", "illegal_adoption")
    assert post.labels.count() == 1
    with audit_rows() as rows:
        post = services.post_tip_create(actor=personas.investigator_b, post_id=post.pk)
    assert sorted(r.object_type for r in rows.new) == ["screening.post", "tips.tip"]
    tip = tip_selectors.tip_get(actor=personas.investigator_a, tip_id=post.tip_id)
    assert tip.agency == personas.police_a and tip.category == "illegal_adoption"
    assert "abc123" in tip.description and "+8613812345678" in tip.description
    assert {(k.kind, k.value) for k in tip.keys.all()} >= {("phone", "+8613812345678")}
    assert LeadTip.objects.filter(tip_id=tip.pk).count() == 2
    # Asking again returns the same tip, writes nothing.
    with audit_rows() as rows:
        again = services.post_tip_create(actor=personas.investigator_b, post_id=post.pk)
    assert again.tip_id == tip.pk and [r.outcome for r in rows.new] == []
    # The lead is now linked to the tip, for those who may see the tip.
    (other,) = screened(personas.investigator_a, "急售男宝，电话13812345678")
    leads = selectors.leads_for(actor=personas.investigator_a, posts=[other])
    assert leads[0].tips == [(tip.pk, tip.reference)]


def test_tip_needs_a_trafficking_label(personas: Any, screened: Any) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    with pytest.raises(ValidationError):
        services.post_tip_create(actor=personas.investigator_a, post_id=post.pk)
    services.post_label(actor=personas.investigator_a, post_id=post.pk, verdict="not")
    with pytest.raises(ValidationError):
        services.post_tip_create(actor=personas.investigator_a, post_id=post.pk)


@pytest.mark.parametrize(
    ("verdict", "category", "note"),
    [("maybe", "", ""), ("trafficking", "organ_trade", ""), ("unsure", "", "x" * 501)],
)
def test_bad_labels_are_refused(personas: Any, screened: Any, verdict: str, category: str, note: str) -> None:
    (post,) = screened(personas.investigator_a, SELLER)
    with pytest.raises(ValidationError):
        services.post_label(
            actor=personas.investigator_a, post_id=post.pk, verdict=verdict, category=category, note=note
        )


def test_trafficking_label_needs_a_category_when_the_engine_found_none(personas: Any, screened: Any) -> None:
    (post,) = screened(personas.investigator_a, INNOCENT)
    with pytest.raises(ValidationError, match="kind of trafficking"):
        services.post_label(actor=personas.investigator_a, post_id=post.pk, verdict="trafficking")


def test_command_centre_reads_but_does_not_label(personas: Any, screened: Any, make_user: Any) -> None:
    from homeward.accounts.roles import Role

    officer = make_user("cc_a", personas.police_a, [Role.COMMAND_CENTRE])
    (post,) = screened(personas.investigator_a, SELLER)
    assert selectors.post_get(actor=officer, post_id=post.pk) == post
    with pytest.raises(PermissionDenied):
        services.post_label(actor=officer, post_id=post.pk, verdict="not")


def test_cluster_label_and_tip(personas: Any, screened: Any, audit_rows: Any) -> None:
    posts = screened(personas.investigator_a, SELLER, SELLER_2)
    cluster_id = Post.objects.get(pk=posts[0].pk).cluster_id or 0
    with audit_rows() as rows:
        services.cluster_label(actor=personas.investigator_a, cluster_id=cluster_id, verdict="trafficking")
    assert len(rows.new) == 1
    assert set(Post.objects.filter(cluster_id=cluster_id).values_list("verdict", flat=True)) == {
        "trafficking"
    }
    cluster = services.cluster_tip_create(actor=personas.investigator_a, cluster_id=cluster_id)
    assert cluster.tip_id is not None
    assert set(Post.objects.filter(cluster_id=cluster_id).values_list("tip_id", flat=True)) == {
        cluster.tip_id
    }
    assert LeadTip.objects.filter(tip_id=cluster.tip_id).count() == 4  # two phones, two WeChat IDs
    with pytest.raises(Http404):
        services.cluster_label(actor=personas.investigator_b, cluster_id=cluster_id, verdict="not")


# -- retraining -----------------------------------------------------------------------------------------------


def test_retrain_needs_labels_then_stores_a_version(personas: Any, screened: Any, audit_rows: Any) -> None:
    with pytest.raises(ValidationError, match="Not enough labels"):
        services.model_retrain(actor=personas.provincial)
    screened(personas.investigator_a, "今天去武侯祠逛了逛")  # stays unlabelled
    sellers = screened(personas.investigator_a, *[f"{SELLER}{i}" for i in range(6)])
    innocent = screened(personas.investigator_a, *[f"{INNOCENT}{i}" for i in range(6)])
    for p in sellers:
        services.post_label(actor=personas.investigator_a, post_id=p.pk, verdict="trafficking")
    for p in innocent:
        services.post_label(actor=personas.investigator_a, post_id=p.pk, verdict=Verdict.NOT)
    with pytest.raises(PermissionDenied):
        services.model_retrain(actor=personas.investigator_a)  # county level: not for the national model
    with audit_rows() as rows:
        version = services.model_retrain(actor=personas.provincial)
    assert len(rows.new) == 1
    assert (version.version, version.training_size, version.active) == (1, 12, True)
    assert version.label_counts == {"illegal_adoption": 6, "none": 6}
    (new,) = screened(personas.investigator_a, SELLER_2)
    assert new.model_version == 1
    # Unlabelled posts screened before the retrain are rescored by the task the retrain enqueues.
    (old,) = [p for p in Post.objects.filter(verdict="") if p.model_version is None]
    assert services.posts_rescore(version=1) == 1
    assert services.posts_rescore(version=1) == 0
    assert Post.objects.get(pk=old.pk).model_version == 1
    second = services.model_retrain(actor=None)
    assert second.version == 2 and list(RiskModelVersion.objects.filter(active=True)) == [second]


def test_cluster_list_masks_a_contact_every_post_shares(personas: Any, screened: Any) -> None:
    screened(personas.investigator_a, "出售出生证，加V❤: abc123 详谈", "出售出生证，加V❤: abc123 面谈")
    (cluster,) = selectors.cluster_list(actor=personas.investigator_a)
    assert "abc123" in cluster.template["rendered"]
    assert "abc123" not in selectors.masked_template(cluster) and "ab***" in selectors.masked_template(
        cluster
    )
