"""Partner webhooks per the Standard Webhooks specification, and their retry schedule.

Every delivery carries ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers; the
signature is ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` computed by the ``standardwebhooks``
package with the partner's ``whsec_...`` secret. During a secret rotation both the old and the new
secret sign, and the header carries both signatures separated by a space, so the partner's
verifier accepts whichever secret it currently holds.

Failed deliveries are retried about 2 s, 10 s, 30 s, 1 min, 2 min and 5 min after the previous try
and then every 5 min until the alert expires (:func:`next_attempt_at`).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 - the spec's public prefix, not a secret
# Standard Webhooks recommends secrets of 24 to 64 random bytes.
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
DEFAULT_SECRET_BYTES = 32

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=2),
    timedelta(seconds=10),
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
)
STEADY_RETRY_DELAY = timedelta(minutes=5)
DELIVERY_TIMEOUT_SECONDS = 10.0

_MSG_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,255}$")


class WebhookError(ValueError):
    """Bad input for signing (secret, message id, timestamp or body)."""


def generate_webhook_secret(nbytes: int = DEFAULT_SECRET_BYTES) -> str:
    """A new random partner secret, ``whsec_`` + base64 of ``nbytes`` random bytes (shown once)."""
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise WebhookError(f"secret length must be {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def _webhook(secret: str) -> Webhook:
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise WebhookError("secret must be a 'whsec_' string")
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except ValueError:
        raise WebhookError("secret is not valid base64 after 'whsec_'") from None
    if len(raw) < MIN_SECRET_BYTES:
        raise WebhookError(f"secret must hold at least {MIN_SECRET_BYTES} bytes")
    return Webhook(secret)


def _timestamp(timestamp: datetime | int) -> datetime:
    if isinstance(timestamp, bool):
        raise WebhookError("timestamp must be a datetime or Unix seconds")
    if isinstance(timestamp, int):
        return datetime.fromtimestamp(timestamp, tz=UTC)
    if not isinstance(timestamp, datetime) or timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise WebhookError("timestamp must be a timezone-aware datetime or Unix seconds")
    # standardwebhooks replaces tzinfo with UTC without converting, so hand it a UTC datetime.
    return timestamp.astimezone(UTC)


def _body_text(body: bytes | str) -> str:
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise WebhookError("body must be UTF-8") from None
    if not isinstance(body, str):
        raise WebhookError("body must be bytes or str")
    return body


def sign_webhook(
    secret: str | Sequence[str], msg_id: str, timestamp: datetime | int, body: bytes | str
) -> dict[str, str]:
    """Headers for one delivery attempt: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``.

    ``secret`` is one ``whsec_`` secret or, during rotation, several (new first); each yields one
    ``v1,`` signature in the space-separated header. ``msg_id`` stays the same across retries of
    the same message so partners can de-duplicate; ``timestamp`` is the attempt time.
    """
    secret_list = [secret] if isinstance(secret, str) else list(secret)
    if not secret_list:
        raise WebhookError("at least one secret is required")
    if len(set(secret_list)) != len(secret_list):
        raise WebhookError("duplicate secrets")
    if not isinstance(msg_id, str) or not _MSG_ID.match(msg_id):
        raise WebhookError("msg_id must be 1-255 characters of [A-Za-z0-9_.:-]")
    when = _timestamp(timestamp)
    text = _body_text(body)
    signatures = [_webhook(item).sign(msg_id=msg_id, timestamp=when, data=text) for item in secret_list]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def verify_webhook(secret: str, headers: Mapping[str, str], body: bytes | str) -> None:
    """Check a delivery as a partner would (via ``standardwebhooks``); raise ``WebhookError`` if bad.

    The library rejects timestamps more than 5 minutes from the current time, as the spec asks.
    """
    try:
        _webhook(secret).verify(_body_text(body), dict(headers), json_parse=False)
    except WebhookVerificationError as exc:
        raise WebhookError(f"webhook verification failed: {exc}") from None


def retry_offset(attempt_no: int) -> timedelta:
    """Time from the first attempt to attempt ``attempt_no + 1`` (``attempt_no`` >= 1 has failed)."""
    if isinstance(attempt_no, bool) or not isinstance(attempt_no, int) or attempt_no < 1:
        raise WebhookError("attempt_no must be an integer >= 1")
    scheduled = min(attempt_no, len(RETRY_DELAYS))
    offset = sum(RETRY_DELAYS[:scheduled], timedelta(0))
    return offset + STEADY_RETRY_DELAY * (attempt_no - scheduled)


def next_attempt_at(attempt_no: int, first_attempt_at: datetime, expires_at: datetime) -> datetime | None:
    """When to try again after attempt number ``attempt_no`` (1 = the first delivery) failed.

    Retries follow :data:`RETRY_DELAYS` and then every 5 minutes, measured on a fixed grid from
    ``first_attempt_at`` so a slow attempt does not push the whole schedule back. Returns ``None``
    when the next slot is at or after ``expires_at``: the delivery is then exhausted and goes to
    the dead-letter list.
    """
    for value, name in ((first_attempt_at, "first_attempt_at"), (expires_at, "expires_at")):
        if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
            raise WebhookError(f"{name} must be a timezone-aware datetime")
    candidate = first_attempt_at + retry_offset(attempt_no)
    return candidate if candidate < expires_at else None


def retry_schedule(first_attempt_at: datetime, expires_at: datetime, limit: int = 10_000) -> list[datetime]:
    """All attempt times (first included) until expiry, for display in the delivery log."""
    times: list[datetime] = [first_attempt_at]
    attempt = 1
    while len(times) < limit:
        nxt = next_attempt_at(attempt, first_attempt_at, expires_at)
        if nxt is None:
            break
        times.append(nxt)
        attempt += 1
    return times
