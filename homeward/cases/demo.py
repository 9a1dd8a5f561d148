"""Demo cases: open, solved and closed ones with case groups, people, a timeline and supervision, and a
cross-border case with a cooperation request and a repatriation track. Idempotent: a case whose summary is
already there is not registered again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from homeward.cases import services
from homeward.cases.models import Case
from homeward.people.models import NameKind, Sex
from homeward.people.selectors import person_list
from homeward.people.services import PersonData

OPEN_SUMMARY = "2026年1月，6岁男童陈明明在武侯区菜市场走失，监控显示被一名中年男子抱走，疑被拐卖至云南。"
SOLVED_SUMMARY = "金牛区居民报案：9岁女童李小花放学途中被拐，经跨区协作侦查，抓获犯罪嫌疑人2名。"
CLOSED_SUMMARY = "五华区破获一起拐卖儿童案，解救被拐儿童1名，犯罪嫌疑人已被判处有期徒刑。"
CROSS_BORDER_SUMMARY = "五华区查获一起跨国拐卖妇女案：越南籍女子被以介绍工作为名骗入境内并被卖。"


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _person(actor: Any, name: str) -> Any:
    found = [p for p in person_list(actor=actor, query=name) if p.primary_name == name]
    return found[0] if found else None


def _new_person(
    jurisdiction: str, name: str, sex: str, birth: date | None = None, phone: str = ""
) -> PersonData:
    return PersonData(
        jurisdiction=jurisdiction,
        sex=sex,
        birth_date=birth,
        names=[(name, NameKind.LEGAL)],
        phones=[phone] if phone else [],
    )


def _exists(summary: str) -> bool:
    return Case.objects.filter(summary=summary).exists()


def _open_case(today: date) -> None:
    investigator, leader = _user("investigator_wuhou"), _user("case_leader_wuhou")
    case = services.case_register(
        actor=investigator,
        data=services.CaseData(
            case_type="trafficking_children",
            summary=OPEN_SUMMARY,
            jurisdiction="510107",
            reported_on=today - timedelta(days=40),
            registered_on=today - timedelta(days=39),
            leader="case_leader_wuhou",
            members=["investigator_wuhou", "investigator_jinniu"],
        ),
    )
    child = _person(investigator, "陈明明")
    if child is not None:
        services.case_person_add(
            actor=investigator,
            case_id=case.pk,
            role="victim",
            person_id=child.pk,
            taken_on=today - timedelta(days=41),
            taken_from="510107",
            sold_to="530102",
        )
    services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="suspect",
        new_person=_new_person("510107", "赵某", Sex.MALE, date(1978, 5, 3), "13700001111"),
        note="监控中抱走男童的中年男子",
    )
    services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="relative",
        new_person=_new_person("510107", "陈建国", Sex.MALE, date(1988, 2, 14), "13800138009"),
        note="父亲，报案人",
    )
    services.entry_add(
        actor=investigator,
        case_id=case.pk,
        kind="interview",
        text="询问报案人陈建国，了解走失经过。",
    )
    services.entry_add(
        actor=investigator,
        case_id=case.pk,
        kind="evidence",
        text="调取菜市场及周边道路监控，锁定一辆白色面包车。",
        files=[
            SimpleUploadedFile(
                "监控截图说明.pdf", b"%PDF-1.4\n% demo evidence\n", content_type="application/pdf"
            )
        ],
    )
    services.duty_complete(
        actor=leader, case_id=case.pk, kind="comfort", note="专案组长走访家属，通报进展并送去慰问。"
    )
    services.supervision_list(
        actor=_user("command_centre_sichuan"),
        case_id=case.pk,
        deadline=today + timedelta(days=20),
        requirements="列为省厅挂牌督办案件：30日内查明男童下落，每周报告进展。",
    )


def _solved_case(today: date) -> None:
    investigator, leader = _user("investigator_jinniu"), _user("case_leader_jinniu")
    case = services.case_register(
        actor=investigator,
        data=services.CaseData(
            case_type="trafficking_children",
            summary=SOLVED_SUMMARY,
            jurisdiction="510106",
            reported_on=today - timedelta(days=120),
            registered_on=today - timedelta(days=120),
            leader="case_leader_jinniu",
            members=["investigator_wuhou"],
        ),
    )
    child = _person(investigator, "李小花")
    victim = None
    if child is not None:
        victim = services.case_person_add(
            actor=investigator,
            case_id=case.pk,
            role="victim",
            person_id=child.pk,
            taken_on=today - timedelta(days=121),
            taken_from="510106",
            sold_to="510107",
        )
    first = services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="suspect",
        new_person=_new_person("510106", "钱某", Sex.MALE, date(1975, 9, 9), "13600002222"),
    )
    second = services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="suspect",
        new_person=_new_person("510106", "孙某", Sex.FEMALE, date(1982, 1, 30)),
    )
    services.vehicle_add(
        actor=investigator, case_person_id=first.pk, plate="川A7K512", description="白色面包车"
    )
    services.suspect_link_add(
        actor=investigator, case_id=case.pk, source_id=first.pk, target_id=second.pk, relation="organiser"
    )
    services.entry_add(
        actor=investigator, case_id=case.pk, kind="arrest", text="在成都市郊抓获犯罪嫌疑人钱某、孙某。"
    )
    services.case_solve(
        actor=leader, case_id=case.pk, solved_on=today - timedelta(days=60), note="抓获2名嫌疑人"
    )
    if victim is not None:
        services.victim_status_set(
            actor=leader, case_person_id=victim.pk, status="rescued", on=today - timedelta(days=59)
        )
    services.judicial_advance(
        actor=investigator, case_id=case.pk, stage="transferred", on=today - timedelta(days=30)
    )


def _closed_case(today: date) -> None:
    investigator, leader = _user("investigator_wuhua"), _user("case_leader_wuhua")
    case = services.case_register(
        actor=investigator,
        data=services.CaseData(
            case_type="trafficking_children",
            summary=CLOSED_SUMMARY,
            jurisdiction="530102",
            reported_on=today - timedelta(days=400),
            registered_on=today - timedelta(days=399),
            leader="case_leader_wuhua",
        ),
    )
    child = _person(investigator, "陈明明")
    victim = services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="victim",
        person_id=child.pk if child is not None else None,
        new_person=None if child is not None else _new_person("530102", "小宝", Sex.MALE, date(2018, 6, 1)),
        taken_on=today - timedelta(days=402),
        taken_from="530102",
        sold_to="510107",
    )
    suspect = services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="suspect",
        new_person=_new_person("530102", "周某", Sex.MALE, date(1970, 3, 3)),
    )
    services.case_solve(actor=leader, case_id=case.pk, solved_on=today - timedelta(days=300))
    services.victim_status_set(
        actor=leader, case_person_id=victim.pk, status="rescued", on=today - timedelta(days=299)
    )
    services.duty_complete(actor=leader, case_id=case.pk, kind="comfort", note="协助家庭团聚，安排心理疏导。")
    services.judicial_advance(
        actor=investigator, case_id=case.pk, stage="transferred", on=today - timedelta(days=250)
    )
    services.judicial_advance(
        actor=investigator, case_id=case.pk, stage="indicted", on=today - timedelta(days=200)
    )
    services.sentence_record(
        actor=investigator,
        case_person_id=suspect.pk,
        court="昆明市五华区人民法院",
        judged_on=today - timedelta(days=120),
        offence="trafficking_children",
        penalty="fixed_term",
        months=120,
        fine_yuan=50000,
    )
    services.group_dissolve(actor=leader, case_id=case.pk)
    services.case_close(actor=leader, case_id=case.pk, reason="案件已判决，被拐儿童已回家。")


def _cross_border_case(today: date) -> None:
    investigator = _user("investigator_wuhua")
    case = services.case_register(
        actor=investigator,
        data=services.CaseData(
            case_type="trafficking_women",
            summary=CROSS_BORDER_SUMMARY,
            jurisdiction="530102",
            reported_on=today - timedelta(days=50),
            registered_on=today - timedelta(days=49),
            leader="case_leader_wuhua",
            cross_border=True,
            countries=["VN"],
        ),
    )
    victim = services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="victim",
        new_person=_new_person("530102", "阮氏兰", Sex.FEMALE, date(2001, 4, 12)),
        is_child=False,
        taken_from="530102",
        sold_to="530102",
    )
    services.case_person_add(
        actor=investigator,
        case_id=case.pk,
        role="buyer",
        new_person=_new_person("530102", "吴某", Sex.MALE, date(1980, 10, 10)),
    )
    request = services.cooperation_request_create(
        actor=investigator,
        case_id=case.pk,
        channel="liaison",
        country="VN",
        counterpart="越南公安部驻昆明警务联络官",
        subject="核实被拐越南籍女子身份并协商遣返",
        body="请协助核实阮氏兰的身份信息，并商定交接时间和地点。",
        sent_on=today - timedelta(days=40),
    )
    services.cooperation_reply_add(
        actor=investigator,
        request_id=request.pk,
        received_on=today - timedelta(days=30),
        text="越方确认该女子身份，同意在河口口岸交接。",
    )
    record = services.repatriation_record
    record(actor=investigator, case_person_id=victim.pk, step="started", nationality="VN")
    record(
        actor=investigator,
        case_person_id=victim.pk,
        step="identity",
        on=today - timedelta(days=30),
        confirmed_by="越南公安部",
    )
    record(
        actor=investigator,
        case_person_id=victim.pk,
        step="documents",
        on=today - timedelta(days=20),
        document_kind="越南驻昆明总领事馆签发的旅行证",
    )
    record(
        actor=investigator,
        case_person_id=victim.pk,
        step="scheduled",
        on=today + timedelta(days=7),
        place="河口—老街口岸",
        organisation="越南老街省公安厅",
    )


def load(report: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    created = 0
    for summary, builder in (
        (OPEN_SUMMARY, _open_case),
        (SOLVED_SUMMARY, _solved_case),
        (CLOSED_SUMMARY, _closed_case),
        (CROSS_BORDER_SUMMARY, _cross_border_case),
    ):
        if not _exists(summary):
            builder(today)
            created += 1
    report.notes["cases"] = (
        f"{created} cases added (open with supervision, solved, closed, cross-border); "
        "case leaders case_leader_wuhou, case_leader_jinniu, case_leader_wuhua"
    )
