"""Demo care records in 武侯区 at each stage, institutions with capacity in every demo county, follow-ups due and
overdue (one escalated), a household-registration task, and in 金牛区 the care record of the tracing demo's found
person, so that confirming the tracing match starts the reunion steps there.
Idempotent: each part is skipped when its records are already there."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from homeward.accounts.models import Agency
from homeward.accounts.roles import AgencyType
from homeward.care import services
from homeward.care.models import CareRecord, Institution
from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData, person_create

COUNTY = "510107"
COUNTIES = (("wuhou", "510107"), ("jinniu", "510106"), ("wuhua", "530102"))
# (agency type, kind shown to caseworkers, capacity)
INSTITUTIONS = (
    (AgencyType.WELFARE_INSTITUTION, "child_welfare", 12),
    (AgencyType.WOMENS_FEDERATION, "womens_shelter", 6),
    (AgencyType.HOSPITAL, "designated_hospital", 4),
)


def _institutions() -> None:
    users = get_user_model().objects
    for slug, code in COUNTIES:
        caseworker = users.filter(username=f"caseworker_{slug}").first()
        if caseworker is None:
            continue
        for agency_type, kind, capacity in INSTITUTIONS:
            agency = Agency.objects.filter(type=agency_type, division_id=code).first()
            if agency is not None and not Institution.objects.filter(agency=agency).exists():
                services.institution_set(actor=caseworker, agency_id=agency.pk, kind=kind, capacity=capacity)


def _tracing_found_person(report: Any) -> None:
    """The tracing demo's rescued young man (金牛) in care, so that a confirmed match starts his reunion."""
    from homeward.tracing.models import FoundPerson

    found = FoundPerson.objects.filter(dna_accession="DEMO-TR-F1").first()
    caseworker = get_user_model().objects.filter(username="caseworker_jinniu").first()
    home = Agency.objects.filter(type=AgencyType.WELFARE_INSTITUTION, division_id="510106").first()
    if found is None or caseworker is None or home is None or found.person_id is None:
        return
    if CareRecord.objects.filter(person_id=found.person_id).exists():
        return
    record = services.care_record_create(
        actor=caseworker,
        data=services.CareData(
            person_id=found.person_id,
            arrival="rescued",
            arrived_on=timezone.localdate() - timedelta(days=20),
            needs=["psychological", "schooling"],
            psych_notes="思念家人，记得家旁边有一条河",
        ),
    )
    for purpose in ("placement", "services", "reunion"):
        services.consent_record(
            actor=caseworker,
            record_id=record.pk,
            purpose=purpose,
            given_by="guardian",
            guardian_name="金牛区民政局",
        )
    services.placement_start(
        actor=caseworker,
        record_id=record.pk,
        institution_id=home.pk,
        start_on=timezone.localdate() - timedelta(days=20),
    )
    report.notes["care_tracing"] = f"care record #{record.pk} in 金牛区 for the tracing demo's found person"


def load(report: Any) -> None:
    _institutions()
    _tracing_found_person(report)
    caseworker = get_user_model().objects.filter(username="caseworker_wuhou").first()
    home = Agency.objects.filter(type=AgencyType.WELFARE_INSTITUTION, division_id=COUNTY).first()
    shelter = Agency.objects.filter(type=AgencyType.WOMENS_FEDERATION, division_id=COUNTY).first()
    if caseworker is None or home is None:
        report.notes["care"] = "skipped: caseworker_wuhou or the 武侯 welfare institution is missing"
        return
    if CareRecord.objects.filter(caseworker=caseworker).exists():
        report.notes["care"] = "care records already there"
        return
    if not Institution.objects.filter(agency=home).exists():
        services.institution_set(actor=caseworker, agency_id=home.pk, kind="child_welfare", capacity=12)
    today = timezone.localdate()

    def record(
        name: str, born: date, arrival: str = "rescued", identity_unknown: bool = False, **notes: str
    ) -> CareRecord:
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
                arrived_on=today - timedelta(days=90),
                needs=["medical", "psychological", "schooling"],
                identity_unknown=identity_unknown,
                abuse_details=notes.get("abuse", ""),
                health_notes=notes.get("health", "营养不良，已治疗"),
                psych_notes=notes.get("psych", "夜间惊醒，需持续心理疏导"),
            ),
        )

    def place(rec: CareRecord, days_ago: int, at: Agency = home) -> None:
        adult = (services.age_on(rec.person, today) or 0) >= services.GUARDIAN_AGE
        for purpose in ("placement", "services"):
            services.consent_record(
                actor=caseworker,
                record_id=rec.pk,
                purpose=purpose,
                given_by="self" if adult else "guardian",
                guardian_name="" if adult else "武侯区民政局",
            )
        services.placement_start(
            actor=caseworker,
            record_id=rec.pk,
            institution_id=at.pk,
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
    services.consent_record(
        actor=caseworker,
        record_id=home_again.pk,
        purpose="reunion",
        given_by="guardian",
        guardian_name="武侯区民政局",
    )
    services.reunion_meet(actor=caseworker, record_id=home_again.pk)
    services.reunion_handover(actor=caseworker, record_id=home_again.pk)
    foreign = record("阮氏花", date(1998, 7, 1), arrival="abroad", psych="语言不通，需越南语翻译")
    place(foreign, 15, at=shelter or home)
    unknown = record("无名女童", date(2017, 1, 1), arrival="found", identity_unknown=True)
    place(unknown, 75)  # past the period with identity unknown: a household-registration task opens
    counts = services.care_tick(today=today)  # escalates the missed 1-month visit, opens the household task
    report.notes["care"] = (
        "6 care records in 武侯区 (received, placed, refused reunion, reunited, cross-border, identity unknown); "
        f"{counts['escalated']} missed visits escalated, {counts['household_tasks']} household task"
    )
