"""The scale-out proof (run by scripts/scaleout.sh with the RQ backend and a PostgreSQL database of its own).

1. homeward.core.scaleout.run_proof: N jobs spread over two RQ workers; one worker SIGKILLed mid-job; the job is
   retried on the other and completes once; nothing lost.
2. A real alert delivery (alerts.tasks.deliveries_send): the partner's endpoint is cut off mid-send by killing the
   worker; after the delivery's lease (30 s) runs out the retried task sends it again with the same webhook-id
   (Standard Webhooks), both signatures valid, one delivery recorded.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from homeward.core import scaleout  # noqa: E402
from homeward.core.scaleout import ProofFailed, check, wait_until  # noqa: E402


class HoldingEndpoint:
    """A partner endpoint that keeps the first request open (its sender is killed meanwhile), answers 204 after."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.first = threading.Event()
        self.second = threading.Event()
        self.release = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if len(endpoint.received) == 1:
                    endpoint.first.set()
                    endpoint.release.wait(120)
                else:
                    endpoint.second.set()
                try:
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _setup_alert(endpoint_url: str) -> tuple[Any, str]:
    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create, user_create
    from homeward.alerts import services
    from homeward.alerts.tests.conftest import alert_data

    def agency(name: str, kind: str, code: str) -> Any:
        return agency_create(actor=None, name=name, type=kind, division_code=code)

    national = agency("公安部", AgencyType.PUBLIC_SECURITY, "000000")
    county = agency("武侯公安分局", AgencyType.PUBLIC_SECURITY, "510107")
    platform = agency("团圆合作平台", AgencyType.PARTNER_PLATFORM, "000000")
    password = "Scaleout-only-2026!"  # noqa: S105 (a throwaway database)
    admin = user_create(
        actor=None, username="scaleout_sys", password=password, agency=national, roles=[Role.SYSADMIN]
    )
    officer = user_create(
        actor=None, username="scaleout_cc", password=password, agency=county, roles=[Role.COMMAND_CENTRE]
    )
    _partner, secret = services.partner_create(
        actor=admin.user, agency_id=platform.pk, endpoint_url=endpoint_url
    )
    alert = services.alert_release(actor=officer.user, data=alert_data())
    return alert, secret


def webhook_proof(*, log_dir: Path) -> dict[str, Any]:
    import django_rq
    from rq.job import Job
    from rq.registry import StartedJobRegistry
    from standardwebhooks import Webhook

    from homeward.alerts.models import Delivery, DeliveryState

    started_at = time.monotonic()
    scaleout._redis().flushdb()
    endpoint = HoldingEndpoint()
    try:
        with scaleout.two_workers(
            redis_url=settings.RQ_QUEUES["default"]["URL"],
            log_dir=log_dir,
            tag="webhook",
            queues=["deliveries", "default"],
        ) as (workers, names):
            _alert, secret = _setup_alert(endpoint.url)
            delivery = Delivery.objects.get()
            check(endpoint.first.wait(60), "the delivery never reached the partner endpoint")
            running = StartedJobRegistry(queue=django_rq.get_queue("deliveries")).get_job_ids()
            check(len(running) == 1, f"expected one delivery job running, found {running}")
            sender = Job.fetch(running[0], connection=scaleout._redis()).worker_name or ""
            workers.kill(sender)  # mid-send: the partner has the request, the worker never hears the answer
            endpoint.release.set()
            survivor = next(n for n in names if n != sender)
            delivery.refresh_from_db()
            check(
                delivery.state == DeliveryState.PENDING and delivery.attempts == 0,
                "delivery recorded too early",
            )
            lease = delivery.lease_until
            if lease is None:
                raise ProofFailed("the delivery was not leased by the worker that sent it")
            print(
                f"webhook: {sender} killed mid-send; waiting for the delivery's lease to run out ({lease:%H:%M:%S})"
            )
            wait_until(lambda: timezone.now() > lease, timeout=90, what="the delivery lease to run out")
            check(scaleout.requeue_abandoned("deliveries") == 1, "the abandoned delivery job was not retried")
            check(endpoint.second.wait(60), "the delivery was not sent again")
            wait_until(
                lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.DELIVERED,
                timeout=60,
                what="the delivery to be recorded as delivered",
            )
            delivery.refresh_from_db()
    finally:
        endpoint.close()
    ids = [h.get("webhook-id", "") for h, _body in endpoint.received]
    check(len(ids) == 2, f"the partner received {len(ids)} requests, expected 2")
    check(ids[0] == ids[1] == delivery.msg_id, f"webhook-ids differ: {ids} (stored {delivery.msg_id})")
    check(
        delivery.attempt_log.count() == 1 and delivery.attempts == 1,
        "the delivery was recorded more than once",
    )
    for headers, body in endpoint.received:
        Webhook(secret).verify(body, headers)  # raises when a signature does not hold
    return {
        "sender_killed": sender,
        "resent_by": survivor,
        "webhook_ids": ids,
        "attempts_recorded": delivery.attempts,
        "seconds": time.monotonic() - started_at,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--log-dir", type=Path, required=True)
    args = parser.parse_args()
    if args.jobs < 2:
        parser.error("--jobs must be at least 2")
    redis_url = settings.RQ_QUEUES["default"]["URL"]
    try:
        figures = scaleout.run_proof(redis_url=redis_url, jobs=args.jobs, log_dir=args.log_dir, tag="proof")
        for line in figures.lines():
            print(f"scaleout: {line}")
        hook = webhook_proof(log_dir=args.log_dir)
    except ProofFailed as exc:
        print(
            f"scaleout: FAILED: {exc} (worker logs in {args.log_dir}; SCALEOUT_KEEP=1 keeps them)",
            file=sys.stderr,
        )
        return 1
    print(
        f"scaleout: webhook: sender {hook['sender_killed']} killed mid-send, re-sent by {hook['resent_by']}; "
        f"partner saw webhook-id {hook['webhook_ids'][0]} twice; {hook['attempts_recorded']} delivery recorded; "
        f"{hook['seconds']:.1f} s"
    )
    print("scaleout: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
