"""Periodic work of the cases app: review tasks, escalation of missed reviews, supervision deadlines.

Run it daily (cron or the task worker's scheduler); running it twice the same day changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.cases.services import cases_tick


class Command(BaseCommand):
    help = "Create due case reviews, escalate missed ones, and mark overdue supervision."

    def handle(self, *args: Any, **options: Any) -> None:
        report = cases_tick()
        self.stdout.write(
            f"reviews created={report.reviews_created} due_notified={report.reviews_due_notified} "
            f"escalated={report.reviews_escalated} supervision_overdue={report.supervision_overdue}"
        )
