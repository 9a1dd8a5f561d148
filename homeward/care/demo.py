"""Demo care records in 武侯区 at each stage, the county's welfare institution with capacity, follow-ups due and
overdue. Idempotent: nothing is added when the demo caseworker already has care records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from homeward.accounts.models import Agency
from homeward.accounts.roles import AgencyType
from homeward.care import services
from homeward.care.models import CareRecord
from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData, person_create

COUNTY = "510107"


def load(report: Any) -> None:
    caseworker = get_user_model().objects.filter(username="caseworker_wuhou").first()
    home = Agency.objects.filter(type=AgencyType.WELFARE_INSTITUTION, division_id=COUNTY).first()
    if caseworker is None or home is None:
        report.notes["care"] = "skipped: caseworker_wuhou or the 武侯 welfare institution is missing"
        return
    if CareRecord.objects.filter(caseworker=caseworker).exists():
        report.notes["care"] = "care records already there"
        return
    services.institution_set(actor=caseworker, agency_id=home.pk, kind="child_welfare", capacity=12)
    today = timezone.localdate()

    def record(name: str, born: date, arrival: str = "rescued", **notes: str) -> CareRecord:
        person = person_create(
            actor=caseworker,
            data=PersonData(
                jurisdiction=COUNTY, sex=Sex.FEMALE, birth_date=born, names=[(name, NameKind.LEGAL)]
            ),
        )
        return services.care_record_create(
            actor=caseworker,
            data=services.CareData(
                person_id=person.pk,
                arrival=arrival,
                arrived_on=today - timedelta(days=60),
                needs=["medical", "psychological", "schooling"],
                abuse_details=notes.get("abuse", ""),
                health_notes=notes.get("health", "营养不良，已治疗"),
                psych_notes=notes.get("psych", "夜间惊醒，需持续心理疏导"),
            ),
        )

    def place(rec: CareRecord, days_ago: int) -> None:
        services.consent_record(
            actor=caseworker,
            record_id=rec.pk,
            purpose="placement",
            given_by="guardian",
            guardian_name="武侯区民政局",
        )
        services.consent_record(
            actor=caseworker,
            record_id=rec.pk,
            purpose="services",
            given_by="guardian",
            guardian_name="武侯区民政局",
        )
        services.placement_start(
            actor=caseworker,
            record_id=rec.pk,
            institution_id=home.pk,
            start_on=today - timedelta(days=days_ago),
        )

    record("周小雨", date(2016, 3, 2))  # received, not yet placed
    placed = record("吴小月", date(2014, 8, 9), abuse="被买家打骂")
    place(placed, 40)  # the 1-month visit is overdue, the 3-month one is due
    services.service_record(
        actor=caseworker, record_id=placed.pk, kind="school", provider="武侯实验小学", provided_on=today
    )
    refused = record("郑小兰", date(2013, 1, 20))
    place(refused, 50)
    services.reunion_start(actor=caseworker, person_id=refused.person_id, family_note="DNA 比中")
    services.reunion_assess(actor=caseworker, record_id=refused.pk, home_safe=False, family_involved=True)
    services.reunion_refuse(
        actor=caseworker, record_id=refused.pk, reason="买方家庭，不得交付", institution_id=home.pk
    )
    home_again = record("孙小梅", date(2012, 5, 5))
    place(home_again, 30)
    services.reunion_start(actor=caseworker, person_id=home_again.person_id, family_note="DNA 比中，亲生父母")
    services.reunion_assess(actor=caseworker, record_id=home_again.pk, home_safe=True, family_involved=False)
    services.reunion_meet(actor=caseworker, record_id=home_again.pk)
    services.reunion_handover(actor=caseworker, record_id=home_again.pk)
    record("阮氏花", date(1998, 7, 1), arrival="abroad")
    report.notes["care"] = (
        "5 care records in 武侯区 (received, placed, refused reunion, reunited, cross-border)"
    )
