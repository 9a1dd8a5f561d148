"""Growing alert radius and alert expiry.

A missing-child alert targets a circle around the last-seen point whose radius grows with the time
since the child was last seen (issue 4: 100 km up to 1 h, 200 km up to 2 h, 300 km up to 3 h,
500 km after). The schedule is configurable per deployment; it is a tuple of
``(upper_bound, radius_km)`` bands whose last band has ``None`` as its bound. Each band's upper
bound is inclusive: an alert filed exactly 2 h after the child went missing starts at 200 km.

Alerts expire (default 72 h after last seen) and an officer may renew them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

RadiusSchedule = Sequence[tuple[timedelta | None, float]]

DEFAULT_SCHEDULE: tuple[tuple[timedelta | None, float], ...] = (
    (timedelta(hours=1), 100.0),
    (timedelta(hours=2), 200.0),
    (timedelta(hours=3), 300.0),
    (None, 500.0),
)

DEFAULT_EXPIRY = timedelta(hours=72)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def validate_schedule(schedule: RadiusSchedule) -> None:
    """Raise ``ValueError`` unless ``schedule`` is a well-formed radius schedule.

    Bounds must be positive and strictly increasing, the last band (only) has ``None`` as its bound,
    and radii must be positive and never shrink (an alert area only ever grows).
    """
    if len(schedule) == 0:
        raise ValueError("radius schedule is empty")
    previous_bound = timedelta(0)
    previous_radius = 0.0
    for index, band in enumerate(schedule):
        if len(band) != 2:
            raise ValueError(f"radius schedule band {index} must be (upper_bound, radius_km)")
        bound, radius = band
        last = index == len(schedule) - 1
        if bound is None and not last:
            raise ValueError(f"radius schedule band {index}: only the last band may be open-ended")
        if bound is not None and last:
            raise ValueError("radius schedule: the last band must be open-ended (bound None)")
        if bound is not None:
            if not isinstance(bound, timedelta):
                raise ValueError(f"radius schedule band {index}: bound must be a timedelta")
            if bound <= previous_bound:
                raise ValueError(f"radius schedule band {index}: bounds must be positive and increasing")
            previous_bound = bound
        if isinstance(radius, bool) or not isinstance(radius, int | float) or not radius > 0:
            raise ValueError(f"radius schedule band {index}: radius must be a positive number")
        if radius < previous_radius:
            raise ValueError(f"radius schedule band {index}: radius must not shrink")
        previous_radius = float(radius)


def radius_km(last_seen: datetime, now: datetime, schedule: RadiusSchedule = DEFAULT_SCHEDULE) -> float:
    """Alert radius in km at ``now`` for a child last seen at ``last_seen``.

    Raises ``ValueError`` for naive datetimes or when ``now`` is before ``last_seen`` (a last-seen
    time in the future is bad input, not a zero radius).
    """
    _require_aware(last_seen, "last_seen")
    _require_aware(now, "now")
    validate_schedule(schedule)
    elapsed = now - last_seen
    if elapsed < timedelta(0):
        raise ValueError("now is before last_seen: last-seen time lies in the future")
    for bound, radius in schedule:
        if bound is None or elapsed <= bound:
            return float(radius)
    raise AssertionError("unreachable: validated schedule ends with an open band")  # pragma: no cover


def next_radius_change(
    last_seen: datetime, now: datetime, schedule: RadiusSchedule = DEFAULT_SCHEDULE
) -> datetime | None:
    """When the radius next grows after ``now`` (None once the last band is reached).

    Bands are inclusive at their upper bound, so the growth takes effect just after
    ``last_seen + bound``; the returned instant is that boundary, and a scheduler should recompute
    at or after it (``radius_km`` at the boundary itself still returns the smaller radius).
    Bands with equal radii are skipped: only real growth is reported.
    """
    current = radius_km(last_seen, now, schedule)
    elapsed = now - last_seen
    for index, (bound, _radius) in enumerate(schedule):
        if bound is None:
            return None
        if bound >= elapsed and schedule[index + 1][1] > current:
            return last_seen + bound
    return None  # pragma: no cover  (validated schedules end with an open band)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 60.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_schedule(text: str) -> tuple[tuple[timedelta | None, float], ...]:
    """Parse a deployment setting such as ``"1h:100, 2h:200, 3h:300, *:500"``.

    Bounds take a unit suffix ``s``, ``m``, ``h`` or ``d`` (bare numbers are minutes); ``*`` marks the
    open last band. Raises ``ValueError`` naming the offending band.
    """
    bands: list[tuple[timedelta | None, float]] = []
    parts = [part for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError("radius schedule is empty")
    for index, part in enumerate(parts):
        if ":" not in part:
            raise ValueError(f"radius schedule band {index} ({part.strip()!r}): expected BOUND:RADIUS_KM")
        bound_text, radius_text = part.split(":", 1)
        bound: timedelta | None
        if bound_text.strip() == "*":
            bound = None
        else:
            match = _DURATION.match(bound_text)
            if match is None:
                raise ValueError(f"radius schedule band {index}: bad bound {bound_text.strip()!r}")
            bound = timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
        try:
            radius = float(radius_text)
        except ValueError:
            raise ValueError(f"radius schedule band {index}: bad radius {radius_text.strip()!r}") from None
        bands.append((bound, radius))
    schedule = tuple(bands)
    validate_schedule(schedule)
    return schedule


def expires_at(last_seen: datetime, ttl: timedelta = DEFAULT_EXPIRY) -> datetime:
    """Default expiry of an alert: ``ttl`` (72 h) after the child was last seen."""
    _require_aware(last_seen, "last_seen")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    return last_seen + ttl


def renew_expiry(current_expiry: datetime, now: datetime, extension: timedelta = DEFAULT_EXPIRY) -> datetime:
    """New expiry after an officer renews an alert at ``now``.

    The alert then runs until ``now + extension``; a renewal never shortens an alert that already
    runs longer.
    """
    _require_aware(current_expiry, "current_expiry")
    _require_aware(now, "now")
    if extension <= timedelta(0):
        raise ValueError("extension must be positive")
    return max(current_expiry, now + extension)


def is_expired(expiry: datetime, now: datetime) -> bool:
    """True once ``now`` has reached ``expiry``."""
    _require_aware(expiry, "expiry")
    _require_aware(now, "now")
    return now >= expiry
