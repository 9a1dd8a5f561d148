"""Demo data: reports and found people in the demo counties, with a strong candidate waiting for review.

Idempotent: records are recognised by their DNA accession (`DEMO-TR-...`), so loading again adds nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData
from homeward.tracing import services
from homeward.tracing.models import Candidate, FoundPerson, MissingReport

REPORTS: list[tuple[str, str, str, str, str, date | None, dict[str, Any]]] = [
    # (county slug, code, accession, name, sex, birth, data)
    ("wuhou", "510107", "DEMO-TR-M1", "陈明明", Sex.MALE, date(2006, 2, 3), {
        "nicknames": ["明明"], "missing_date": date(2010, 5, 1), "missing_division": "510107",
        "father_name": "陈建国", "mother_name": "李秀英", "dialect": "四川话", "height_cm": 110.0,
        "marks": ["左臂有一块疤"], "circumstances": "在家门口的河边玩耍时走失，奶奶在街口卖豆腐",
        "family_contact_name": "陈建国", "family_contact_phone": "13800138002", "family_gave_dna": True,
    }),
    ("jinniu", "510106", "DEMO-TR-M2", "张小燕", Sex.FEMALE, date(1995, 8, 9), {
        "nicknames": ["燕燕"], "missing_date": date(1999, 3, 12), "missing_division": "510106",
        "father_name": "张德明", "dialect": "四川话", "marks": ["右耳后有痣"],
        "circumstances": "在火车站附近与母亲走散", "family_contact_phone": "13800138003",
    }),
    ("wuhua", "530102", "DEMO-TR-M3", "李强", Sex.MALE, None, {
        "birth_year": 1988, "nicknames": ["强强"], "missing_date": date(1992, 10, 1), "missing_division": "530102",
        "mother_name": "王桂兰", "dialect": "云南话", "circumstances": "赶集时走失，家附近有一座寺庙",
    }),
]  # fmt: skip

FOUND: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    ("jinniu", "510106", "DEMO-TR-F1", "陈铭铭", Sex.MALE, {
        "kind": "rescued", "age_min": 16, "age_max": 20, "found_date": date(2024, 3, 1), "found_division": "510106",
        "remembered_names": ["明明"], "remembered_parents": ["爸爸叫陈建国"], "remembered_places": ["成都"],
        "dialect": "四川话", "marks": ["左手臂上有疤"], "memories": "家旁边有一条河，奶奶卖豆腐",
    }),
    ("wuhua", "530102", "DEMO-TR-F2", "刘梅", Sex.FEMALE, {
        "kind": "adult_searching", "age_min": 30, "age_max": 36, "found_date": date(2025, 6, 1),
        "found_division": "530102", "remembered_places": ["四川省"], "memories": "记得火车站和很多人",
    }),
]  # fmt: skip


def load(report: Any) -> None:
    users = get_user_model().objects
    created = 0
    for slug, code, accession, name, sex, birth, data in REPORTS:
        officer = users.filter(username=f"investigator_{slug}").first()
        if officer is None or MissingReport.objects.filter(dna_accession=accession).exists():
            continue
        services.report_create(
            actor=officer,
            data=services.ReportData(**data, dna_accession=accession),
            person=PersonData(jurisdiction=code, sex=sex, birth_date=birth, names=[(name, NameKind.LEGAL)]),
        )
        created += 1
    for slug, code, accession, name, sex, data in FOUND:
        officer = users.filter(username=f"investigator_{slug}").first()
        if officer is None or FoundPerson.objects.filter(dna_accession=accession).exists():
            continue
        services.found_create(
            actor=officer,
            data=services.FoundData(**data, dna_accession=accession),
            person=PersonData(jurisdiction=code, sex=sex, names=[(name, NameKind.LEGAL)]),
        )
        created += 1
    # Match now as well as in the worker, so the demo shows candidates without a running worker (idempotent).
    for found_id in FoundPerson.objects.filter(dna_accession__startswith="DEMO-TR-").values_list(
        "pk", flat=True
    ):
        services.found_rematch(found_id=found_id)
    strong = Candidate.objects.filter(
        found__dna_accession="DEMO-TR-F1", report__dna_accession="DEMO-TR-M1"
    ).first()
    shown = f"C-{strong.pk} ({strong.probability:.0%})" if strong else "missing"
    report.notes["tracing"] = (
        f"{created} tracing records added; strong candidate {shown} waiting for review "
        "(武侯 report ↔ 金牛 found person: investigator_sichuan sees both; county users see 'contact the other agency')"
    )
