"""Command line: ``python -m homeward.engines.linkage match --missing M.jsonl --found F.jsonl``.

Prints one JSON line per found person with its best candidates. Bad input lines are named on
stderr with their file and line number; ``--on-bad-line reject`` (default) stops with exit
status 2 before anything is matched, ``--on-bad-line skip`` leaves them out and goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar

from .engine import MatchIndex, default_workers
from .model import DEFAULT_WEIGHTS, LinkageWeights, MonotonicityError
from .places import Gazetteer, default_gazetteer
from .records import FoundRecord, MissingRecord, RecordError, found_from_dict, missing_from_dict

T = TypeVar("T", MissingRecord, FoundRecord)


class InputError(Exception):
    """A problem with the input that ends the run with one line on stderr."""


def _read_jsonl(
    path: Path,
    parse: Callable[[dict[str, object]], T],
    check: Callable[[T], None],
    skip_bad: bool,
    err: TextIO,
) -> Iterator[T]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror}") from None
    seen: set[str] = set()
    with fh:
        lineno = 0
        while True:
            lineno += 1
            try:
                line = fh.readline()
            except UnicodeDecodeError:
                raise InputError(f"{path} line {lineno}: not UTF-8 text") from None
            if not line:
                return
            if not line.strip():
                continue
            try:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RecordError("(line)", f"not valid JSON ({exc.msg})") from None
                rec = parse(obj)
                if rec.id in seen:
                    raise RecordError("id", f"duplicate id {rec.id!r}")
                check(rec)
            except RecordError as exc:
                msg = f"{path} line {lineno}: {exc}"
                if not skip_bad:
                    raise InputError(msg) from None
                print(f"skipped: {msg}", file=err)
                continue
            seen.add(rec.id)
            yield rec


def _division_checker(gaz: Gazetteer, field: str) -> Callable[[MissingRecord | FoundRecord], None]:
    def check(rec: MissingRecord | FoundRecord) -> None:
        code = getattr(rec, field)
        when = getattr(rec, "missing_date" if field == "missing_division" else "found_date")
        if code and gaz.locate(code, when.year if when else None) is None:
            year = f" in {when.year}" if when else ""
            raise RecordError(field, f"division code {code} did not exist{year}")

    return check


def _load_excluded(path: Path) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            m, f = obj["missing_id"], obj["found_id"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(
                f'{path} line {lineno}: expected {{"missing_id": ..., "found_id": ...}}'
            ) from None
        out.add((str(m), str(f)))
    return out


def _load_weights(path: Path) -> LinkageWeights:
    try:
        return LinkageWeights.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AssertionError, MonotonicityError) as exc:
        raise InputError(f"{path}: not a weights file: {exc}") from None


def run_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    gaz = default_gazetteer()
    weights = _load_weights(args.weights) if args.weights else DEFAULT_WEIGHTS
    excluded = _load_excluded(args.exclude) if args.exclude else set()
    skip = args.on_bad_line == "skip"
    index = MatchIndex(weights, gaz)
    index.add_many(
        _read_jsonl(args.missing, missing_from_dict, _division_checker(gaz, "missing_division"), skip, err)
    )
    found = list(
        _read_jsonl(args.found, found_from_dict, _division_checker(gaz, "found_division"), skip, err)
    )
    results = index.match_many(found, top=args.top, excluded=excluded, workers=args.workers)
    for f, cands in zip(found, results, strict=True):
        line = {
            "found_id": f.id,
            "candidates": [
                {
                    "missing_id": c.missing_id,
                    "score": round(c.score.probability, 6),
                    "log_odds": round(c.score.log_odds, 3),
                    "reasons": {k: r.to_dict() for k, r in c.score.reasons.items()},
                }
                for c in cands
            ],
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m homeward.engines.linkage", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("match", help="match found people (JSON lines) against missing reports (JSON lines)")
    m.add_argument(
        "--missing", type=Path, required=True, help="missing-person reports, one JSON object a line"
    )
    m.add_argument("--found", type=Path, required=True, help="found people, one JSON object a line")
    m.add_argument("--top", type=int, default=10, help="candidates per found person (default 10)")
    bad_help = "reject: stop at the first bad line (exit 2); skip: report it on stderr and go on"
    m.add_argument("--on-bad-line", choices=("reject", "skip"), default="reject", help=bad_help)
    m.add_argument("--exclude", type=Path, help="JSON lines {missing_id, found_id} of pairs ruled out")
    m.add_argument(
        "--weights", type=Path, help="weights JSON (LinkageWeights.to_dict) instead of the defaults"
    )
    m.add_argument(
        "--workers", type=int, default=1, help="processes for matching (default 1; 0 = one per core)"
    )
    return p


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one-line usage error
        return int(exc.code or 0)
    if args.top < 1:
        print("error: --top must be at least 1", file=err)
        return 2
    if args.workers < 0:
        print("error: --workers must be 0 (one per core) or more", file=err)
        return 2
    if args.workers == 0:
        args.workers = default_workers()
    try:
        return run_match(args, out, err)
    except InputError as exc:
        print(f"error: {exc}", file=err)
        return 2
