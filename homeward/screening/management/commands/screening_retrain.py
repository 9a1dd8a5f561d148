"""Train a new risk model version from reviewers' labels (e.g. nightly from cron)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from homeward.screening.services import model_retrain


class Command(BaseCommand):
    help = "Train a new screening risk model from reviewers' labels and put it in use."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = model_retrain(actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"model v{version.version}: {version.training_size} labelled posts {version.label_counts}"
        )
