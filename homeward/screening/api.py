"""JSON API of the screening app, mounted at /api/v1/screening/.

Partner platforms push flagged posts (`POST /posts`, authenticated by their partner key); reviewers read the
queue (leads masked), a post or cluster (full leads, audited), label, and turn confirmed posts into tips.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from homeward.core.schemas import StrictSchema
from homeward.screening import selectors, services
from homeward.screening.models import Cluster, IngestBatch, LeadKind, Post, RiskCategory, Source, Verdict

router = Router(tags=["screening"])
MAX_POSTS_PER_PUSH = 1000


class PushIn(StrictSchema):
    # Items are checked one by one so that one bad post does not refuse the others; see the batch's errors.
    posts: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_POSTS_PER_PUSH)


class BatchOut(Schema):
    id: int
    source: str
    received: int
    accepted: int
    duplicates: int
    errors: list[dict[str, Any]]
    screened: int
    pending: int
    created_at: datetime


def _batch_out(batch: IngestBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "source": batch.source,
        "received": batch.received,
        "accepted": batch.accepted,
        "duplicates": batch.duplicates,
        "errors": batch.errors,
        "created_at": batch.created_at,
        **selectors.batch_progress(batch),
    }


class LeadMasked(Schema):
    kind: str
    value: str


class PostSummary(Schema):
    id: int
    jurisdiction: str
    platform: str
    author: str
    posted_at: datetime | None
    risk: float
    categories: list[str]
    cluster: int | None
    cluster_size: int
    verdict: str
    leads: list[LeadMasked]


def _summaries(posts: list[Post]) -> list[dict[str, Any]]:
    masked = selectors.masked_leads(posts)
    return [
        {
            "id": p.pk,
            "jurisdiction": p.jurisdiction,
            "platform": p.platform,
            "author": p.author,
            "posted_at": p.posted_at,
            "risk": p.risk,
            "categories": p.categories,
            "cluster": p.cluster_id,
            "cluster_size": p.cluster.size if p.cluster_id and p.cluster else 1,
            "verdict": p.verdict,
            "leads": [{"kind": k, "value": v} for k, v in masked[p.pk]],
        }
        for p in posts
    ]


class LeadOut(Schema):
    kind: str
    value: str
    spans: list[tuple[int, int]]
    detail: dict[str, Any]
    other_posts: list[int]
    other_posts_total: int
    tips: list[str]


class PostOut(Schema):
    id: int
    jurisdiction: str
    source: str
    external_id: str
    platform: str
    author: str
    url: str
    posted_at: datetime | None
    text: str
    normalised: str
    state: str
    risk: float
    categories: list[str]
    category_scores: dict[str, float]
    reasons: list[str]
    places: list[dict[str, Any]]
    amounts: list[dict[str, Any]]
    cluster: int | None
    verdict: str
    category: str
    tip: str
    leads: list[LeadOut]


def _leads_out(views: list[selectors.LeadView]) -> list[dict[str, Any]]:
    return [
        {
            "kind": v.kind,
            "value": v.value,
            "spans": v.spans,
            "detail": v.detail,
            "other_posts": [p.pk for p in v.other_posts],
            "other_posts_total": v.other_posts_total,
            "tips": [ref for _id, ref in v.tips],
        }
        for v in views
    ]


def _post_out(request: HttpRequest, post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "jurisdiction": post.jurisdiction,
        "source": post.source,
        "external_id": post.external_id,
        "platform": post.platform,
        "author": post.author,
        "url": post.url,
        "posted_at": post.posted_at,
        "text": post.text,
        "normalised": post.normalised,
        "state": post.state,
        "risk": post.risk,
        "categories": post.categories,
        "category_scores": post.category_scores,
        "reasons": post.reasons,
        "places": post.facts.get("places", []),
        "amounts": post.facts.get("amounts", []),
        "cluster": post.cluster_id,
        "verdict": post.verdict,
        "category": post.category,
        "tip": post.tip_reference,
        "leads": _leads_out(selectors.leads_for(actor=request.user, posts=[post])),
    }


class QueueIn(Schema):
    status: str = Field("open", pattern="^(open|labelled|all|pending)$")
    category: RiskCategory | None = None
    min_risk: float | None = Field(None, ge=0, le=1)
    platform: str = Field("", max_length=60)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class LabelIn(StrictSchema):
    verdict: Verdict
    category: RiskCategory | None = None
    note: str = Field("", max_length=500)


class ClusterSummary(Schema):
    id: int
    jurisdiction: str
    size: int
    max_risk: float
    verdict: str
    category: str
    template: str
    tip: str


class ClusterOut(ClusterSummary):
    constants: list[str]
    variants: list[list[str]]
    posts: list[PostSummary]
    leads: list[LeadOut]


def _cluster_summary(c: Cluster) -> dict[str, Any]:
    return {
        "id": c.pk,
        "jurisdiction": c.jurisdiction,
        "size": c.size,
        "max_risk": c.max_risk,
        "verdict": c.verdict,
        "category": c.category,
        "template": selectors.masked_template(c),
        "tip": c.tip_reference,
    }


class LeadSearchIn(Schema):
    kind: LeadKind
    value: str = Field(min_length=1, max_length=64)


class ModelVersionOut(Schema):
    version: int
    created_at: datetime
    training_size: int
    label_counts: dict[str, int]
    active: bool


@router.post("/posts", response={201: BatchOut})
def push_posts(request: HttpRequest, payload: PushIn) -> Status[Any]:
    items: list[tuple[int, services.PostInput]] = []
    errors: list[dict[str, Any]] = []
    for number, raw in enumerate(payload.posts, start=1):
        try:
            items.append((number, services.clean_post_input(raw)))
        except ValidationError as exc:
            errors.append({"line": number, "error": " ".join(exc.messages)})
    source = Source.API if request.user.has_role("partner_platform") else Source.UPLOAD  # type: ignore[union-attr]
    batch = services.posts_ingest(
        actor=request.user, source=source, items=items, errors=errors, received=len(payload.posts)
    )
    return Status(201, _batch_out(batch))


@router.get("/batches/{batch_id}", response=BatchOut)
def get_batch(request: HttpRequest, batch_id: int) -> Any:
    return _batch_out(selectors.batch_get(actor=request.user, batch_id=batch_id))


@router.get("/posts", response=list[PostSummary])
def queue(request: HttpRequest, filters: Query[QueueIn]) -> Any:
    posts = selectors.post_queue(
        actor=request.user,
        filters=selectors.QueueFilter(
            status=filters.status,
            category=filters.category or "",
            min_risk=filters.min_risk,
            platform=filters.platform,
        ),
    )
    return _summaries(list(posts[filters.offset : filters.offset + filters.limit]))


@router.get("/posts/{post_id}", response=PostOut)
def get_post(request: HttpRequest, post_id: int) -> Any:
    return _post_out(request, selectors.post_get(actor=request.user, post_id=post_id, purpose="api read"))


@router.post("/posts/{post_id}/label", response=PostSummary)
def label_post(request: HttpRequest, post_id: int, payload: LabelIn) -> Any:
    post = services.post_label(
        actor=request.user,
        post_id=post_id,
        verdict=payload.verdict,
        category=payload.category or "",
        note=payload.note,
    )
    return _summaries([post])[0]


@router.post("/posts/{post_id}/tip", response={201: PostSummary})
def tip_from_post(request: HttpRequest, post_id: int) -> Status[Any]:
    post = services.post_tip_create(actor=request.user, post_id=post_id)
    return Status(201, _summaries([post])[0] | {"verdict": post.verdict})


class ClusterFilter(Schema):
    status: str = Field("open", pattern="^(open|labelled|all)$")


@router.get("/clusters", response=list[ClusterSummary])
def clusters(request: HttpRequest, filters: Query[ClusterFilter]) -> Any:
    return [
        _cluster_summary(c) for c in selectors.cluster_list(actor=request.user, status=filters.status)[:200]
    ]


@router.get("/clusters/{cluster_id}", response=ClusterOut)
def get_cluster(request: HttpRequest, cluster_id: int) -> Any:
    cluster = selectors.cluster_get(actor=request.user, cluster_id=cluster_id, purpose="api read")
    posts = selectors.cluster_posts(actor=request.user, cluster=cluster)
    return _cluster_summary(cluster) | {
        "template": str(cluster.template.get("rendered", "")),
        "constants": cluster.template.get("constants", []),
        "variants": cluster.template.get("variants", []),
        "posts": _summaries(posts),
        "leads": _leads_out(selectors.leads_for(actor=request.user, posts=posts)),
    }


@router.post("/clusters/{cluster_id}/label", response=ClusterSummary)
def label_cluster(request: HttpRequest, cluster_id: int, payload: LabelIn) -> Any:
    cluster = services.cluster_label(
        actor=request.user,
        cluster_id=cluster_id,
        verdict=payload.verdict,
        category=payload.category or "",
        note=payload.note,
    )
    return _cluster_summary(cluster)


@router.post("/clusters/{cluster_id}/tip", response={201: ClusterSummary})
def tip_from_cluster(request: HttpRequest, cluster_id: int) -> Status[Any]:
    return Status(
        201, _cluster_summary(services.cluster_tip_create(actor=request.user, cluster_id=cluster_id))
    )


@router.get("/leads", response=list[PostSummary])
def search_leads(request: HttpRequest, filters: Query[LeadSearchIn]) -> Any:
    return _summaries(selectors.lead_search(actor=request.user, kind=filters.kind, value=filters.value))


@router.post("/models/retrain", response={201: ModelVersionOut})
def retrain(request: HttpRequest) -> Status[Any]:
    return Status(201, services.model_retrain(actor=request.user))
