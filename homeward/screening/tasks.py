"""Background work of screening: score, extract and group posts after they are stored."""

from __future__ import annotations

from django_tasks import task

from homeward.screening import services


@task()
def screen_posts(post_ids: list[int]) -> int:
    """Idempotent: posts already screened are skipped, so a retry does nothing twice."""
    return services.posts_screen(post_ids=post_ids)


@task()
def rescore_posts(version: int) -> int:
    """Idempotent: posts already scored by `version` are skipped."""
    return services.posts_rescore(version=version)
