"""`manage.py tips_tick`: escalate tips whose acknowledge or first-action deadline has passed.

Run it every minute (cron or the task worker's schedule). It is idempotent: a tip escalates once per missed
deadline however often it runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.core import context
from homeward.tips.services import tips_escalate_overdue


class Command(BaseCommand):
    help = "Escalate tips whose SLA deadline has passed to the police one level up."

    def handle(self, *args: Any, **options: Any) -> None:
        with context.use(context.RequestContext(channel="cli", request_id=context.new_request_id())):
            count = tips_escalate_overdue()
        self.stdout.write(f"escalated {count} tip(s)")
