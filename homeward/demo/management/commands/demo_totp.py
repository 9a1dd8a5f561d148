"""manage.py demo_totp USER: print a demo user's current one-time code (demo settings only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from homeward.demo.data import demo_totp_key_hex


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HOMEWARD_ALLOW_DEMO:
            raise CommandError("demo helpers are disabled with these settings")
        key = bytes.fromhex(demo_totp_key_hex(options["username"]))
        self.stdout.write(f"{totp(key):06d}")
