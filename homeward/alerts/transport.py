"""Outbound webhook POSTs: SSRF-checked, pinned to the checked address, 10 s timeout, no redirects.

No database here: the delivery services prepare requests, this module sends them (many at once in threads)
and returns plain results.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3

from homeward.engines.cap import DELIVERY_TIMEOUT_SECONDS, UnsafeURLError, check_outbound_url

MAX_RESPONSE_BYTES = 64 * 1024
MAX_PARALLEL = 32


@dataclass(frozen=True)
class OutboundRequest:
    key: int  # the delivery id
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class OutboundResult:
    key: int
    ok: bool
    status: int | None
    error: str
    duration_ms: int
    started: float


def _pool(scheme: str, address: str, port: int, host: str, timeout: float) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(connect=timeout, read=timeout, total=timeout)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=limits,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=limits, retries=False, maxsize=1)


def post(
    request: OutboundRequest, *, allow_private: bool, timeout: float = DELIVERY_TIMEOUT_SECONDS
) -> OutboundResult:
    """POST once. Never raises: every failure is a result with `ok=False` and a short reason."""
    started = time.monotonic()
    wall = time.time()

    def done(ok: bool, status: int | None, error: str) -> OutboundResult:
        elapsed = int((time.monotonic() - started) * 1000)
        return OutboundResult(request.key, ok, status, error[:300], elapsed, wall)

    try:
        target = check_outbound_url(request.url, allow_private)
    except UnsafeURLError as exc:
        return done(False, None, f"refused: {exc}")
    parts = urlsplit(request.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and not target.host.startswith("["):
        host_header = f"[{target.host}]" + ("" if target.port == default_port else f":{target.port}")
    headers = {
        **request.headers,
        "Host": host_header,
        "Content-Type": "application/json",
        "User-Agent": "Homeward-Alerts/1",
    }
    pool = _pool(target.scheme, target.addresses[0], target.port, target.host, timeout)
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=request.body,
            headers=headers,
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(MAX_RESPONSE_BYTES, decode_content=False)
        finally:
            response.release_conn()
        status = response.status
    except urllib3.exceptions.HTTPError as exc:
        return done(False, None, f"{type(exc).__name__}: {exc}")
    except OSError as exc:
        return done(False, None, f"{type(exc).__name__}: {exc}")
    finally:
        pool.close()
    if 200 <= status < 300:
        return done(True, status, "")
    return done(False, status, f"HTTP {status}")


def post_many(
    requests: Iterable[OutboundRequest],
    *,
    allow_private: bool,
    timeout: float = DELIVERY_TIMEOUT_SECONDS,
    sender: Callable[..., OutboundResult] = post,
) -> Iterator[OutboundResult]:
    """Send all at once; yield each result as soon as it is in, so a slow partner delays nobody else."""
    batch = list(requests)
    if not batch:
        return
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(batch)), thread_name_prefix="webhook") as pool:
        futures = [pool.submit(sender, r, allow_private=allow_private, timeout=timeout) for r in batch]
        for future in as_completed(futures):
            yield future.result()
