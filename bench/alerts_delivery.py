"""Alert fan-out to 50 loopback partner endpoints (some slow, some failing) through the real task worker.

Measures the time from release to the last healthy partner's first delivery, and from closure to the last
healthy partner's closure delivery, with a `manage.py db_worker` process doing the sending. The baseline, measured
in the same run, is a plain sequential loop POSTing the same signed body to every endpoint once (what a naive
sender would need before the last partner hears of the alert).

    .venv/bin/python bench/alerts_delivery.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Endpoint:
    def __init__(self, kind: str, delay: float) -> None:
        self.kind, self.delay = kind, delay
        self.hits: list[tuple[float, str]] = []  # (time, event type)
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived = time.time()
                event = body[:40].decode(errors="replace")
                if endpoint.delay:
                    time.sleep(endpoint.delay)
                status = 500 if endpoint.kind == "failing" else 204
                if status == 204:
                    endpoint.hits.append((arrived if endpoint.kind != "slow" else time.time(), event))
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up (timeout)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def first(self, event: str) -> float | None:
        times = [t for t, e in self.hits if event in e]
        return min(times) if times else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_partners = 20 if args.quick else 50
    n_slow, n_failing = (2, 2) if args.quick else (5, 5)
    slow_delay = 3.0 if args.quick else 12.0  # beyond the 10 s timeout in the full run

    tmp = Path(tempfile.mkdtemp(prefix="alerts-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.dev",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "HOMEWARD_VAR_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    t = time.time()
    call_command("migrate", verbosity=0)
    from homeward.regions.services import regions_load

    regions_load()
    setup_s = time.time() - t

    from datetime import timedelta

    from django.utils import timezone

    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create, user_create
    from homeward.alerts import services
    from homeward.alerts.models import Delivery
    from homeward.alerts.services import AlertData

    police = agency_create(
        actor=None, name="武侯公安分局", type=AgencyType.PUBLIC_SECURITY, division_code="510107"
    )
    mps = agency_create(actor=None, name="公安部", type=AgencyType.PUBLIC_SECURITY, division_code="000000")
    officer = user_create(
        actor=None, username="cc", password=None, agency=police, roles=[Role.COMMAND_CENTRE]
    ).user
    admin = user_create(actor=None, username="admin", password=None, agency=mps, roles=[Role.SYSADMIN]).user
    kinds = ["slow"] * n_slow + ["failing"] * n_failing + ["healthy"] * (n_partners - n_slow - n_failing)
    endpoints = [Endpoint(kind, slow_delay if kind == "slow" else 0.0) for kind in kinds]
    secrets = []
    for i, endpoint in enumerate(endpoints):
        agency = agency_create(
            actor=None, name=f"合作平台{i:02d}", type=AgencyType.PARTNER_PLATFORM, division_code="000000"
        )
        _partner, secret = services.partner_create(
            actor=admin, agency_id=agency.pk, endpoint_url=endpoint.url
        )
        secrets.append(secret)
    healthy = [e for e in endpoints if e.kind == "healthy"]

    # Baseline: one sequential pass over every endpoint with the same signed body (10 s timeout).
    import requests

    from homeward.engines.cap import sign_webhook

    body = b'{"type":"baseline","data":{}}'
    t = time.time()
    for endpoint, secret in zip(endpoints, secrets, strict=True):
        headers = sign_webhook(secret, "msg_baseline", timezone.now(), body)
        with contextlib.suppress(requests.RequestException):
            requests.post(endpoint.url, data=body, headers=headers, timeout=10)
    baseline_s = time.time() - t
    for endpoint in endpoints:
        endpoint.hits.clear()

    # The recommended deployment: one worker for first deliveries, one for retries and the rest.
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                queue,
                "--interval",
                "0.1",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for queue in ("deliveries", "default")
    ]
    try:
        # Process start-up (URLconf import, division index, signing key) is not part of the measurement: a
        # running server and worker have paid it. Warm both, and wait until the worker has run a no-op task.
        from django.urls import reverse
        from django_tasks_db.models import DBTaskResult

        from homeward.alerts import conf, geo
        from homeward.alerts.tasks import deliveries_send

        reverse("alerts_public:list")
        geo.nearest_county(30.64, 104.04)
        conf.signing_identity()
        deliveries_send.using(queue_name="default").enqueue([])
        warm = deliveries_send.enqueue([])
        deadline = time.time() + 300
        while time.time() < deadline and DBTaskResult.objects.get(pk=warm.id).status != "SUCCESSFUL":
            time.sleep(0.2)
        t_release = time.time()
        alert = services.alert_release(
            actor=officer,
            data=AlertData(
                name="测试儿童",
                sex="male",
                birth_date=timezone.localdate() - timedelta(days=365 * 6),
                height_cm=115,
                clothing="红色上衣，蓝色裤子",
                circumstances="lost",
                last_seen_at=timezone.now() - timedelta(minutes=20),
                last_seen_lat=30.64,
                last_seen_lon=104.04,
                police_confirmed=True,
            ),
        )
        released_s = time.time() - t_release
        deadline = time.time() + 60
        while time.time() < deadline and any(e.first("alert.released") is None for e in healthy):
            time.sleep(0.05)
        firsts = [e.first("alert.released") for e in healthy]
        got = [f - t_release for f in firsts if f is not None]
        release_last = max(got) if got else float("nan")
        within_5 = sum(1 for g in got if g <= 5.0)
        print(
            f"BENCH alerts_release_fanout partners={n_partners} healthy={len(healthy)} slow={n_slow} "
            f"failing={n_failing} slow_delay_s={slow_delay} service_call_s={released_s:.3f} "
            f"release_to_last_healthy_s={release_last:.3f} "
            f"median_s={statistics.median(got) if got else float('nan'):.3f} "
            f"healthy_within_5s={within_5}/{len(healthy)} baseline_sequential_s={baseline_s:.3f} "
            f"ratio_vs_baseline={release_last / baseline_s:.3f}"
        )
        # Let the first round (and the slow partners' timeouts) finish before closing.
        time.sleep(slow_delay + 1.0 if not args.quick else 4.0)
        t_close = time.time()
        services.alert_close(actor=officer, alert_id=alert.pk, outcome="found")
        deadline = time.time() + 60
        while time.time() < deadline and any(e.first("alert.found") is None for e in healthy):
            time.sleep(0.05)
        closes = [e.first("alert.found") for e in healthy]
        got_close = [c - t_close for c in closes if c is not None]
        close_last = max(got_close) if got_close else float("nan")
        states: dict[str, int] = {}
        for state in Delivery.objects.values_list("state", flat=True):
            states[state] = states.get(state, 0) + 1
        print(
            f"BENCH alerts_closure_fanout partners={n_partners} closure_to_last_healthy_s={close_last:.3f} "
            f"healthy_received={len(got_close)}/{len(healthy)} baseline_sequential_s={baseline_s:.3f} "
            f"ratio_vs_baseline={close_last / baseline_s:.3f} "
            + " ".join(f"deliveries_{k}={v}" for k, v in sorted(states.items()))
        )
        print(f"BENCH alerts_bench_setup migrate_and_regions_s={setup_s:.1f}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        for endpoint in endpoints:
            endpoint.server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
