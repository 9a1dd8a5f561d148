"""Counts of the screening app for the plan and analysis apps (the contract is in `homeward.core.indicators`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from homeward.screening.models import Cluster, Label, Post, Verdict

INDICATORS = {
    "posts_ingested": _("Online posts screened"),
    "clusters": _("Seller campaigns found (clusters of two or more posts)"),
    "posts_confirmed": _("Online posts confirmed as trafficking by a reviewer"),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> Iterable[tuple[str, datetime]]:
    if name == "posts_ingested":
        posts = Post.objects.filter(
            jurisdiction__startswith=prefix, created_at__gte=start, created_at__lt=end
        )
        return posts.values_list("jurisdiction", "created_at")
    if name == "clusters":
        clusters = Cluster.objects.filter(
            jurisdiction__startswith=prefix, size__gte=2, created_at__gte=start, created_at__lt=end
        )
        return clusters.values_list("jurisdiction", "created_at")
    if name == "posts_confirmed":
        # The first trafficking label of each post counts once, at the time it was given.
        first: dict[int, tuple[str, datetime]] = {}
        labels = (
            Label.objects.filter(
                post__jurisdiction__startswith=prefix,
                verdict=Verdict.TRAFFICKING,
                created_at__gte=start,
                created_at__lt=end,
            )
            .order_by("created_at", "pk")
            .values_list("post_id", "post__jurisdiction", "created_at")
        )
        for post_id, code, at in labels:
            first.setdefault(post_id, (code, at))
        return list(first.values())
    return []
