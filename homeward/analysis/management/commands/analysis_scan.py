"""Weekly early-warning scan (for cron or a scheduler): every province and the nation, last complete week.

    manage.py analysis_scan [--area 510000 ...] [--week 2026-03-02] [--now]

Scans run as the system (no requesting user); `--now` runs them in this process instead of the task queue.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.analysis import services


class Command(BaseCommand):
    help = "Queue (or run) early-warning scans of the last complete week."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", action="append", default=[], help="division code (repeatable)")
        parser.add_argument(
            "--week", type=date.fromisoformat, default=None, help="a day in the week to assess"
        )
        parser.add_argument("--now", action="store_true", help="run in this process")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scans = services.warning_scan_schedule(areas=options["area"], week=options["week"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for scan in scans:
            if options["now"]:
                done = services.warning_scan_execute(scan_id=scan.pk)
                raised = done.raised if done else 0
                self.stdout.write(
                    f"scan {scan.pk} {scan.jurisdiction} {scan.week_start}: {raised} warning(s)"
                )
            else:
                self.stdout.write(f"scan {scan.pk} {scan.jurisdiction} {scan.week_start}: queued")
