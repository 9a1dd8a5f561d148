"""Reads of divisions: scope prefixes, ancestry, validation of codes from outside."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from homeward.regions.models import Division, DivisionCodePeriod


def scope_prefix(code: str) -> str:
    """The code prefix that every division under `code` (and `code` itself) starts with."""
    if code == settings.NATIONAL_DIVISION_CODE:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def is_within(code: str, ancestor: str) -> bool:
    return code.startswith(scope_prefix(ancestor))


def ancestor_codes(code: str) -> list[str]:
    """The code itself and every division above it, up to the national root."""
    chain = [settings.NATIONAL_DIVISION_CODE]
    if code == settings.NATIONAL_DIVISION_CODE:
        return chain
    province = code[:2] + "0000"
    chain.append(province)
    prefecture = code[:4] + "00"
    if prefecture != province:
        chain.append(prefecture)
    if code not in chain:
        chain.append(code)
    return chain


def division_get(code: str) -> Division | None:
    return Division.objects.filter(code=code).first()


def division_require(code: object) -> Division:
    """A current division for a code that came from outside; ValidationError with a clear message otherwise."""
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        raise ValidationError(
            _("A division code is six digits (GB/T 2260), got %(code)r."), params={"code": code}
        )
    division = division_get(code)
    if division is None:
        current = current_codes_for(code)
        if current:
            raise ValidationError(
                _("Division code %(code)s is no longer in use; today it is %(current)s."),
                params={"code": code, "current": ", ".join(current)},
            )
        raise ValidationError(_("Unknown division code %(code)s."), params={"code": code})
    return division


def current_codes_for(code: str, year: int | None = None) -> list[str]:
    """Today's codes for a possibly retired code, resolved with the record's year when it is known."""
    periods = DivisionCodePeriod.objects.filter(code=code)
    if year is not None:
        periods = periods.filter(valid_from__lte=year).exclude(valid_to__lt=year)
    codes: set[str] = set()
    for period in periods:
        codes.update(c for c in period.current_codes.split(";") if c)
    return sorted(codes)


def division_label(code: str) -> str:
    """Full name of a division for display, e.g. 四川省 成都市 武侯区."""
    names = Division.objects.filter(code__in=ancestor_codes(code)).exclude(
        code=settings.NATIONAL_DIVISION_CODE
    )
    by_code = {d.code: d.name for d in names}
    parts = [by_code[c] for c in ancestor_codes(code) if c in by_code]
    return " ".join(parts) or code
