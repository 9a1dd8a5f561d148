"""The one place where tracing rows become the linkage engine's records (and form input becomes engine input).

Names and birth come from `people.Person`; the tracing fields from the report or found record. The engine's own
parsers (`missing_from_dict`/`found_from_dict`) validate the values, so the app and the command line agree.
"""

from __future__ import annotations

from typing import Any

from homeward.engines.linkage import FoundRecord, MissingRecord, found_from_dict, missing_from_dict
from homeward.people.models import NameKind, Person
from homeward.tracing.models import FoundPerson, MissingReport

SEX_CODES = {"male": "M", "female": "F"}


def _names(person: Person | None) -> list[tuple[str, str]]:
    return [(n.name, n.kind) for n in person.names.all()] if person is not None else []


def report_dict(report: MissingReport, person: Person | None) -> dict[str, Any]:
    names = _names(person)
    legal = next((n for n, k in names if k == NameKind.LEGAL), None) or next((n for n, _ in names), None)
    nicknames = list(report.nicknames or []) + [n for n, k in names if k == NameKind.NICKNAME]
    birth_year = report.birth_year
    if (
        person is not None
        and birth_year is None
        and person.birth_year_min
        and person.birth_year_min == (person.birth_year_max or person.birth_year_min)
    ):
        birth_year = person.birth_year_min
    return {
        "id": report.engine_id,
        "sex": SEX_CODES.get(person.sex) if person is not None else None,
        "birth_date": person.birth_date.isoformat() if person is not None and person.birth_date else None,
        "birth_year": birth_year,
        "missing_date": report.missing_date.isoformat() if report.missing_date else None,
        "missing_division": report.missing_division or None,
        "missing_lat": report.missing_lat,
        "missing_lon": report.missing_lon,
        "name": legal,
        "nicknames": nicknames,
        "father_name": report.father_name or None,
        "mother_name": report.mother_name or None,
        "height_cm": report.height_cm,
        "marks": list(report.marks or []),
        "dialect": report.dialect or None,
        "circumstances": " ".join(x for x in (report.circumstances, report.clothing) if x) or None,
    }


def found_dict(found: FoundPerson, person: Person | None) -> dict[str, Any]:
    names = _names(person)
    current = next((n for n, k in names if k in (NameKind.LEGAL, NameKind.ALIAS)), None)
    remembered = list(found.remembered_names or []) + [
        n for n, k in names if k in (NameKind.REMEMBERED, NameKind.NICKNAME, NameKind.FORMER)
    ]
    age_min, age_max = found.age_min, found.age_max
    return {
        "id": found.engine_id,
        "sex": SEX_CODES.get(person.sex) if person is not None else None,
        "age_min": age_min,
        "age_max": age_max,
        "birth_date": person.birth_date.isoformat() if person is not None and person.birth_date else None,
        "found_date": found.found_date.isoformat() if found.found_date else None,
        "found_division": found.found_division or None,
        "found_lat": found.found_lat,
        "found_lon": found.found_lon,
        "name": current,
        "remembered_names": remembered,
        "remembered_parents": list(found.remembered_parents or []),
        "remembered_places": list(found.remembered_places or []),
        "height_cm": found.height_cm,
        "marks": list(found.marks or []),
        "dialect": found.dialect or None,
        "memories": found.memories or None,
    }


def missing_record(report: MissingReport) -> MissingRecord:
    return missing_from_dict(report_dict(report, report.person))


def found_record(found: FoundPerson) -> FoundRecord:
    return found_from_dict(found_dict(found, found.person))


def report_pk(engine_id: str) -> int:
    return int(engine_id[1:])
