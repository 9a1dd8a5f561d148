"""Counting attempts per client address in the shared cache (public forms: sightings, registrations, look-ups).

With `REDIS_URL` set the cache is shared by every process, so a limit holds across app servers.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


class RateLimited(Exception):
    """The address has used its allowance for the window."""


def count_attempt(*, bucket: str, address: str | None, limit: int, window: int) -> None:
    """Count one attempt from this address; raise RateLimited past `limit` attempts in `window` seconds.

    The address is kept only as a hash in the cache key."""
    key = f"{bucket}:" + hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return
    if count > limit:
        raise RateLimited
