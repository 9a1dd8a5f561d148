"""Radius schedule and expiry: the bands of issue 4, configurable schedules, renewals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from homeward.engines.cap.message import CHINA_TZ
from homeward.engines.cap.radius import (
    DEFAULT_EXPIRY,
    DEFAULT_SCHEDULE,
    expires_at,
    is_expired,
    next_radius_change,
    parse_schedule,
    radius_km,
    renew_expiry,
    validate_schedule,
)

LAST_SEEN = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA_TZ)


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (timedelta(minutes=30), 100.0),
        (timedelta(hours=1, minutes=30), 200.0),
        (timedelta(hours=2, minutes=30), 300.0),
        (timedelta(hours=5), 500.0),
    ],
)
def test_radius_moving_the_clock(elapsed: timedelta, expected: float) -> None:
    # The background task asks for "now"; travel the wall clock to each checkpoint of the issue.
    with time_machine.travel(LAST_SEEN + elapsed, tick=False):
        assert radius_km(LAST_SEEN, datetime.now(CHINA_TZ)) == expected


def test_band_edges_are_inclusive_upper_bounds() -> None:
    assert radius_km(LAST_SEEN, LAST_SEEN) == 100.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=1)) == 100.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=1, seconds=1)) == 200.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=3)) == 300.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=3, microseconds=1)) == 500.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(days=30)) == 500.0


def test_alert_filed_late_starts_at_the_grown_radius() -> None:
    # Issue 4: "An alert filed 2 h after the child went missing starts at 200 km."
    filed = LAST_SEEN + timedelta(hours=2)
    assert radius_km(LAST_SEEN, filed) == 200.0
    # ... and filed 4 h late it starts at the final band.
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=4)) == 500.0


def test_mixed_offsets_compare_as_instants() -> None:
    # 09:00+08:00 is 01:00 UTC; 02:30 UTC is 1 h 30 min later.
    assert radius_km(LAST_SEEN, datetime(2026, 6, 1, 2, 30, tzinfo=UTC)) == 200.0


def test_last_seen_in_future_and_naive_datetimes_rejected() -> None:
    with pytest.raises(ValueError, match="future"):
        radius_km(LAST_SEEN, LAST_SEEN - timedelta(seconds=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        radius_km(datetime(2026, 6, 1, 9, 0), LAST_SEEN)


def test_custom_schedule() -> None:
    schedule = ((timedelta(minutes=30), 50.0), (timedelta(hours=6), 150.0), (None, 1000.0))
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(minutes=10), schedule) == 50.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=2), schedule) == 150.0
    assert radius_km(LAST_SEEN, LAST_SEEN + timedelta(hours=7), schedule) == 1000.0


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ((), "empty"),
        (((timedelta(hours=1), 100.0),), "open-ended"),
        (((None, 100.0), (timedelta(hours=1), 200.0)), "only the last band"),
        (((timedelta(hours=2), 100.0), (timedelta(hours=1), 200.0), (None, 300.0)), "increasing"),
        (((timedelta(hours=1), 200.0), (None, 100.0)), "shrink"),
        (((timedelta(hours=1), -5.0), (None, 100.0)), "positive"),
        (((timedelta(0), 5.0), (None, 100.0)), "increasing"),
    ],
)
def test_bad_schedules_rejected(schedule: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_schedule(schedule)


def test_parse_schedule_matches_default() -> None:
    assert parse_schedule("1h:100, 2h:200, 3h:300, *:500") == DEFAULT_SCHEDULE
    assert parse_schedule("60:100,120:200,180:300,*:500") == DEFAULT_SCHEDULE  # bare numbers are minutes
    assert parse_schedule("90m:80,1d:400,*:600") == (
        (timedelta(minutes=90), 80.0),
        (timedelta(days=1), 400.0),
        (None, 600.0),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("1h100,*:500", "band 0"), ("1x:100,*:500", "bad bound"), ("1h:abc,*:5", "bad radius")],
)
def test_parse_schedule_errors_name_the_band(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(text)


def test_next_radius_change() -> None:
    assert next_radius_change(LAST_SEEN, LAST_SEEN + timedelta(minutes=5)) == LAST_SEEN + timedelta(hours=1)
    assert next_radius_change(LAST_SEEN, LAST_SEEN + timedelta(hours=2, minutes=59)) == LAST_SEEN + timedelta(
        hours=3
    )
    assert next_radius_change(LAST_SEEN, LAST_SEEN + timedelta(hours=3, minutes=1)) is None
    # equal radii in consecutive bands are not a change
    flat = ((timedelta(hours=1), 100.0), (timedelta(hours=2), 100.0), (None, 300.0))
    assert next_radius_change(LAST_SEEN, LAST_SEEN, flat) == LAST_SEEN + timedelta(hours=2)


def test_expiry_default_72h_and_renewal() -> None:
    expiry = expires_at(LAST_SEEN)
    assert expiry == datetime(2026, 6, 4, 9, 0, tzinfo=CHINA_TZ)
    assert timedelta(hours=72) == DEFAULT_EXPIRY
    assert not is_expired(expiry, expiry - timedelta(seconds=1))
    assert is_expired(expiry, expiry)
    # renewed 70 h after last seen: runs 72 h from the renewal
    renewal_time = LAST_SEEN + timedelta(hours=70)
    assert renew_expiry(expiry, renewal_time) == renewal_time + timedelta(hours=72)
    # a short renewal never shortens the alert
    assert renew_expiry(expiry, LAST_SEEN + timedelta(hours=1), timedelta(hours=1)) == expiry
    # renewing an already expired alert revives it
    late = expiry + timedelta(hours=5)
    assert renew_expiry(expiry, late, timedelta(hours=24)) == late + timedelta(hours=24)
    with pytest.raises(ValueError):
        renew_expiry(expiry, late, timedelta(0))
    with pytest.raises(ValueError):
        expires_at(LAST_SEEN, timedelta(hours=-1))
