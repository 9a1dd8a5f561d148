"""Public tip intake over HTTP: gunicorn serving Homeward on PostgreSQL (loopback), an asyncio load generator.

By default the server is the one we ship: deploy/gunicorn.conf.py (gthread workers, the access log) with the
PostgreSQL pool and the Redis cache of deploy/homeward.env.example (Redis on 127.0.0.1:6379, db 14, or
BENCH_REDIS_URL). `--server sync` runs plain sync workers with persistent connections and a per-process cache.

Creates a throwaway database (homeward_bench by default), migrates it, loads the divisions and a few police
agencies, starts gunicorn on a free port, then for a fixed time keeps `--concurrency` informants submitting tips to
POST /api/v1/tips/public, each with its own Idempotency-Key and client address (X-Real-IP, as the reverse proxy
sets it), and a share of retries that re-send an earlier key. Prints

    BENCH tips_intake tips_per_s=… p50_ms=… p99_ms=… acknowledged=… stored=… lost=… retries_same_receipt=…

`acknowledged` counts distinct receipts handed out (201s); `stored` counts tips in the database; they must be
equal (zero lost, no retry stored twice). The baseline, measured in the same run against the same server, is a GET of
the public tip form (no database write): `ratio` is tips/s over baseline requests/s.

    .venv/bin/python bench/tips_intake.py [--quick] [--seconds 20] [--concurrency 16] [--workers 5]
        [--server deployed|sync]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/homeward_bench")
DB_NAME = urlsplit(PG_URL).path.lstrip("/") or "homeward_bench"

ADDRESSES = [
    "成都市武侯区人民南路四段",
    "成都市金牛区一环路北",
    "昆明市五华区南屏街",
    "成都市锦江区春熙路",
    "重庆市渝中区解放碑",
    "广州市天河区体育西路",
]
CATEGORIES = [
    "child_missing",
    "child_trade",
    "illegal_adoption",
    "woman_trafficked",
    "forced_labour",
    "sexual_exploitation",
    "online_post",
    "cross_border",
    "other",
]
STORIES = [
    "一名男子抱着哭闹的小孩快步离开，小孩一直喊不认识他",
    "菜市场门口有残疾孩子每天被人送来乞讨，晚上被面包车接走",
    "网上有人发帖出售刚出生的婴儿，要求先付营养费",
    "邻居家新来的媳妇不会说本地话，从不让她单独出门",
    "中介招募年轻女性去境外高薪工作，护照由中介统一保管",
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def database_admin(sql: str) -> None:
    import psycopg

    parts = urlsplit(PG_URL)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(server: str = "sync") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "homeward.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HTTPS": "true",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": PG_URL,
            "DATABASE_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT),
        }
    )
    if server == "deployed":
        # What deploy/homeward.env.example ships: a psycopg pool per process and the cache (rate limits) on Redis.
        env.update(
            {
                "DATABASE_POOL_MIN": "2",
                "DATABASE_POOL_MAX": "8",
                "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
                "CACHE_KEY_PREFIX": f"tips-bench-{os.getpid()}",
            }
        )
    return env


SETUP = """
from homeward.accounts.roles import AgencyType
from homeward.accounts.services import agency_create
from homeward.accounts.models import Agency
for name, code in (("武侯公安分局", "510107"), ("金牛公安分局", "510106"), ("五华公安分局", "530102"),
                   ("四川省公安厅", "510000"), ("云南省公安厅", "530000")):
    if not Agency.objects.filter(name=name).exists():
        agency_create(actor=None, name=name, type=AgencyType.PUBLIC_SECURITY, division_code=code)
