"""Command line: ``python -m homeward.engines.hotspots {hotspots,warn,flows,suppress} FILE``.

* ``hotspots COUNTS.csv [--population POP.csv]``: columns ``code,count`` (population ``code,population``;
  default: 2020 census from ``homeward.refdata``); prints ``code,count,rate,z,p,q,kind`` CSV.
* ``warn SERIES.csv``: one weekly count per line (oldest first; a ``count`` header is allowed); tests the
  last week and prints the assessment.
* ``flows PAIRS.csv``: columns ``origin_code,destination_code[,period]``; prints the province table.
* ``suppress TABLE.csv``: a header of column labels, then ``label,count,count,...`` rows.

Bad input exits with status 2 and one line on stderr naming the line and field.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path


class InputError(Exception):
    pass


def _rows(path: str) -> list[list[str]]:
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            return [row for row in csv.reader(fh) if row and any(x.strip() for x in row)]
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def _int(text: str, where: str) -> int:
    try:
        v = int(text.strip())
    except ValueError:
        raise InputError(f"{where}: expected a whole number, got {text.strip()!r}") from None
    if v < 0:
        raise InputError(f"{where}: must not be negative, got {v}")
    return v


def _code_counts(path: str, field: str) -> dict[str, int]:
    rows = _rows(path)
    out: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        if n == 1 and not row[-1].strip().lstrip("-").isdigit():
            continue  # header
        if len(row) < 2:
            raise InputError(f"{path} line {n}: expected code,{field}")
        out[row[0].strip()] = _int(row[1], f"{path} line {n} field {field}")
    if not out:
        raise InputError(f"{path}: no data rows")
    return out


def _cmd_hotspots(args: argparse.Namespace) -> None:
    from .spatial import hotspots

    counts = _code_counts(args.file, "count")
    if args.population:
        pop: dict[str, int | None] = dict(_code_counts(args.population, "population"))
    else:
        from homeward.refdata.divisions import load_divisions

        pop = {d.code: d.population for d in load_divisions().counties() if d.population}
    report = hotspots(counts, pop, permutations=args.permutations, alpha=args.alpha, seed=args.seed)
    w = csv.writer(sys.stdout)
    w.writerow(["code", "count", "population", "rate_per_100k", "gi_star_z", "p", "q", "kind"])
    for r in report:
        w.writerow(
            [
                r.code,
                r.count,
                r.population,
                f"{r.rate:.3f}",
                f"{r.gi_star_z:.3f}",
                f"{r.p_value:.4g}",
                f"{r.q_value:.4g}",
                r.kind if r.significant else "none",
            ]
        )
    print(f"# {report.basis.statement()}", file=sys.stderr)


def _cmd_warn(args: argparse.Namespace) -> None:
    from .warning import assess_week

    series = []
    for n, row in enumerate(_rows(args.file), start=1):
        if n == 1 and not row[0].strip().isdigit():
            continue
        series.append(_int(row[-1], f"{args.file} line {n} field count"))
    a = assess_week(series)
    print(
        f"warning={'yes' if a.alarm else 'no'} observed={a.observed} expected={a.expected:.3f} "
        f"threshold={a.threshold} p={a.p_value:.4g} dispersion={a.dispersion:.3f}"
    )
    print(f"# {a.basis.statement()}")


def _cmd_flows(args: argparse.Namespace) -> None:
    from .flows import flows

    recs = []
    for n, row in enumerate(_rows(args.file), start=1):
        if n == 1 and row[0].strip().lower().startswith("origin"):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(f"{args.file} line {n}: expected origin_code,destination_code[,period]")
        recs.append(
            (row[0].strip(), row[1].strip(), row[2].strip() if len(row) > 2 and row[2].strip() else None)
        )
    s = flows(recs)
    w = csv.writer(sys.stdout)
    w.writerow(["province", "outbound", "inbound", "internal", "role", "buyer_market", "p_inbound_share"])
    for p in s.provinces:
        w.writerow(
            [
                p.province_code,
                p.outbound,
                p.inbound,
                p.internal,
                p.role,
                int(p.buyer_market),
                f"{p.inbound_share_p_value:.4g}",
            ]
        )


def _cmd_suppress(args: argparse.Namespace) -> None:
    from .suppression import suppress

    rows = _rows(args.file)
    if len(rows) < 2:
        raise InputError(f"{args.file}: need a header and at least one row")
    header = [h.strip() for h in rows[0][1:]]
    labels, cells = [], []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) - 1 != len(header):
            raise InputError(f"{args.file} line {n}: {len(row) - 1} counts, header has {len(header)}")
        labels.append(row[0].strip())
        cells.append([_int(v, f"{args.file} line {n} field {header[j]}") for j, v in enumerate(row[1:])])
    t = suppress(cells, row_labels=labels, col_labels=header, threshold=args.threshold)
    csv.writer(sys.stdout).writerows(t.to_rows())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homeward.engines.hotspots")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("hotspots")
    p.add_argument("file")
    p.add_argument("--population")
    p.add_argument("--permutations", type=int)
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    sub.add_parser("warn").add_argument("file")
    sub.add_parser("flows").add_argument("file")
    s = sub.add_parser("suppress")
    s.add_argument("file")
    s.add_argument("--threshold", type=int, default=5)
    args = parser.parse_args(argv)
    handlers = {"hotspots": _cmd_hotspots, "warn": _cmd_warn, "flows": _cmd_flows, "suppress": _cmd_suppress}
    try:
        handlers[args.command](args)
    except (InputError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
