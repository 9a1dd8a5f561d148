"""Page load on PostgreSQL: public alert pages and staff pages at 50 concurrent logged-in users, served by gunicorn.

Creates a throwaway database (homeward_load by default, BENCH_PG_URL), migrates it and loads the demo data set,
opens one TOTP-verified session per staff user directly in the session store (as after password + one-time code),
serves Homeward with production settings from gunicorn, and drives it from threads:

1. baseline: GET /healthz (no template, no query) at the same concurrency;
2. public: the public alert list and every active alert's page;
3. staff: `--users` concurrent staff users, each with a think time between pages (a person reading), walking the
   staff pages their role may open (found by one pass before the measurement).

Prints one line per phase:

    BENCH load_<phase> users=… requests=… rps=… p50_ms=… p95_ms=… p99_ms=… errors=… ratio_p95=…

`ratio_p95` is the phase's p95 over the baseline's p95 measured in the same run. Exits non-zero if any answer is
not 200 or the staff p95 is not under `--p95-target-ms` (500).

    .venv/bin/python bench/load_pages.py [--quick] [--seconds 30] [--users 50] [--workers 4] [--think-ms 1000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import os

os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/homeward_load")
from tips_intake import (  # the tips bench's helpers: same database handling, same server settings
    PG_URL,
    PYTHON,
    ROOT,
    database_admin,
    free_port,
    percentile,
    server_env,
)

DB_NAME = urlsplit(PG_URL).path.lstrip("/")

# Candidate staff pages; each user keeps those that answer 200 for their role.
STAFF_PAGES = [
    "/staff/",
    "/staff/people/",
    "/staff/notices/",
    "/staff/alerts/",
    "/staff/tips/",
    "/staff/dna/",
    "/staff/tracing/",
    "/staff/cases/",
    "/staff/care/",
    "/staff/plan/",
    "/staff/screening/",
    "/staff/analysis/",
    "/staff/portal/",
    "/staff/audit/",
]

SESSIONS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from homeward.accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from homeward.accounts.models import User

out = []
users = User.objects.filter(is_active=True, is_api_only=False).exclude(username__endswith="_national").order_by("pk")
for user in users[:COUNT]:
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        continue
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s[DEVICE_ID_SESSION_KEY] = device.persistent_id
    s[SESSION_LOGIN_AT] = s[SESSION_LAST_SEEN] = timezone.now().timestamp()
    s.create()
    out.append([user.username, s.session_key])
print(json.dumps(out))
"""

ALERTS = """
import json
from homeward.alerts.models import Alert
print(json.dumps([str(a.public_id) for a in Alert.objects.filter(status="active")]))
"""

GUNICORN_CONFIG = """
def when_ready(server):
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns
    connections.close_all()
"""


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
        stdout=None if capture else subprocess.DEVNULL,
    )
    return result.stdout if capture else ""


def prepare(env: dict[str, str]) -> None:
    database_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    database_admin(f'CREATE DATABASE "{DB_NAME}"')
    # Demo data is refused under production settings: load it with the development settings, same database.
    dev = {**env, "DJANGO_SETTINGS_MODULE": "homeward.settings.dev", "DEBUG": "false"}
    manage(dev, "migrate", "--noinput", "-v0")
    manage(dev, "load_regions")
    manage(dev, "load_demo", "--quiet-logins")


def shell_json(env: dict[str, str], code: str) -> object:
    out = manage(env, "shell", "-c", code, capture=True)
    return json.loads(out.strip().splitlines()[-1])


def get(port: int, path: str, cookie: str = "") -> tuple[int, float]:
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


@dataclass
class Phase:
    name: str
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    elapsed: float = 0.0

    def add(self, path: str, status: int, ms: float) -> None:
        with self.lock:
            self.latencies.append(ms)
            if status != 200:
                self.errors.append((path, status))

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)

    def line(self, baseline_p95: float) -> str:
        n = len(self.latencies)
        return (
            f"BENCH load_{self.name} users={self.users} requests={n} rps={n / max(self.elapsed, 1e-9):.1f} "
            f"p50_ms={self.p(0.5):.1f} p95_ms={self.p(0.95):.1f} p99_ms={self.p(0.99):.1f} "
            f"errors={len(self.errors)} ratio_p95={self.p(0.95) / max(baseline_p95, 1e-9):.1f}"
        )


