"""Command line: ``python -m homeward.engines.textscreen scan [--model M] [--skip-bad] < posts.jsonl``.

Prints one JSON line per post (see :mod:`.scan`).  Malformed input lines are reported on stderr as
``textscreen: line N: <what is wrong>``; without ``--skip-bad`` nothing is scanned and the exit
status is 1, with it the good lines are scanned and the status is still 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import NoReturn

from .scan_input import BadLine, Post, parse_line

_MAX_REPORTED = 20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"textscreen: {message} (try --help)\n")


def _read(lines: Iterable[bytes | str]) -> tuple[list[Post], list[str]]:
    posts: list[Post] = []
    errors: list[str] = []
    seen: set[str | int] = set()
    for lineno, bline in enumerate(lines, start=1):
        try:
            line = bline.decode("utf-8") if isinstance(bline, bytes) else str(bline)
        except UnicodeDecodeError:
            errors.append(f"line {lineno}: not UTF-8 text")
            continue
        try:
            post = parse_line(line, lineno)
        except BadLine as exc:
            errors.append(str(exc))
            continue
        if post is None:
            continue
        if post.id in seen:
            errors.append(f"line {lineno}: duplicate id {post.id!r}")
            continue
        seen.add(post.id)
        posts.append(post)
    return posts, errors


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m homeward.engines.textscreen", description="Screen online posts.")
    sub = parser.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("scan", help="scan JSONL posts from stdin, one JSON result per line on stdout")
    sc.add_argument("--model", help="risk model JSON saved by RiskModel.save (default: lexicon only)")
    sc.add_argument("--skip-bad", action="store_true", help="report bad lines but scan the good ones")
    sc.add_argument("--threshold", type=float, default=0.5, help="near-duplicate Jaccard threshold")
    args = parser.parse_args(argv)

    if not 0.0 < args.threshold <= 1.0:
        print("textscreen: --threshold must be within (0, 1]", file=sys.stderr)
        return 2

    posts, errors = _read(sys.stdin.buffer)
    for msg in errors[:_MAX_REPORTED]:
        print(f"textscreen: {msg}", file=sys.stderr)
    if len(errors) > _MAX_REPORTED:
        print(f"textscreen: ... and {len(errors) - _MAX_REPORTED} more bad lines", file=sys.stderr)
    if errors and not args.skip_bad:
        return 1

    # Heavy imports (phonenumbers, OpenCC, datasketch, numpy) only once the input is known good.
    from .risk import RiskModel
    from .scan import scan

    model = RiskModel()
    if args.model:
        try:
            model = RiskModel.load(args.model)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"textscreen: cannot load model {args.model}: {exc}", file=sys.stderr)
            return 1

    from .cluster import Clusterer

    out = sys.stdout
    for rec in scan(posts, model, Clusterer(threshold=args.threshold, keep_text=False)):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
