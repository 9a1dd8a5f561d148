"""Warn listed regions of nearing supervision deadlines and tell the level above of overdue listings (idempotent).

Run daily, e.g. from cron: `manage.py plan_supervision_check`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.plan.services import supervision_check


class Command(BaseCommand):
    help = "Notify supervision (挂牌督办) warnings and overdue listings."

    def handle(self, *args: Any, **options: Any) -> None:
        result = supervision_check()
        self.stdout.write(f"listings warned: {result['warned']}, overdue reported: {result['overdue']}")
