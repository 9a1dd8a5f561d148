"""Shared builders: a report and a found person who is the same child, years later."""

from __future__ import annotations

from datetime import date

import pytest

from homeward.engines.linkage import FoundRecord, MissingRecord


@pytest.fixture
def report() -> MissingRecord:
    return MissingRecord(
        id="m1",
        sex="M",
        birth_date=date(1990, 3, 1),
        missing_date=date(1995, 5, 1),
        missing_division="500228",  # 梁平县, a district (500155) since 2016
        name="陈明明",
        nicknames=("小明",),
        father_name="陈建国",
        mother_name="李秀英",
        height_cm=111.3,
        marks=("左臂有一块黑痣",),
        dialect="四川话",
        circumstances="家门口有条河，奶奶卖豆腐",
    )


@pytest.fixture
def bare_found() -> FoundRecord:
    """Only what every found record has: sex, an age estimate, when found."""
    return FoundRecord(id="f1", sex="M", age_min=28, age_max=32, found_date=date(2021, 6, 1))
