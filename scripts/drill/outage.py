"""The database outage drill against a running application (started by scripts/drill.sh).

Submits tips through the public web form and the JSON API, stops PostgreSQL (--stop command), checks that the
application answers 503 (page saying the tip was NOT received, JSON detail, Retry-After) and that /healthz stays up
while /readyz fails, starts PostgreSQL again (--start command) and checks that the same application process (no
restart) accepts tips again. Writes the markers of accepted and refused tips to --out for the database check.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ADDRESS = "成都市武侯区"


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.body)


@dataclass
class Drill:
    base: str
    failures: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.run = uuid.uuid4().hex[:8]

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310 (http only)
        try:
            with self.opener.open(req, timeout=120) as resp:
                return Answer(resp.status, resp.read().decode(), dict(resp.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read().decode(), dict(exc.headers))

    def check(self, ok: bool, what: str) -> bool:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)
        return ok

    # --- the public web form: GET it (CSRF cookie, form token), then POST ---------------------------------------
    def open_form(self) -> dict[str, str]:
        page = self.request("/tips/", headers={"Accept-Language": "en"})
        if page.status != 200:
            raise SystemExit(f"the tip form did not open: {page.status}")
        token = re.search(r'name="form_token" value="([^"]+)"', page.body)
        csrf = next((c.value or "" for c in self.jar if c.name.endswith("csrftoken")), "")
        return {"form_token": token.group(1) if token else uuid.uuid4().hex, "csrfmiddlewaretoken": csrf}

    def post_form(self, form: dict[str, str], marker: str, language: str = "en") -> Answer:
        fields = {
            **form,
            "category": "child_trade",
            "description": f"Drill tip {marker}: a baby offered for a 'nutrition fee' in a chat group.",
            "address": ADDRESS,
        }
        return self.request(
            "/tips/",
            urllib.parse.urlencode(fields).encode(),
            {
                "Accept-Language": language,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.base + "/tips/",
            },
        )

    def post_api(self, marker: str) -> Answer:
        body = {
            "category": "child_missing",
            "description": f"Drill tip {marker}: a child seen alone at the bus station asking for her mother.",
            "address": ADDRESS,
        }
        return self.request(
            "/api/v1/tips/public",
            json.dumps(body).encode(),
            {
                "Content-Type": "application/json",
                "Accept-Language": "en",
                "Idempotency-Key": f"drill-{marker}",
            },
        )

    def marker(self, name: str) -> str:
        return f"drill-{self.run}-{name}"


class Traffic(threading.Thread):
    """Informants keep sending tips through the API while the database goes away and comes back."""

    def __init__(self, drill: Drill) -> None:
        super().__init__(daemon=True)
        self.drill = Drill(drill.base)
        self.drill.run = drill.run
        self.stop = threading.Event()
        self.sent: dict[str, int] = {}

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            marker = self.drill.marker(f"load-{n}")
            try:
                status = self.drill.post_api(marker).status
            except OSError:
                status = -1  # no answer at all: counted as a failure
            self.sent[marker] = status
            n += 1
            self.stop.wait(0.05)

    def resend_refused(self) -> dict[str, int]:
        """After the outage each refused informant presses "send" again (same idempotency key)."""
        again = {}
        for marker, status in sorted(self.sent.items()):
            if status == 503:
                again[marker] = self.drill.post_api(marker).status
        return again


def wait_ready(drill: Drill, seconds: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if drill.request("/readyz").status == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.2)
    return None


def workers(pid: int) -> set[int]:
    """The application's worker processes (children of the master)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(line for line in status.read_text().splitlines() if line.startswith("PPid:"))
        except (OSError, StopIteration):
            continue
        if int(ppid.split()[1]) == pid:
            found.add(int(status.parent.name))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--stop", required=True, help="program that stops PostgreSQL")
    parser.add_argument("--start", required=True, help="program that starts PostgreSQL")
    parser.add_argument("--app-pid", type=int, required=True, help="the application's master process")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if not args.base.startswith(("http://", "https://")):
        parser.error("--base must be an http(s) URL")
    d = Drill(args.base)

    if wait_ready(d, 60) is None:
        print("the application never became ready", file=sys.stderr)
        return 1
    print("before the outage:")
    m = d.marker("web-before")
    r = d.post_form(d.open_form(), m)
    if d.check(r.status == 200 and "Receipt code" in r.body, f"web tip accepted ({r.status})"):
        d.accepted.append(m)
    m = d.marker("api-before")
    r = d.post_api(m)
    if d.check(r.status in (200, 201) and bool(r.json().get("reference")), f"API tip accepted ({r.status})"):
        d.accepted.append(m)
    # Each worker's first tip imports the matching engines: warm both up (two at once) before the outage.
    warm = [threading.Thread(target=d.post_api, args=(d.marker(f"warm-{i}"),)) for i in range(2)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    pending_form = d.open_form()  # the visitor opened the form before the database went away
    workers_before = workers(args.app_pid)
    traffic = Traffic(d)
    traffic.start()
    time.sleep(1)  # some tips go through before the outage

    subprocess.run([args.stop], check=True)  # noqa: S603 (the drill script passes its own)
    down_at = time.monotonic()
    print("PostgreSQL stopped; during the outage:")
    d.check(d.request("/healthz").status == 200, "/healthz (live) still 200")
    ready = d.request("/readyz")
    d.check(
        ready.status == 503 and "Retry-After" in ready.headers,
        f"/readyz 503 with Retry-After ({ready.status})",
    )
    m_web = d.marker("web-during")
    r = d.post_form(pending_form, m_web)
    d.check(r.status == 503, f"web tip refused with 503 ({r.status})")
    d.check(
        "NOT received" in r.body and "nothing was saved" in r.body, "the page says the tip was NOT received"
    )
    d.check(r.headers.get("Retry-After", "").isdigit(), f"Retry-After: {r.headers.get('Retry-After')}")
    zh = d.post_form(pending_form, m_web, language="zh-hans")
    d.check(zh.status == 503 and "未收到" in zh.body, "the Chinese page says 未收到 (not received)")
    m_api = d.marker("api-during")
    r = d.post_api(m_api)
    body = r.json() if r.headers.get("Content-Type", "").startswith("application/json") else {}
    d.check(
        r.status == 503 and "NOT received" in str(body.get("detail")),
        f"API tip refused, JSON detail ({r.status})",
    )
    d.refused.append(m_api)
    page = d.request("/alerts/", headers={"Accept-Language": "en"})
    d.check(
        page.status == 503 and "Temporarily unavailable" in page.body,
        f"/alerts/ (reads the database) answers 503 ({page.status})",
    )

    time.sleep(max(0.0, 3 - (time.monotonic() - down_at)))  # an outage of three seconds at least
    subprocess.run([args.start], check=True)  # noqa: S603 (the drill script passes its own)
    started_at = time.monotonic()
    back = wait_ready(d, 60)
    print(
        f"PostgreSQL started; the application is ready again after {back if back is not None else -1:.2f} s:"
    )
    if not d.check(back is not None, "/readyz 200 again without restarting the application"):
        return 1
    time.sleep(1)  # and some after it
    traffic.stop.set()
    traffic.join(timeout=180)
    statuses = list(traffic.sent.values())
    ok, refused = sum(s in (200, 201) for s in statuses), statuses.count(503)
    other = len(statuses) - ok - refused
    print(
        f"  concurrent API traffic across the outage: {len(statuses)} tips sent, {ok} accepted, {refused} refused "
        f"with 503, {other} other answers"
    )
    d.check(
        other == 0 and not traffic.is_alive(),
        "every tip sent across the outage was accepted or refused with 503",
    )
    again = traffic.resend_refused()
    d.check(
        all(s in (200, 201) for s in again.values()),
        f"the {len(again)} refused tips, sent again with the same key, were accepted",
    )
    d.accepted.extend(traffic.sent)
    r = d.post_form(pending_form, m_web)  # the visitor presses "send" again, same form
    if d.check(
        r.status == 200 and "Receipt code" in r.body,
        f"the refused web tip, sent again, accepted ({r.status})",
    ):
        d.accepted.append(m_web)
    m = d.marker("api-after")
    r = d.post_api(m)
    if d.check(r.status in (200, 201), f"API tip accepted after the outage ({r.status})"):
        d.accepted.append(m)
    try:
        os.kill(args.app_pid, 0)
        alive = True
    except OSError:
        alive = False
    d.check(alive, f"the application process {args.app_pid} is the one started before the outage")
    workers_after = workers(args.app_pid)
    d.check(
        bool(workers_before) and workers_after == workers_before,
        f"its {len(workers_before)} worker processes were not restarted either {sorted(workers_after)}",
    )

    args.out.write_text(json.dumps({"accepted": d.accepted, "refused": d.refused}))
    print(
        f"  figures: outage {started_at - down_at:.1f} s, ready {back:.2f} s after PostgreSQL started, "
        f"{len(d.accepted)} tips accepted, {len(d.refused) + 2} submissions refused with 503, "
        f"{len(d.failures)} failures"
    )
    return 1 if d.failures else 0


if __name__ == "__main__":
    sys.exit(main())
