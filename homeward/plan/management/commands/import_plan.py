"""Import the action plan's measures and agencies from its text. Idempotent; fails clearly on text it cannot place.

manage.py import_plan                 # the text shipped with homeward.engines.plantext
manage.py import_plan --file PATH     # another copy of the text (UTF-8)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.engines.plantext import PlanParseError, load_shipped_plan, parse_plan
from homeward.plan.services import PlanImportError, plan_import


class Command(BaseCommand):
    help = "Import the action plan (measures, sub-measures, lead and cooperating agencies) from its text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="plan text file (UTF-8); default: the shipped text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options.get("file"):
                path = Path(options["file"])
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise CommandError(f"cannot read {path}: {exc}") from exc
                plan = parse_plan(text)
            else:
                plan = load_shipped_plan()
            result = plan_import(plan=plan)
        except PlanParseError as exc:
            raise CommandError(f"the plan text cannot be placed: {exc}") from exc
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        c = result.counts
        out = self.stdout
        out.write(
            f"parsed: {c['pillars']} pillars, {c['sections']} sections, {c['goals']} work goals, "
            f"{c['measures']} measures, {c['sub_measures']} sub-measures, "
            f"{c['responsibility_lines']} responsibility lines "
            f"({c['derived_from_sub_measures']} headings take their agencies from their sub-measures)"
        )
        out.write(f"agencies: {c['agencies']} named (plus the member group)")
        for name, n in sorted(c["by_agency"].items(), key=lambda kv: (-kv[1]["leads"], -kv[1]["cooperates"])):
            out.write(f"  {name}: leads {n['leads']}, cooperates {n['cooperates']}")
        out.write(
            f"saved: {result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
            f"{result.agencies_created} national agencies created"
        )
        if result.stale:
            out.write(self.style.WARNING(f"no longer in the text (kept): {', '.join(result.stale)}"))
        out.write(self.style.SUCCESS("plan imported"))
