"""Demo data, indicators, the retrain command and the background task."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from homeward.accounts.roles import AgencyType, Role
from homeward.screening import demo, indicators, services
from homeward.screening.models import Cluster, Post, PostState
from homeward.screening.services import PostInput

from .conftest import INNOCENT, SELLER, SELLER_2

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_with_clusters_disguised_contacts_and_a_tip(personas: Any, make_user: Any) -> None:
    from homeward.accounts.services import agency_create, user_create

    make_user("investigator_wuhou", personas.police_a, [Role.INVESTIGATOR])
    platform = agency_create(
        actor=None, name="演示平台", type=AgencyType.PARTNER_PLATFORM, division_code="000000"
    )
    user_create(
        actor=None,
        username="partner_demo",
        password=None,
        agency=platform,
        roles=[Role.PARTNER_PLATFORM],
        api_only=True,
    )
    report = SimpleNamespace(notes={})
    demo.load(report)
    assert "14 posts" in report.notes["screening"]
    assert Post.objects.filter(state=PostState.SCREENED).count() == 14
    wuhou = Post.objects.get(external_id="demo-1")
    assert wuhou.jurisdiction == "510107" and wuhou.cluster is not None and wuhou.cluster.size == 4
    assert wuhou.cluster.tip_id is not None
    # The QQ number disguised as 扣扣/企鹅 links the traditional-character post with its twin.
    assert (
        Post.objects.get(external_id="demo-5").cluster_id == Post.objects.get(external_id="demo-6").cluster_id
    )
    # The reused WeChat ID ties the job ad to the bride campaign.
    assert (
        Post.objects.get(external_id="demo-10").cluster_id
        == Post.objects.get(external_id="demo-8").cluster_id
    )
    assert Post.objects.get(external_id="demo-11").risk < 0.5
    demo.load(report)
    assert Post.objects.count() == 14 and "0 posts" in report.notes["screening"]


def test_indicators(personas: Any, screened: Any) -> None:
    posts = screened(personas.investigator_a, SELLER, SELLER_2, INNOCENT)
    services.post_label(actor=personas.investigator_a, post_id=posts[0].pk, verdict="trafficking")
    services.post_label(
        actor=personas.investigator_a, post_id=posts[0].pk, verdict="trafficking", note="again"
    )
    now = timezone.now()
    window = {"start": now - timedelta(days=1), "end": now + timedelta(days=1)}
    assert len(list(indicators.events("posts_ingested", prefix="51", **window))) == 3
    assert len(list(indicators.events("posts_ingested", prefix="53", **window))) == 0
    assert [code for code, _at in indicators.events("clusters", prefix="", **window)] == ["510107"]
    assert len(list(indicators.events("posts_confirmed", prefix="5101", **window))) == 1
    assert list(indicators.events("unknown", prefix="", **window)) == []
    assert set(indicators.INDICATORS) == {"posts_ingested", "clusters", "posts_confirmed"}


def test_retrain_command(personas: Any, screened: Any) -> None:
    with pytest.raises(CommandError, match="Not enough labels"):
        call_command("screening_retrain")


def test_ingest_enqueues_screening_on_commit(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    from homeward.screening.tasks import screen_posts

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.posts_ingest(
            actor=personas.investigator_a, source="manual", items=[(1, PostInput(text=SELLER))]
        )
    assert len(callbacks) == 1
    post = batch.posts.get()
    assert post.state == PostState.PENDING
    assert screen_posts.call([post.pk]) == 1
    assert screen_posts.call([post.pk]) == 0  # a retried task does nothing twice
    post.refresh_from_db()
    assert post.state == PostState.SCREENED


def test_cluster_survives_reclustering_unchanged(personas: Any, screened: Any) -> None:
    screened(personas.investigator_a, SELLER, SELLER_2)
    before = list(Cluster.objects.values_list("pk", "size", "anchor_id"))
    assert services.clusters_refresh() == 0
    assert list(Cluster.objects.values_list("pk", "size", "anchor_id")) == before
