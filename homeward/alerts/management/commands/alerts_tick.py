"""`manage.py alerts_tick`: the minute job of the alerts app (cron or the worker runs it every minute).

It grows alert radii, expires alerts past their expiry, and re-enqueues deliveries a dead worker left behind.
`--every 60` keeps it running, ticking once a minute.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homeward.alerts import services
from homeward.core import context


class Command(BaseCommand):
    help = "Grow alert radii, expire alerts and re-enqueue stuck deliveries (run every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds (0 = run once)")

    def handle(self, *args: Any, every: float = 0, **options: Any) -> None:
        while True:
            with context.use(context.RequestContext(channel="cli")):
                report = services.alerts_tick()
            if options.get("verbosity", 1) >= 1:
                self.stdout.write(
                    f"alerts_tick: grown={report.grown} expired={report.expired} requeued={report.requeued}"
                )
            if every <= 0:
                return
            time.sleep(every)