"""


def prepare(env: dict[str, str]) -> None:
    database_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    database_admin(f'CREATE DATABASE "{DB_NAME}"')
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_regions"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT)


AUDIT_STATE = (
    "from homeward.audit.models import AuditEvent; from homeward.audit.verification import verify_chain; "
    "r = verify_chain(); print(AuditEvent.objects.count(), r.pending, int(r.ok))"
)


def audit_state(env: dict[str, str]) -> tuple[int, int, bool]:
    """(audit rows, rows still waiting to be chained, chain verifies) after the load; nothing chained by hand."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", AUDIT_STATE],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    rows, pending, ok = out.stdout.strip().splitlines()[-1].split()
    return int(rows), int(pending), ok == "1"


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:  # a loaded machine: do not let a slow graceful stop lose the figures
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def stored_tips(env: dict[str, str]) -> int:
    out = subprocess.run(
        [
            PYTHON,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            "from homeward.tips.models import Tip; print(Tip.objects.filter(channel='public_api').count())",
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


async def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, payload


class Load:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.answers: dict[
            str, list[tuple[int, str]]
        ] = {}  # idempotency key -> (status, receipt) of each answer
        self.bodies: dict[str, bytes] = {}
        self.statuses: dict[int, int] = {}
        self.sent = 0
        # Keys with an accepted answer, kept as they come: the generator shares the 2 cores with the server, so
        # rescanning every answer before each request would take CPU from what is measured.
        self.done: list[str] = []
        self._done_set: set[str] = set()

    def answered(self, key: str, status: int, reference: str) -> None:
        self.answers.setdefault(key, []).append((status, reference))
        if status in (200, 201) and key not in self._done_set:
            self._done_set.add(key)
            self.done.append(key)

    def receipts(self) -> set[str]:
        return {r for answers in self.answers.values() for s, r in answers if s in (200, 201)}

    def retries_consistent(self) -> tuple[int, int]:
        """(keys answered more than once with one and the same receipt, keys answered with several receipts)"""
        same = different = 0
        for answers in self.answers.values():
            refs = {r for s, r in answers if s in (200, 201)}
            if len(answers) > 1:
                same += len(refs) == 1
                different += len(refs) > 1
        return same, different


async def informant(port: int, n: int, deadline: float, load: Load, retry_share: float) -> None:
    rng = random.Random(n * 7919 + int(time.time()))
    i = 0
    while time.perf_counter() < deadline:
        i += 1
        done = load.done
        if done and rng.random() < retry_share:
            key = rng.choice(done)
            body = load.bodies[key]
        else:
            key = uuid.uuid4().hex
            body = json.dumps(
                {
                    "category": rng.choice(CATEGORIES),
                    "description": f"{rng.choice(STORIES)}（第{n}-{i}条）",
                    "address": rng.choice(ADDRESSES),
                    "informant_phone": f"139{rng.randrange(10**8):08d}" if rng.random() < 0.3 else "",
                },
                ensure_ascii=False,
            ).encode()
            load.bodies[key] = body
        # Each informant writes from its own address; a handful of tips each, well under the per-address limit.
        ip = f"10.{rng.randrange(250)}.{rng.randrange(250)}.{rng.randrange(1, 250)}"
        started = time.perf_counter()
        try:
            status, payload = await request(
                port, "POST", "/api/v1/tips/public", body, {"Idempotency-Key": key, "X-Real-IP": ip}
            )
        except OSError:
            status, payload = 0, b""
        load.latencies.append(time.perf_counter() - started)
        load.sent += 1
        load.statuses[status] = load.statuses.get(status, 0) + 1
        reference = json.loads(payload)["reference"] if status in (200, 201) else ""
        load.answered(key, status, reference)


async def baseline(port: int, seconds: float, concurrency: int) -> tuple[float, list[float]]:
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, _ = await request(port, "GET", "/tips/")
            if status == 200:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - started), latencies


async def run_load(port: int, seconds: float, concurrency: int, retry_share: float) -> tuple[Load, float]:
    load = Load()
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(informant(port, n, deadline, load, retry_share) for n in range(concurrency)))
    return load, time.perf_counter() - started


