"""Escalate missed follow-up visits. Run daily (cron); tests call it with the clock moved."""

from typing import Any

from django.core.management.base import BaseCommand

from homeward.care.services import followups_escalate


class Command(BaseCommand):
    help = "Escalate missed care follow-up visits."

    def handle(self, *args: Any, **options: Any) -> None:
        count = followups_escalate()
        self.stdout.write(f"escalated {count} missed follow-up visits")
