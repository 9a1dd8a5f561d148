"""Validation of identity data from outside: resident ID numbers (GB 11643) and phone numbers."""

from __future__ import annotations

from functools import cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric


def clean_resident_id(value: str) -> str:
    """A valid 18-character resident ID number (GB 11643-1999: checksum, birth date, region), upper-cased."""
    raw = (value or "").strip().upper().replace(" ", "")
    try:
        return str(ric.validate(raw))
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(_("The resident ID number's check digit is wrong.")) from exc
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(_("A resident ID number has 18 characters.")) from exc
    except stdnum_exceptions.InvalidComponent as exc:
        raise ValidationError(_("The resident ID number holds an impossible birth date.")) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("This is not a resident ID number.")) from exc


@cache
def known_regions() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the countries and territories phonenumbers knows (every UN member is one)."""
    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def clean_phone(value: str, region: str = "CN") -> str:
    """A valid phone number in E.164 form (+8613800138000)."""
    raw = (value or "").strip()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This phone number does not exist."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
