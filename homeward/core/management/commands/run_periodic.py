"""manage.py run_periodic: run the apps' periodic jobs on their cadence (the dev server's cron).

Production runs the same commands from systemd timers or cron; this loop is for `make run` and single-machine
setups. A job whose app is not installed is skipped; a failing job is logged and retried at its next slot.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)

# (command, seconds between runs)
SCHEDULE: tuple[tuple[str, int], ...] = (
    ("audit_tick", 60),
    ("alerts_tick", 60),
    ("tips_tick", 60),
    ("cases_tick", 3600),
    ("care_tick", 3600),
    ("plan_supervision_check", 3600),
    ("analysis_scan", 7 * 24 * 3600),
    ("verify_audit_chain", 24 * 3600),
)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (radius growth, SLA escalation, reviews, follow-ups, audit chain) on a loop."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        available = get_commands()
        jobs = [(name, every) for name, every in SCHEDULE if name in available]
        due = dict.fromkeys((name for name, _ in jobs), 0.0)
        while True:
            now = time.monotonic()
            for name, every in jobs:
                if now >= due[name]:
                    try:
                        call_command(name, verbosity=0)
                    except Exception:
                        logger.exception("periodic job %s failed; retrying at its next slot", name)
                    due[name] = now + every
            if once:
                return
            time.sleep(5)  # a scheduler loop's idle wait, not a test
