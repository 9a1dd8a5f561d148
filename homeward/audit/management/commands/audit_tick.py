"""manage.py audit_tick: link audit rows that no after-commit step chained yet (run every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.audit.services import chain_pending


class Command(BaseCommand):
    help = "Chain committed audit rows that are still pending (normally done right after each commit)."

    def handle(self, *args: Any, **options: Any) -> None:
        chained = chain_pending()
        if options["verbosity"]:
            self.stdout.write(f"audit rows chained: {chained}")
