"""Sending notices. Every app notifies staff through `notify(...)`."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.notifications.models import Notice
from homeward.notifications.tasks import email_notice
from homeward.regions.selectors import ancestor_codes


def recipients_for_role(*, role: str, division_code: str) -> list[Any]:
    """Active users holding `role` in agencies whose jurisdiction covers `division_code` (the county and above)."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True, agency__is_active=True, agency__division__in=ancestor_codes(division_code)
        )
        .select_related("agency")
    )
    return [u for u in users if u.has_role(role)]


@transaction.atomic
def notify(
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    users: Iterable[Any] = (),
    role: str | None = None,
    division_code: str | None = None,
    send_email: bool = False,
    dedupe_key: str = "",
) -> list[Notice]:
    """Notify users directly and/or every holder of `role` whose jurisdiction covers `division_code`."""
    targets = {u.pk: u for u in users}
    if role and division_code:
        for user in recipients_for_role(role=role, division_code=division_code):
            targets[user.pk] = user
    created: list[Notice] = []
    for user in targets.values():
        if dedupe_key and Notice.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url[:300],
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            continue
        created.append(notice)
        if send_email and user.email:
            transaction.on_commit(partial(email_notice.enqueue, notice.pk))
    return created


def notice_mark_read(*, actor: Any, notice_id: int) -> None:
    Notice.objects.filter(pk=notice_id, recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
