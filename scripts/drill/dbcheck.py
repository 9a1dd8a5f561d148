"""Database checks for the backup/restore and outage drill (scripts/drill.sh); uses DATABASE_URL like the app.

dbcheck.py counts OUT.json            row count of every table
dbcheck.py compare BEFORE.json AFTER.json   exit 1 unless every table has the same rows
dbcheck.py care-decrypt               an encrypted care field decrypts with the configured key
dbcheck.py care-decrypt --expect-fail the same with a wrong key must fail (shows the key is needed)
dbcheck.py tips --present M1,M2 --absent M3   tips whose description holds each marker exist / do not
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.dev")


def _setup() -> None:
    import django

    django.setup()


def counts(out: Path) -> int:
    from django.db import connection

    tables = sorted(connection.introspection.table_names())
    result: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables:
            # Table names come from the database's own catalogue, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            result[table] = int(cursor.fetchone()[0])
    out.write_text(json.dumps(result, indent=1, sort_keys=True))
    print(f"  {len(result)} tables, {sum(result.values())} rows -> {out.name}")
    return 0


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    problems = [
        f"{t}: {a.get(t)} before, {b.get(t)} after" for t in sorted(set(a) | set(b)) if a.get(t) != b.get(t)
    ]
    for line in problems:
        print(f"  MISMATCH {line}")
    nonempty = sum(1 for v in a.values() if v)
    print(
        f"  row counts: {len(a)} tables ({nonempty} non-empty), {sum(a.values())} rows before, "
        f"{sum(b.values())} after, {len(problems)} mismatches"
    )
    return 1 if problems else 0


def care_decrypt(expect_fail: bool) -> int:
    from django.db import connection

    from homeward.care import crypto

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, abuse_details FROM care_carerecord WHERE abuse_details LIKE %s ORDER BY id LIMIT 1",
            [crypto.PREFIX + "%"],
        )
        row = cursor.fetchone()
    if row is None:
        print("  no encrypted care field in the database: the demo data set has none")
        return 1
    try:
        plain = crypto.decrypt(row[1])
    except RuntimeError as exc:
        if expect_fail:
            print(f"  care record {row[0]}: without the backed-up key the field cannot be read ({exc})")
            return 0
        print(f"  care record {row[0]}: DOES NOT DECRYPT: {exc}")
        return 1
    if expect_fail:
        print(f"  care record {row[0]}: decrypted with a key that should not work")
        return 1
    print(
        f"  care record {row[0]}: encrypted field decrypts ({len(row[1])} bytes stored, {len(plain)} characters)"
    )
    return 0 if plain else 1


def tips(present: list[str], absent: list[str]) -> int:
    from homeward.tips.models import Tip

    failures = 0
    for marker in present:
        # Every drill description reads "Drill tip <marker>: ..."; the colon keeps load-1 from matching load-10.
        found = list(
            Tip.objects.filter(description__contains=f"{marker}:").values_list("reference", flat=True)
        )
        if len(found) != 1:
            failures += 1
            print(
                f"  FAIL accepted tip {marker}: {len(found)} in the database {found} (expected exactly one)"
            )
    for marker in absent:
        n = Tip.objects.filter(description__contains=f"{marker}:").count()
        if n:
            failures += 1
            print(f"  FAIL refused tip {marker}: {n} in the database (expected none)")
    print(
        f"  {'ok  ' if not failures else 'FAIL'} {len(present)} accepted tips each in the database exactly once, "
        f"{len(absent)} refused (never re-sent) absent; {failures} failures"
    )
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("counts").add_argument("out", type=Path)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    sub.add_parser("care-decrypt").add_argument("--expect-fail", action="store_true")
    tp = sub.add_parser("tips")
    tp.add_argument("--present", default="")
    tp.add_argument("--absent", default="")
    args = parser.parse_args()
    if args.cmd == "compare":
        return compare(args.before, args.after)
    _setup()
    if args.cmd == "counts":
        return counts(args.out)
    if args.cmd == "care-decrypt":
        return care_decrypt(args.expect_fail)
    return tips([m for m in args.present.split(",") if m], [m for m in args.absent.split(",") if m])


if __name__ == "__main__":
    sys.exit(main())
