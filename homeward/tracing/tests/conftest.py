"""Helpers for the tracing tests: a report in county A and a found person in county B that match well."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import COUNTY_A, COUNTY_B
from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData
from homeward.tracing import index as worker_index
from homeward.tracing import services


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    worker_index.forget()
    yield
    worker_index.forget()


def report_data(**overrides: Any) -> services.ReportData:
    values: dict[str, Any] = {
        "nicknames": ["明明"],
        "missing_date": date(2010, 5, 1),
        "missing_division": COUNTY_A,
        "father_name": "陈建国",
        "mother_name": "李秀英",
        "dialect": "四川话",
        "height_cm": 110.0,
        "marks": ["左臂有一块疤"],
        "circumstances": "在家门口的河边玩耍时走失，奶奶卖豆腐",
        "family_contact_name": "陈建国",
        "family_contact_phone": "13800138002",
    }
    values.update(overrides)
    return services.ReportData(**values)


def found_data(**overrides: Any) -> services.FoundData:
    values: dict[str, Any] = {
        "kind": "rescued",
        "age_min": 16,
        "age_max": 20,
        "found_date": date(2024, 3, 1),
        "found_division": COUNTY_B,
        "remembered_names": ["明明"],
        "remembered_parents": ["爸爸叫陈建国"],
        "remembered_places": ["成都"],
        "dialect": "四川话",
        "marks": ["左手臂上有疤"],
        "memories": "家旁边有一条河，奶奶卖豆腐",
    }
    values.update(overrides)
    return services.FoundData(**values)


def person(code: str, name: str, sex: str = Sex.MALE, **extra: Any) -> PersonData:
    return PersonData(jurisdiction=code, sex=sex, names=[(name, NameKind.LEGAL)], **extra)


@pytest.fixture
def pair(personas: Any) -> Any:
    """A report (county A, 陈明明 born 2006) and a found person (county B, 陈铭铭), not yet matched."""
    report = services.report_create(
        actor=personas.investigator_a,
        data=report_data(),
        person=person(COUNTY_A, "陈明明", birth_date=date(2006, 2, 3)),
    )
    found = services.found_create(
        actor=personas.investigator_b, data=found_data(), person=person(COUNTY_B, "陈铭铭")
    )
    return report, found


@pytest.fixture
def run_tasks(settings: Any) -> Any:
    """Tasks run as they are enqueued (on commit). The database worker's `close_old_connections` would close the
    test's PostgreSQL connection inside its transaction, so the queue itself is exercised by the dna/notifications
    tests; here what matters is that a commit enqueues the re-match and the task does it."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "deliveries", "search"],
        }
    }
    return lambda: None


__all__ = ["COUNTY_A", "COUNTY_B", "found_data", "person", "report_data"]
