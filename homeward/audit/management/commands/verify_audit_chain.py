"""manage.py verify_audit_chain: recompute the audit hash chain and report any altered or deleted row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from homeward.audit.services import chain_pending
from homeward.audit.verification import save_checkpoint, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain; exits 1 and lists problems when rows were altered or deleted. "
        "Rows not chained yet are reported as pending, not as a break."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="record the verified chain head (only when the chain is intact)",
        )
        parser.add_argument(
            "--chain-first",
            action="store_true",
            help="link committed rows that are still pending into the chain before verifying",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chain_first"]:
            chain_pending()
        report = verify_chain()
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.rows} rows")
        if options["checkpoint"]:
            save_checkpoint()
        self.stdout.write(f"audit chain OK: {report.rows} rows verified, {report.pending} pending chaining")
