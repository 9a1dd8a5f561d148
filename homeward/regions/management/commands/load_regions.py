"""manage.py load_regions: (re)load divisions, census population and code history from the shipped data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homeward.regions.services import regions_load


class Command(BaseCommand):
    help = "Load GB/T 2260 divisions with centroids, 2020 census population and code history (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = regions_load()
        self.stdout.write(
            f"regions: {report.divisions} divisions ({report.created} new, {report.updated} updated), "
            f"{report.periods} code-history periods"
        )
