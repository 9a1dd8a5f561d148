"""Escalate missed follow-up visits and open household-registration tasks. Run hourly (run_periodic, cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from homeward.care.services import care_tick


class Command(BaseCommand):
    help = "Escalate missed care follow-up visits; open household-registration tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = care_tick()
        self.stdout.write(
            f"escalated {counts['escalated']} missed follow-up visits; "
            f"opened {counts['household_tasks']} household-registration tasks"
        )
