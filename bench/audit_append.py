"""Audited writes in parallel: the old chain lock (held until commit) against chaining after commit, same run.

Each of `--threads` writers loops for `--seconds`: one transaction that records an audit row and then does
`--work-ms` of other database work (pg_sleep, standing in for the rest of a service's writes) before committing.

- `locked`: the previous design — a transaction-scoped advisory lock taken by the audit append and held until
  commit, the chain position and hash computed inline. Every audited transaction waits for the one before it.
- `after_commit`: the current `audit.services.record` — no lock in the writer; rows are chained right after each
  commit by a short locked step (`chain_pending`).

Prints audited transactions per second and p50/p99 latency for both, the ratio, and whether the whole chain
(both phases) verifies with nothing left pending. Needs PostgreSQL (a throw-away database, dropped afterwards):

    .venv/bin/python bench/audit_append.py [--quick] [--threads 8] [--seconds 8] [--work-ms 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/homeward_bench_audit")
DB_NAME = urlsplit(PG_URL).path.lstrip("/") or "homeward_bench_audit"


def database_admin(sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(PG_URL)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


def locked_record(label: str) -> None:
    """The previous `audit.services.record`: lock until commit, chain inline."""
    from django.db import connection
    from django.utils import timezone

    from homeward.audit.chain import GENESIS_HASH, row_hash
    from homeward.audit.models import AuditEvent

    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor_id": None,
        "actor_label": label,
        "agency_id_at_time": None,
        "ip": None,
        "user_agent": "",
        "channel": "",
        "request_id": "",
        "action": "create",
        "object_type": "bench.x",
        "object_id": "1",
        "jurisdiction": "510107",
        "outcome": "success",
        "purpose": "",
        "detail": {},
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_214_400_413])
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    fields["seq"] = (last[0] or 0) + 1 if last else 1
    prev_hash = (last[1] or GENESIS_HASH) if last else GENESIS_HASH
    event = AuditEvent(prev_hash=prev_hash, **fields)
    event.hash = row_hash(prev_hash, fields)
    event.save(force_insert=True)


def new_record(label: str) -> None:
    from homeward.audit import services

    services.record(actor=None, actor_label=label, action="create", object_type="bench.x", object_id="1")


def run_phase(mode: str, threads: int, seconds: float, work_ms: float) -> tuple[int, list[float], float]:
    from django.db import connection, connections, transaction

    write = locked_record if mode == "locked" else new_record
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def writer(n: int) -> None:
        try:
            start.wait()
            while time.perf_counter() < deadline[0]:
                began = time.perf_counter()
                with transaction.atomic():
                    write(f"w{n}")
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_sleep(%s)", [work_ms / 1000])
                latencies[n].append(time.perf_counter() - began)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{mode}: writer failed: {errors[0]!r}")
    flat = [x for per in latencies for x in per]
    return len(flat), flat, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (4 s per phase)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--work-ms", type=float, default=5.0)
    args = parser.parse_args()
    seconds = 4.0 if args.quick else args.seconds
    database_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    database_admin(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = PG_URL
    try:
        from _django import setup_django

        setup_django("audit-bench-")
        from django.db import connections

        from homeward.audit.services import chain_pending
        from homeward.audit.verification import verify_chain

        results = {}
        for mode in ("locked", "after_commit"):
            count, latencies, elapsed = run_phase(mode, args.threads, seconds, args.work_ms)
            results[mode] = (count / elapsed, latencies)
        # left by after-commit steps that gave way to a busy chainer or came within AUDIT_CHAIN_INTERVAL_MS of one
        pending_before = verify_chain().pending
        chain_pending()
        report = verify_chain()
        connections.close_all()
    finally:
        database_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    for mode, (rate, latencies) in results.items():
        print(
            f"BENCH audit_append mode={mode} tx_per_s={rate:.1f} p50_ms={percentile(latencies, 0.5) * 1000:.1f} "
            f"p99_ms={percentile(latencies, 0.99) * 1000:.1f} threads={args.threads} work_ms={args.work_ms}"
        )
    ratio = results["after_commit"][0] / results["locked"][0]
    print(
        f"BENCH audit_append_summary ratio_after_commit_vs_locked={ratio:.2f} rows={report.rows} "
        f"pending_after_run={pending_before} chain_ok={report.ok} pending_at_end={report.pending}"
    )


if __name__ == "__main__":
    main()