def run(phase: Phase, seconds: float, walker: object) -> Phase:
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=walker, args=(n, deadline)) for n in range(phase.users)]  # type: ignore[arg-type]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.elapsed = time.perf_counter() - started
    return phase


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short phases (10 s)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think-ms", type=float, default=1000.0, help="mean pause between a user's pages")
    parser.add_argument("--p95-target-ms", type=float, default=500.0)
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the database of an earlier run")
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    env = server_env()
    env["LOG_LEVEL"] = "ERROR"
    if not args.skip_prepare:
        prepare(env)
    sessions: list[list[str]] = shell_json(env, SESSIONS.replace("COUNT", str(args.users)))  # type: ignore[assignment]
    alerts: list[str] = shell_json(env, ALERTS)  # type: ignore[assignment]
    cookie_name = "__Host-sessionid"
    port = free_port()
    config = Path(tempfile.mkstemp(prefix="load-gunicorn-", suffix=".py")[1])
    config.write_text(GUNICORN_CONFIG)
    proc = subprocess.Popen(
        [
            *(str(Path(PYTHON).parent / "gunicorn"), "homeward.wsgi", "--preload", "--config", str(config)),
            *("--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "--backlog", "2048"),
            *("--timeout", "120", "--log-level", "warning"),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 180
        while get(port, "/healthz")[0] != 200:
            if proc.poll() is not None or time.time() > deadline:
                print("load: gunicorn did not start", file=sys.stderr)
                return 1
            time.sleep(0.5)  # waiting for the server process to listen

        # Which staff pages each user may open (and warm every worker's templates and caches).
        pages: dict[str, list[str]] = {}
        for username, key in sessions:
            cookie = f"{cookie_name}={key}"
            pages[username] = [p for p in STAFF_PAGES if get(port, p, cookie)[0] == 200]
        if not all(pages.values()):
            print(
                f"load: users without a staff page: {[u for u, p in pages.items() if not p]}", file=sys.stderr
            )
            return 1
        public = ["/alerts/"] + [f"/alerts/{a}/" for a in alerts]
        for path in public:
            get(port, path)

        def hammer(phase: Phase, paths: list[str]) -> object:
            def walk(n: int, deadline: float) -> None:
                rng = random.Random(n)
                while time.perf_counter() < deadline:
                    path = rng.choice(paths)
                    phase.add(path, *get(port, path))

            return walk

        baseline = Phase("baseline_healthz", args.users)
        run(baseline, seconds / 2, hammer(baseline, ["/healthz"]))
        public_phase = Phase("public_alerts", args.users)
        run(public_phase, seconds, hammer(public_phase, public))

        staff = Phase("staff_pages", len(sessions))

        def staff_user(n: int, deadline: float) -> None:
            username, key = sessions[n]
            rng = random.Random(n)
            cookie = f"{cookie_name}={key}"
            time.sleep(rng.uniform(0, args.think_ms) / 1000)  # users do not all start at the same instant
            while time.perf_counter() < deadline:
                path = rng.choice(pages[username])
                staff.add(path, *get(port, path, cookie))
                time.sleep(rng.expovariate(1000 / args.think_ms))  # a person reading the page

        run(staff, seconds, staff_user)
    finally:
        stop(proc)
        config.unlink(missing_ok=True)

    base_p95 = baseline.p(0.95)
    for phase in (baseline, public_phase, staff):
        print(phase.line(base_p95))
    failed = False
    for phase in (baseline, public_phase, staff):
        if phase.errors:
            print(f"load: {phase.name}: {len(phase.errors)} answers not 200, e.g. {phase.errors[:3]}")
            failed = True
    if staff.p(0.95) >= args.p95_target_ms:
        print(f"load: staff p95 {staff.p(0.95):.0f} ms is not under {args.p95_target_ms:.0f} ms")
        failed = True
    print(f"load: {'FAILED' if failed else 'passed'} (staff p95 target {args.p95_target_ms:.0f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    if urlsplit(os.environ["BENCH_PG_URL"]).scheme not in {"postgres", "postgresql"}:
        raise SystemExit("BENCH_PG_URL must be a PostgreSQL URL")
    sys.exit(main())
