"""manage.py load_demo: create the demo data set (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from homeward.demo.data import DEMO_PASSWORD
from homeward.demo.services import demo_load


class Command(BaseCommand):
    help = "Create the demo agencies, users of every role, and records; print logins with TOTP secrets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the login table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = demo_load()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"demo: {report.created_agencies} agencies, {report.created_users} users, "
            f"{report.created_people} person records created (existing ones kept)"
        )
        for app, note in report.notes.items():
            self.stdout.write(f"demo {app}: {note}")
        if options["quiet_logins"]:
            return
        self.stdout.write(f"\nDemo logins — password for all: {DEMO_PASSWORD}")
        self.stdout.write("Add the TOTP secret to an authenticator app, or run: make totp USER=<username>\n")
        self.stdout.write(f"{'username':34} {'TOTP secret (base32)':34} agency")
        for login in report.logins:
            self.stdout.write(f"{login.username:34} {login.totp_base32:34} {login.agency}")
