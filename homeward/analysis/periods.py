"""Reporting periods: local-date ranges, the same period last year, and the buckets of a trend line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_DAYS = 366 * 5
WEEKLY_UP_TO_DAYS = 140


def shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """Local dates `start`..`end`, both inclusive."""

    start: date
    end: date

    @classmethod
    def parse(cls, start: date | None, end: date | None, *, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        end = end or today
        start = start or (end - timedelta(days=89))
        errors: dict[str, list[str]] = {}
        if start > end:
            errors["start"] = [_("The period starts after it ends.")]
        elif (end - start).days >= MAX_DAYS:
            errors["start"] = [_("A period is at most five years.")]
        if start.year < 2000:
            errors.setdefault("start", []).append(_("Periods start in 2000 or later."))
        if end > today + timedelta(days=366):
            errors["end"] = [_("The period ends too far in the future.")]
        if errors:
            raise ValidationError(errors)
        return cls(start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_dt(self) -> datetime:
        return local_start(self.start)

    @property
    def end_dt(self) -> datetime:
        """Exclusive end instant (local midnight after `end`)."""
        return local_start(self.end + timedelta(days=1))

    def last_year(self) -> Period:
        return Period(shift_year(self.start, -1), shift_year(self.end, -1))

    @property
    def weekly(self) -> bool:
        return self.days <= WEEKLY_UP_TO_DAYS

    def buckets(self) -> list[date]:
        """Bucket keys in order: ISO-week Mondays for short periods, first days of months otherwise."""
        keys: list[date] = []
        if self.weekly:
            day = week_monday(self.start)
            while day <= self.end:
                keys.append(day)
                day += timedelta(days=7)
        else:
            day = self.start.replace(day=1)
            while day <= self.end:
                keys.append(day)
                day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return keys

    def bucket_of(self, at: datetime) -> date:
        day = timezone.localtime(at).date()
        return week_monday(day) if self.weekly else day.replace(day=1)

    def bucket_label(self, key: date) -> str:
        return key.isoformat() if self.weekly else f"{key:%Y-%m}"

    def series(self, times: Iterable[datetime]) -> list[int]:
        counts: Counter[date] = Counter(self.bucket_of(t) for t in times)
        return [counts.get(k, 0) for k in self.buckets()]

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
