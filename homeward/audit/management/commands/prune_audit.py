"""manage.py prune_audit [--older-than DAYS] [--dry-run]: remove old audit rows, keeping the chain verifiable.

Never removes rows younger than AUDIT_RETENTION_DAYS (default 365), whatever --older-than says: a smaller value is
refused with exit code 1. The chain is verified before (a broken chain is not pruned) and after (exit 1 if it does
not verify). The pruning writes its own audit row, which carries the anchor verification starts from.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.audit import retention
from homeward.core import context


def _days(value: str) -> int:
    import argparse

    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--older-than must be a whole number of days, got {value!r}"
        ) from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"--older-than must be at least 1 day, got {days}")
    return days


class Command(BaseCommand):
    help = "Prune audit rows older than DAYS (default and minimum: AUDIT_RETENTION_DAYS) and re-verify the chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=_days,
            default=None,
            metavar="DAYS",
            help="remove rows older than this many days (refused when below AUDIT_RETENTION_DAYS)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be removed, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        floor = retention.floor_days()
        days = options["older_than"] if options["older_than"] is not None else floor
        with context.use(context.RequestContext(channel="cli", request_id=context.new_request_id())):
            try:
                result = retention.prune(older_than_days=days, dry_run=options["dry_run"])
            except retention.RetentionError as exc:
                raise CommandError(str(exc)) from None
        what = "would remove" if options["dry_run"] else "removed"
        if not result.rows:
            self.stdout.write(
                f"nothing to prune: no audit row older than {days} days (cutoff {result.cutoff:%Y-%m-%d})"
            )
            return
        self.stdout.write(
            f"{what} {result.rows} audit rows #{result.first_seq}..#{result.last_seq} "
            f"({result.oldest_at:%Y-%m-%d} to {result.newest_at:%Y-%m-%d}), older than {days} days "
            f"(floor {floor}); anchor #{result.last_seq} {result.anchor_hash[:12]}"
        )
        if not options["dry_run"]:
            self.stdout.write("audit chain OK after pruning")
