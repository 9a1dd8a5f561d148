"""Queue re-matching of every open record (after an engine upgrade or new weights): `manage.py tracing_rematch`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.tracing import tasks
from homeward.tracing.models import MATCHABLE_FOUND, FoundPerson


class Command(BaseCommand):
    help = "Queue a re-match of every open found person against the reports (tasks are idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(FoundPerson.objects.filter(status__in=MATCHABLE_FOUND).values_list("pk", flat=True))
        for found_id in ids:
            tasks.rematch_found.enqueue(found_id)
        self.stdout.write(f"queued {len(ids)} found people")
