"""Load an allele-frequency table (locus,allele,freq CSV) as a new version, or the bundled tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.dna import services


class Command(BaseCommand):
    help = (
        "Load a frequency table from a locus,allele,freq CSV (or --bundled: the kinship engine's two tables)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", nargs="?", help="path to a locus,allele,freq CSV file")
        parser.add_argument("--name")
        parser.add_argument("--table-version", dest="table_version")
        parser.add_argument("--sample-size", type=int)
        parser.add_argument("--min-freq", default="5/2N")
        parser.add_argument("--population", default="")
        parser.add_argument("--source", default="")
        parser.add_argument("--activate", action="store_true", help="search with this table from now on")
        parser.add_argument("--bundled", action="store_true", help="load nist1036-asian and uk-dna17-chinese")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["bundled"]:
            for table in services.bundled_tables_load():
                self.stdout.write(f"{table} ({table.n_loci} loci){' active' if table.is_active else ''}")
            return
        if not opts["csv"] or not opts["name"] or not opts["table_version"]:
            raise CommandError("give a CSV path, --name and --table-version (or --bundled)")
        path = Path(opts["csv"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            table = services.frequency_table_load(
                actor=None,
                name=opts["name"],
                version=opts["table_version"],
                csv_text=path.read_text(encoding="utf-8-sig"),
                sample_size=opts["sample_size"],
                min_freq=opts["min_freq"],
                population=opts["population"],
                source=opts["source"],
                activate=opts["activate"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"loaded {table} with {table.n_loci} loci{' (active)' if table.is_active else ''}")
