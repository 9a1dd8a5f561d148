"""Re-estimate the matching weights from confirmed and excluded pairs: `manage.py tracing_fit_weights`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.tracing import services


class Command(BaseCommand):
    help = "Re-estimate the tracing weights from reviewed pairs (confirmed = true, excluded = false)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-pairs", type=int, default=5, help="least confirmed and excluded pairs each"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_pairs"] < 1:
            raise CommandError("--min-pairs must be at least 1")
        try:
            row = services.weights_refit(min_pairs=options["min_pairs"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"weights {row.pk}: {row.confirmed_pairs} confirmed and {row.excluded_pairs} excluded pairs; "
            "the matcher uses them from its next run"
        )
