"""Re-encrypt the care app's sensitive fields under the first key of CARE_FIELD_KEYS (after adding a new key)."""

from typing import Any

from django.core.management.base import BaseCommand

from homeward.care.services import care_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt care sensitive fields under the current key."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"re-encrypted {care_keys_rotate()} care records")
