"""Keeping refusals on record when the service that refused rolls back.

A service runs in one transaction; when it is refused (a record outside the actor's jurisdiction, a missing
permission), the transaction rolls back — and with it any `denied` audit row written inside, e.g. by
`access.selectors.get_for_user`. Wrap the service in `refusals_kept()` (a context manager) or `@kept_refusals`
(a decorator): the block runs in its own transaction, every denial recorded inside it is noted, and when the block
ends with an exception the noted denials are written again after the rollback. A service that wants to say more
raises `Refused(error, ...)`: the block rolls back, writes that refusal's row (and runs its `then`), and raises
`error` to the caller.

Nested blocks write their denials into the enclosing block's transaction (which notes them in turn), so a denial
is written once whether the outer transaction commits or rolls back. A refusal inside a transaction that is not
such a block (e.g. a caller's own `transaction.atomic`) is kept only if that transaction commits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404

from homeward.audit.models import AuditAction, AuditOutcome

P = ParamSpec("P")
R = TypeVar("R")


class _Block:
    def __init__(self) -> None:
        self.denials: list[dict[str, Any]] = []


_current: ContextVar[_Block | None] = ContextVar("homeward_audit_refusal_block", default=None)


def is_denial(fields: dict[str, Any]) -> bool:
    return (
        str(fields.get("outcome")) == AuditOutcome.DENIED
        or str(fields.get("action")) == AuditAction.PERMISSION_DENIED
    )


def note_denial(fields: dict[str, Any]) -> None:
    """Called by `audit.services.record` for every row: remembers denials written inside a kept-refusals block."""
    block = _current.get()
    if block is not None and is_denial(fields):
        block.denials.append(dict(fields))


class Refused(Exception):
    """A refusal to keep on record: raised inside a kept-refusals block, written after the rollback.

    `error` is what the caller gets (Http404, PermissionDenied, ValidationError …); `then` runs in the same
    transaction as the audit row (e.g. a timeline entry on the refused record)."""

    def __init__(
        self,
        error: Exception,
        *,
        actor: Any,
        action: str,
        obj: models.Model | None = None,
        object_type: str = "",
        object_id: Any = "",
        reason: str = "",
        detail: dict[str, Any] | None = None,
        then: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(reason)
        self.error = error
        self.actor = actor
        self.action = action
        self.obj = obj
        self.object_type = object_type
        self.object_id = object_id
        self.reason = reason
        self.detail = detail
        self.then = then

    def write(self) -> None:
        from homeward.audit import services

        detail = dict(self.detail or {})
        if self.reason:
            detail.setdefault("reason", self.reason)
        services.record(
            actor=self.actor,
            action=self.action,
            obj=self.obj,
            object_type=self.object_type,
            object_id=str(self.object_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail=detail,
        )
        if self.then is not None:
            self.then()


def _write_again(denials: list[dict[str, Any]], refusal: Refused | None = None) -> None:
    from homeward.audit import services

    if not denials and refusal is None:
        return
    with transaction.atomic():
        for fields in denials:
            services.insert_row(fields)
        if refusal is not None:
            refusal.write()


@contextmanager
def refusals_kept(
    describe: Callable[[BaseException], Refused | None] | None = None,
) -> Iterator[None]:
    """Run the block in a transaction; denials recorded inside survive its rollback (see the module docstring).

    `describe(exc)` may turn a PermissionDenied or Http404 that left the block without any recorded denial into
    a `Refused` to write (so that every refusal leaves exactly one row)."""
    block = _Block()
    token = _current.set(block)
    try:
        with transaction.atomic():
            yield
    except Refused as refusal:
        _current.reset(token)
        _write_again(block.denials, refusal)
        raise refusal.error from None
    except (PermissionDenied, Http404) as exc:
        _current.reset(token)
        described = describe(exc) if describe is not None and not block.denials else None
        _write_again(block.denials, described)
        raise
    except BaseException:
        _current.reset(token)
        _write_again(block.denials)
        raise
    else:
        _current.reset(token)


def kept_refusals(
    fn: Callable[P, R] | None = None,
    *,
    describe: Callable[[Callable[..., Any], BaseException, dict[str, Any]], Refused | None] | None = None,
) -> Any:
    """Decorator form of `refusals_kept` for a service; `describe(service, exc, kwargs)` as above."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            describe_exc = (lambda exc: describe(func, exc, kwargs)) if describe is not None else None
            with refusals_kept(describe_exc):
                return func(*args, **kwargs)
            raise AssertionError("unreachable")  # pragma: no cover  (the context manager re-raises)

        return wrapper

    return decorate(fn) if fn is not None else decorate
