from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from homeward.demo.services import resident_id
from homeward.people.validators import clean_phone, clean_resident_id


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_valid_resident_id_with_x_check_digit():
    # 11010519491231002X is the standard's published example number.
    assert clean_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "number,message",
    [
        ("110105194912310021", "check digit"),
        ("1101051949123100", "18"),
        (None, "birth date"),
        ("ABCDEFGHIJKLMNOPQR", "not a resident ID"),
    ],
)
def test_invalid_resident_ids(number, message):
    if number is None:  # month 13, with a correct check digit so that only the date is wrong
        body = "11010519491331002"
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    with pytest.raises(ValidationError, match=message):
        clean_resident_id(number)


def test_demo_generator_makes_valid_numbers():
    from datetime import date

    assert clean_resident_id(resident_id("510107", date(2016, 3, 12), 3))


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("13800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("028-85551234", "+862885551234"),
    ],
)
def test_phones_normalised(raw, expected):
    assert clean_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "not a phone", "1380013800"])
def test_bad_phones(raw):
    with pytest.raises(ValidationError):
        clean_phone(raw)
