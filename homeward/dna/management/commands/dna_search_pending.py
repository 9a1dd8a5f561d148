"""Re-enqueue searches a dead worker left queued or running for too long (run every few minutes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from homeward.dna import services


class Command(BaseCommand):
    help = "Re-enqueue DNA searches that have not finished after --minutes (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args: Any, **opts: Any) -> None:
        n = services.searches_requeue(older_than=timezone.now() - timedelta(minutes=opts["minutes"]))
        self.stdout.write(f"re-enqueued {n} searches")
