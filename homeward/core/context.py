"""Per-request facts (client address, user agent, request id) that the audit trail records.

Services do not take the request; the middleware puts these in a context variable instead.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""
    channel: str = "system"  # web, api, cli, task, system


# The default is a frozen dataclass, so sharing it between contexts is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "homeward_request_context",
    default=RequestContext(),  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def use(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]