# Imported in the gunicorn master before forking, so that no worker pays for importing the URLconf (and every
# app's API) on its first request — on a busy machine that alone can exceed the worker timeout.
GUNICORN_CONFIG = """
def when_ready(server):
    from django.db import connections
    from django.test import Client
    from django.urls import get_resolver

    get_resolver().url_patterns
    # Render the form and run the API's validation once, so that templates, translation catalogues and schemas
    # are built before the fork instead of once in every worker; then drop any connection the master opened.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.get("/tips/")
    client.post("/api/v1/tips/public", "{}", content_type="application/json")
    connections.close_all()
"""


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            status, _ = asyncio.run(request(port, "GET", "/tips/"))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (8 s)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument(
        "--server",
        choices=("deployed", "sync"),
        default="deployed",
        help="deployed: deploy/gunicorn.conf.py as shipped (gthread workers, access log) with the pool and Redis "
        "of deploy/homeward.env.example; sync: plain sync workers, persistent connections, local-memory cache",
    )
    parser.add_argument("--retry-share", type=float, default=0.05)
    args = parser.parse_args()
    seconds = 8.0 if args.quick else args.seconds
    env = server_env(args.server)
    prepare(env)
    port = free_port()
    config = Path(tempfile.mkstemp(prefix="tips-bench-gunicorn-", suffix=".py")[1])
    if args.server == "deployed":
        shipped = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
        config.write_text(shipped + "\n" + GUNICORN_CONFIG)
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        env["GUNICORN_WORKERS"] = str(args.workers)
        command = ["--config", str(config)]
    else:
        config.write_text(GUNICORN_CONFIG)
        command = ["homeward.wsgi", "--preload", "--config", str(config), "--timeout", "120"]
        command += ["--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), *command, "--backlog", "2048", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,  # the shipped access log (journald in production)
    )
    try:
        wait_ready(port, proc)
        asyncio.run(run_load(port, 5.0, args.concurrency, 0.0))  # warm-up: connections, caches
        warm_stored = stored_tips(env)
        base_rps, base_lat = asyncio.run(baseline(port, min(5.0, seconds / 2), args.concurrency))
        load, elapsed = asyncio.run(run_load(port, seconds, args.concurrency, args.retry_share))
        stop(proc)
        stored = stored_tips(env) - warm_stored
        rows, pending, chain_ok = audit_state(env)
    finally:
        if proc.poll() is None:
            stop(proc)
        database_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        config.unlink(missing_ok=True)
    acknowledged = len(load.receipts())
    ok = sum(n for s, n in load.statuses.items() if s in (200, 201))
    same, different = load.retries_consistent()
    tips_per_s = acknowledged / elapsed
    print(
        "BENCH tips_intake "
        f"tips_per_s={tips_per_s:.1f} p50_ms={percentile(load.latencies, 0.5) * 1000:.1f} "
        f"p99_ms={percentile(load.latencies, 0.99) * 1000:.1f} "
        f"mean_ms={statistics.fmean(load.latencies) * 1000:.1f} "
        f"requests={load.sent} ok={ok} acknowledged={acknowledged} stored={stored} lost={acknowledged - stored} "
        f"retried_keys_same_receipt={same} retried_keys_new_receipt={different} "
        f"errors={load.sent - ok} statuses={json.dumps(load.statuses, separators=(',', ':'))} "
        f"seconds={elapsed:.1f} concurrency={args.concurrency} server={args.server} workers={args.workers} "
        f"audit_rows={rows} audit_pending_after_run={pending} audit_chain_ok={chain_ok}"
    )
    print(
        "BENCH tips_intake_baseline "
        f"form_get_per_s={base_rps:.1f} p50_ms={percentile(base_lat, 0.5) * 1000:.1f} "
        f"p99_ms={percentile(base_lat, 0.99) * 1000:.1f} ratio={tips_per_s / base_rps:.2f}"
    )


if __name__ == "__main__":
    main()
