"""Standard Webhooks signing (checked with the standardwebhooks library and by hand) and retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from homeward.engines.cap.message import CHINA_TZ
from homeward.engines.cap.webhooks import (
    RETRY_DELAYS,
    WebhookError,
    generate_webhook_secret,
    next_attempt_at,
    retry_schedule,
    sign_webhook,
    verify_webhook,
)

BODY = '<?xml version="1.0"?><alert>儿童失踪</alert>'.encode()


def _hand_signature(secret: str, msg_id: str, ts: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def test_generated_secret_shape() -> None:
    first, second = generate_webhook_secret(), generate_webhook_secret()
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert first != second
    assert len(base64.b64decode(generate_webhook_secret(64)[6:])) == 64
    with pytest.raises(WebhookError):
        generate_webhook_secret(8)


def test_signature_matches_hand_computed_hmac() -> None:
    secret = generate_webhook_secret()
    ts = datetime(2026, 6, 1, 9, 20, 30, tzinfo=CHINA_TZ)
    headers = sign_webhook(secret, "msg_HW-42-1", ts, BODY)
    unix = int(datetime(2026, 6, 1, 1, 20, 30, tzinfo=UTC).timestamp())
    assert headers == {
        "webhook-id": "msg_HW-42-1",
        "webhook-timestamp": str(unix),
        "webhook-signature": _hand_signature(secret, "msg_HW-42-1", unix, BODY),
    }
    # an int timestamp and the UTC datetime of the same instant sign identically
    assert sign_webhook(secret, "msg_HW-42-1", unix, BODY) == headers


def test_published_reference_vector() -> None:
    # Test vector of the Standard Webhooks reference libraries (originally Svix).
    headers = sign_webhook(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
    )
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_library_verifies_and_detects_tampering() -> None:
    secret = generate_webhook_secret()
    headers = sign_webhook(secret, "msg_1", datetime.now(UTC), BODY)
    assert Webhook(secret).verify(BODY, headers, json_parse=False) is None
    verify_webhook(secret, headers, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("失踪".encode(), "找到".encode()), headers, json_parse=False)
    with pytest.raises(WebhookError):
        verify_webhook(secret, {**headers, "webhook-id": "msg_2"}, BODY)
    with pytest.raises(WebhookError):
        verify_webhook(generate_webhook_secret(), headers, BODY)


def test_rotation_sends_both_signatures() -> None:
    old, new, stranger = generate_webhook_secret(), generate_webhook_secret(), generate_webhook_secret()
    now = datetime.now(UTC)
    headers = sign_webhook([new, old], "msg_rot", now, BODY)
    parts = headers["webhook-signature"].split(" ")
    ts = int(headers["webhook-timestamp"])
    assert parts == [_hand_signature(new, "msg_rot", ts, BODY), _hand_signature(old, "msg_rot", ts, BODY)]
    Webhook(old).verify(BODY, headers, json_parse=False)
    Webhook(new).verify(BODY, headers, json_parse=False)
    with pytest.raises(WebhookVerificationError):
        Webhook(stranger).verify(BODY, headers, json_parse=False)


def test_stale_delivery_rejected_by_partner() -> None:
    secret = generate_webhook_secret()
    sent = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    headers = sign_webhook(secret, "msg_1", sent, BODY)
    with time_machine.travel(sent + timedelta(minutes=4), tick=False):
        verify_webhook(secret, headers, BODY)
    with (
        time_machine.travel(sent + timedelta(minutes=6), tick=False),
        pytest.raises(WebhookError, match="old"),
    ):
        verify_webhook(secret, headers, BODY)


@pytest.mark.parametrize(
    ("secret", "msg_id", "ts", "body", "message"),
    [
        ("nope", "msg_1", 0, b"", "whsec_"),
        ("whsec_!!!", "msg_1", 0, b"", "base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "msg_1", 0, b"", "at least"),
        ([], "msg_1", 0, b"", "at least one"),
        (None, "msg 1", 0, b"", "msg_id"),
        (None, "msg_1", datetime(2026, 1, 1), b"", "timezone-aware"),
        (None, "msg_1", 0, b"\xff\xfe", "UTF-8"),
    ],
)
def test_bad_signing_input(secret, msg_id, ts, body, message) -> None:
    if secret is None:
        secret = generate_webhook_secret()
    with pytest.raises(WebhookError, match=message):
        sign_webhook(secret, msg_id, ts, body)


FIRST = datetime(2026, 6, 1, 9, 20, tzinfo=CHINA_TZ)
EXPIRES = FIRST + timedelta(hours=72)


@pytest.mark.parametrize(
    ("attempt", "seconds_after_first"),
    [
        (1, 2),
        (2, 2 + 10),
        (3, 2 + 10 + 30),
        (4, 2 + 10 + 30 + 60),
        (5, 2 + 10 + 30 + 60 + 120),
        (6, 2 + 10 + 30 + 60 + 120 + 300),
        (7, 522 + 300),
        (20, 522 + 14 * 300),
    ],
)
def test_retry_schedule_offsets(attempt: int, seconds_after_first: int) -> None:
    assert next_attempt_at(attempt, FIRST, EXPIRES) == FIRST + timedelta(seconds=seconds_after_first)


def test_retries_stop_at_expiry() -> None:
    schedule = retry_schedule(FIRST, EXPIRES)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(schedule)]
    assert gaps[:6] == [2, 10, 30, 60, 120, 300]
    assert set(gaps[6:]) == {300}
    assert schedule[-1] < EXPIRES <= schedule[-1] + timedelta(minutes=5)
    # 522 s of ramp-up, then one slot every 300 s strictly before 72 h (259200 s)
    steady = (259_200 - 522 - 1) // 300
    assert len(schedule) == 1 + 6 + steady
    assert next_attempt_at(len(schedule), FIRST, EXPIRES) is None
    # an alert about to expire gets no retry at all
    assert next_attempt_at(1, FIRST, FIRST + timedelta(seconds=2)) is None
    assert [d.total_seconds() for d in RETRY_DELAYS] == [2, 10, 30, 60, 120, 300]


def test_retry_input_errors() -> None:
    with pytest.raises(WebhookError):
        next_attempt_at(0, FIRST, EXPIRES)
    with pytest.raises(WebhookError):
        next_attempt_at(1, datetime(2026, 6, 1), EXPIRES)
