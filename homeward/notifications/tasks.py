"""Background work of notifications: e-mail goes out after the notice is committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from homeward.notifications.models import Notice


@task()
def email_notice(notice_id: int) -> None:
    """Idempotent: a notice already e-mailed is not sent again when the task is retried."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("recipient").filter(pk=notice_id).first()
        if notice is None or notice.emailed_at is not None or not notice.recipient.email:
            return
        # The mail says only that something is waiting: personal data stays on the platform.
        send_mail(
            subject=f"[Homeward] {notice.title}",
            message="A new notice is waiting for you in Homeward. Log in to read it.",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.recipient.email],
        )
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
