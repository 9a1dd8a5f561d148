"""Reads of screening. Posts, clusters and batches are reached only through `homeward.access`; full lead values
are shown only on a post's or cluster's page (an audited read), masked everywhere else."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.screening import tipping
from homeward.screening.leads import canonical, lead_hash
from homeward.screening.models import (
    Cluster,
    IngestBatch,
    Lead,
    LeadKind,
    LeadTip,
    Post,
    PostLead,
    PostState,
    RiskModelVersion,
    Source,
    Verdict,
)

MAX_LISTED_LINKS = 20


def require(actor: Any, perm: str, object_type: str = "screening.post") -> None:
    if actor is None or not actor.has_perm(perm):
        audit.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type=object_type,
            outcome=AuditOutcome.DENIED,
            detail={"permission": perm},
        )
        raise PermissionDenied


@dataclass
class QueueFilter:
    status: str = "open"  # open (not labelled), labelled, all, pending (not screened yet)
    category: str = ""
    min_risk: float | None = None
    platform: str = ""


def post_queue(*, actor: Any, filters: QueueFilter | None = None) -> QuerySet[Post]:
    """The review queue: highest risk first, then the biggest campaigns."""
    require(actor, "screening.view_post")
    f = filters or QueueFilter()
    posts = access.visible_to(actor, Post.objects.all())
    posts = posts.filter(state=PostState.PENDING if f.status == "pending" else PostState.SCREENED)
    if f.status == "open":
        posts = posts.filter(verdict="")
    elif f.status == "labelled":
        posts = posts.exclude(verdict="")
    if f.category:
        if connection.features.supports_json_field_contains:
            in_categories = Q(categories__contains=[f.category])
        else:  # SQLite has no JSON containment; its JSON text holds each category quoted
            in_categories = Q(categories__icontains=json.dumps(f.category))
        posts = posts.filter(in_categories | Q(category=f.category))
    if f.min_risk is not None:
        posts = posts.filter(risk__gte=f.min_risk)
    if f.platform:
        posts = posts.filter(platform=f.platform)
    return (
        posts.select_related("cluster")
        .annotate(group_size=Coalesce("cluster__size", 1))
        .order_by("-risk", "-group_size", "pk")
    )


def masked_leads(posts: list[Post]) -> dict[int, list[tuple[str, str]]]:
    """(kind label, masked value) per post, for lists."""
    labels = dict(LeadKind.choices)
    out: dict[int, list[tuple[str, str]]] = {p.pk: [] for p in posts}
    rows = (
        PostLead.objects.filter(post__in=posts)
        .order_by("post_id", "start")
        .values_list("post_id", "lead__kind", "lead__masked")
    )
    for post_id, kind, masked in rows:
        item = (str(labels.get(kind, kind)), masked)
        if item not in out[post_id]:
            out[post_id].append(item)
    return out


def post_get(*, actor: Any, post_id: Any, purpose: str = "review") -> Post:
    """One post with its full leads: an audited read."""
    require(actor, "screening.view_post")
    return access.get_for_user(
        user=actor, queryset=Post.objects.select_related("cluster", "batch"), pk=post_id, purpose=purpose
    )


@dataclass
class LeadView:
    lead_id: int
    kind: str
    kind_label: str
    value: str
    masked: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    other_posts: list[Post] = field(default_factory=list)
    other_posts_total: int = 0
    tips: list[tuple[int, str]] = field(default_factory=list)


def leads_for(*, actor: Any, posts: list[Post]) -> list[LeadView]:
    """Full leads of posts the actor has just read (post_get/cluster_get), each linked to the other posts and
    tips that hold it (only those the actor may see)."""
    labels = dict(LeadKind.choices)
    views: dict[int, LeadView] = {}
    for pl in PostLead.objects.filter(post__in=posts).select_related("lead").order_by("lead__kind", "start"):
        view = views.get(pl.lead_id)
        if view is None:
            view = views[pl.lead_id] = LeadView(
                lead_id=pl.lead_id,
                kind=pl.lead.kind,
                kind_label=str(labels.get(pl.lead.kind, pl.lead.kind)),
                value=pl.lead.value,
                masked=pl.lead.masked,
                detail=pl.detail,
            )
        view.spans.append((pl.start, pl.end))
    own = {p.pk for p in posts}
    for view in views.values():
        others = (
            access.visible_to(actor, Post.objects.filter(post_leads__lead_id=view.lead_id))
            .exclude(pk__in=own)
            .distinct()
            .order_by("-pk")
        )
        view.other_posts_total = others.count()
        view.other_posts = list(others[:MAX_LISTED_LINKS])
        prefix = access.user_scope_prefix(actor) or ""
        tips = LeadTip.objects.filter(lead_id=view.lead_id, jurisdiction__startswith=prefix).order_by(
            "-tip_id"
        )
        view.tips = [(t.tip_id, t.tip_reference) for t in tips[:MAX_LISTED_LINKS]]
        for tip in tipping.related_tips(actor=actor, kind=view.kind, value=view.value):
            if tip not in view.tips:
                view.tips.append(tip)
    return sorted(views.values(), key=lambda v: (v.kind, v.value))


def highlighted(post: Post, leads: list[LeadView]) -> list[tuple[str, str]]:
    """The original text cut into (kind or "", piece) so a page can mark where each lead was found."""
    spans = sorted((s, e, v.kind) for v in leads for s, e in v.spans)
    pieces: list[tuple[str, str]] = []
    at = 0
    for start, end, kind in spans:
        if start < at or end > len(post.text):
            continue
        if start > at:
            pieces.append(("", post.text[at:start]))
        pieces.append((kind, post.text[start:end]))
        at = end
    if at < len(post.text):
        pieces.append(("", post.text[at:]))
    return pieces


_LEAD_LIKE = re.compile(r"[0-9A-Za-z_\-]{5,}")


def masked_template(cluster: Cluster) -> str:
    """The cluster's template for lists: a contact every post shares is part of the template, so anything that
    looks like a number or a handle is masked."""
    return _LEAD_LIKE.sub(lambda m: m.group()[:2] + "***", str((cluster.template or {}).get("rendered", "")))


def cluster_list(*, actor: Any, status: str = "open") -> QuerySet[Cluster]:
    require(actor, "screening.view_post", "screening.cluster")
    clusters = access.visible_to(actor, Cluster.objects.filter(size__gte=2))
    if status == "open":
        clusters = clusters.filter(verdict="")
    elif status == "labelled":
        clusters = clusters.exclude(verdict="")
    return clusters.order_by("-max_risk", "-size", "pk")


def cluster_get(*, actor: Any, cluster_id: Any, purpose: str = "review") -> Cluster:
    require(actor, "screening.view_post", "screening.cluster")
    return access.get_for_user(user=actor, queryset=Cluster.objects.all(), pk=cluster_id, purpose=purpose)


def cluster_posts(*, actor: Any, cluster: Cluster) -> list[Post]:
    return list(access.visible_to(actor, Post.objects.filter(cluster=cluster)).order_by("pk"))


def lead_search(*, actor: Any, kind: str, value: str) -> list[Post]:
    """Posts holding a lead, found by its keyed hash (the value itself is never stored in the audit row)."""
    require(actor, "screening.view_post")
    value = (value or "").strip()
    if kind not in LeadKind.values:
        raise ValidationError({"kind": _("Unknown kind of lead.")})
    if not value or len(value) > 64:
        raise ValidationError({"value": _("Give the value to search for (at most 64 characters).")})
    digest = lead_hash(kind, canonical(kind, value))
    lead = Lead.objects.filter(kind=kind, value_hash=digest).first()
    posts: list[Post] = []
    if lead is not None:
        posts = list(
            access.visible_to(actor, Post.objects.filter(post_leads__lead=lead))
            .distinct()
            .order_by("-risk", "pk")
        )
    audit.record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="screening.lead",
        object_id=str(lead.pk) if lead else "",
        detail={"kind": kind, "hash": digest[:16], "results": len(posts)},
    )
    return posts


def batch_list(*, actor: Any) -> QuerySet[IngestBatch]:
    require(actor, "screening.ingest_post", "screening.ingestbatch")
    batches = IngestBatch.objects.all()
    if actor.has_perm("screening.view_post"):
        return access.visible_to(actor, batches).order_by("-created_at", "-pk")
    return batches.filter(created_by=actor).order_by("-created_at", "-pk")


def batch_get(*, actor: Any, batch_id: Any) -> IngestBatch:
    """A batch's summary: its sender (a partner) or reviewers of its jurisdiction."""
    require(actor, "screening.ingest_post", "screening.ingestbatch")
    queryset = IngestBatch.objects.all()
    if not actor.has_perm("screening.view_post"):
        queryset = queryset.filter(created_by=actor)
    return access.get_for_user(user=actor, queryset=queryset, pk=batch_id)


def batch_progress(batch: IngestBatch) -> dict[str, int]:
    posts = Post.objects.filter(batch=batch)
    return {
        "screened": posts.filter(state=PostState.SCREENED).count(),
        "pending": posts.filter(state=PostState.PENDING).count(),
    }


def model_versions() -> QuerySet[RiskModelVersion]:
    return RiskModelVersion.objects.defer("params").order_by("-version")


def label_counts() -> dict[str, int]:
    from homeward.screening.services import training_set

    _texts, labels = training_set()
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return counts


__all__ = ["QueueFilter", "Source", "Verdict"]
