"""Command line: ``python -m homeward.engines.plantext parse FILE`` prints the parsed plan as JSON.

``parse --shipped`` parses the text shipped with the package; ``agencies`` prints
`NATIONAL_AGENCIES`. Any error prints one line on stderr and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from homeward.engines.plantext import NATIONAL_AGENCIES, PlanParseError, parse_plan, shipped_plan_text

EXIT_PARSE_ERROR = 1
EXIT_USAGE = 2


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m homeward.engines.plantext", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    p = sub.add_parser("parse", help="parse a plan text file and print measures and counts as JSON")
    p.add_argument("file", nargs="?", help="UTF-8 plan text; '-' reads stdin")
    p.add_argument("--shipped", action="store_true", help="parse the text shipped with the package")
    p.add_argument("--counts-only", action="store_true", help="print only the counts")
    sub.add_parser("agencies", help="print the national agencies named in the plan as JSON")
    return parser


def _read(file: str | None, shipped: bool) -> str:
    if shipped:
        if file is not None:
            raise ValueError("give either FILE or --shipped, not both")
        return shipped_plan_text()
    if file is None:
        raise ValueError("missing FILE (or --shipped)")
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{file}: is a directory") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ValueError(f"{file}: {exc.strerror}") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "agencies":
        json.dump(
            [dataclasses.asdict(a) for a in NATIONAL_AGENCIES], sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return 0
    try:
        plan = parse_plan(_read(args.file, args.shipped))
    except PlanParseError as exc:
        print(f"plantext: parse error: {exc}", file=sys.stderr)
        return EXIT_PARSE_ERROR
    except ValueError as exc:
        print(f"plantext: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = {"counts": plan.counts()} if args.counts_only else plan.to_dict()
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
