"""Counts of the shipped plan text, checked against numbers established independently of the parser.

How the expected numbers were established (on /work/shared/data/action-plan-2021-2030.txt, which
the shipped copy is byte-identical to — see the checksum test):

- Levels, with grep -c:  '^[一二三四五六七八九十]、' → 3 pillars;  '^（[一二三四五六七八九十]）' → 11
  sections;  '^1．工作目标' → 6 goals;  '^（[0-9][0-9]*）' → 29 measures;  '^——' → 63 sub-measures;
  '^（[^0-9].*\\(负责\\|配合\\)）$' → 90 responsibility lines.
- Which nodes lack a responsibility line: awk printing every measure/sub-measure line whose next
  line is not a responsibility line → only lines 94 （2）依法严惩拐卖人口犯罪。 and 133 （4）落实部门
  责任…; both are followed by —— items, so 29 + 63 - 2 = 90 lines, one per remaining node.
- Per section and per measure: awk counting （n） and —— lines between section headings and
  between measure lines.
- Per agency: the 90 responsibility lines piped through
  sed 's/^（//; s/负责.*$//' | sed 's/、/\\n/g' | sort | uniq -c   (lead clause)  and
  grep '配合）$' | sed 's/^.*负责，//; s/配合）$//' | sed 's/、/\\n/g' | sort | uniq -c  (cooperating).
  These count only nodes with their own line; the two derived headings are added by hand below.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from homeward.engines.plantext import (
    AGENCY_GROUP,
    AGENCY_TYPES,
    NATIONAL_AGENCIES,
    Plan,
    load_shipped_plan,
    national_agency,
    shipped_plan_text,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "action-plan-2021-2030.txt"

# sha256sum of /work/shared/data/action-plan-2021-2030.txt at the time it was copied.
SHIPPED_SHA256 = "ac13e870151ac6cb8327f552244b021387fe3e987d8e130a4a1cf40bf3c58c7a"

# From the sed | sort | uniq -c pipelines in the module docstring (own responsibility lines only).
OWN_LEADS = {
    "公安部": 54,
    "民政部": 28,
    "司法部": 16,
    "最高人民法院": 10,
    "最高人民检察院": 10,
    "外交部": 6,
    "人力资源社会保障部": 6,
    "教育部": 5,
    "国家卫生健康委": 5,
    AGENCY_GROUP: 4,
    "中央政法委": 4,
    "中国残联": 4,
    "全国人大常委会法工委": 3,
    "中央网信办": 3,
    "中央宣传部": 3,
    "文化和旅游部": 2,
    "广电总局": 2,
    "商务部": 2,
    "农业农村部": 2,
    "全国妇联": 2,
    "国家民委": 1,
    "国务院妇儿工委办公室": 1,
    "交通运输部": 1,
    "中国民航局": 1,
    "中国国家铁路集团有限公司": 1,
}
OWN_COOPERATES = {
    "全国妇联": 38,
    "民政部": 20,
    "共青团中央": 20,
    "公安部": 16,
    "教育部": 15,
    "最高人民检察院": 14,
    "国家卫生健康委": 13,
    "司法部": 11,
    "中央网信办": 11,
    "最高人民法院": 8,
    "市场监管总局": 8,
    "人力资源社会保障部": 8,
    "工业和信息化部": 7,
    "全国总工会": 7,
    "广电总局": 6,
    "商务部": 5,
    "财政部": 4,
    "外交部": 4,
    "国家民委": 4,
    "国务院妇儿工委办公室": 4,
    "中国关工委": 4,
    "文化和旅游部": 3,
    "中国残联": 3,
    "国家发展改革委": 2,
    "国家乡村振兴局": 2,
    "全国人大常委会法工委": 2,
    "中央政法委": 2,
    "国务院国资委": 1,
    AGENCY_GROUP: 1,
    "农业农村部": 1,
    "住房城乡建设部": 1,
    "交通运输部": 1,
    "中央宣传部": 1,
}

# The two headings without their own line, read off their sub-measures (lines 95-106, 134-139).
DERIVED_LEADS = {
    "二.(二).2.(2)": ["最高人民法院", "最高人民检察院", "公安部", "人力资源社会保障部", "国家卫生健康委"],
    "二.(三).2.(4)": ["教育部", "人力资源社会保障部", "民政部"],
}
DERIVED_COOPERATES = {
    # line 102: 中央网信办、工业和信息化部、民政部; line 104: 中央政法委、民政部、市场监管总局、
    # 全国总工会、共青团中央、全国妇联、中国残联.
    "二.(二).2.(2)": [
        "中央网信办",
        "工业和信息化部",
        "民政部",
        "中央政法委",
        "市场监管总局",
        "全国总工会",
        "共青团中央",
        "全国妇联",
        "中国残联",
    ],
    # lines 135/137/139 cooperate 民政部 (a lead of line 138's item, so dropped), 全国总工会,
    # 全国妇联, 共青团中央.
    "二.(三).2.(4)": ["全国总工会", "全国妇联", "共青团中央"],
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_shipped_plan()


def test_shipped_text_checksum() -> None:
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == SHIPPED_SHA256
    assert shipped_plan_text() == DATA.read_text(encoding="utf-8")


def test_counts_per_level(plan: Plan) -> None:
    counts = plan.counts()
    assert counts["pillars"] == 3
    assert counts["sections"] == 11
    assert counts["goals"] == 6
    assert counts["measures"] == 29
    assert counts["sub_measures"] == 63
    assert counts["responsibility_lines"] == 90
    assert counts["derived_from_sub_measures"] == 2
    # 35 distinct names in the responsibility lines (sort -u), one of them the member group.
    assert counts["agencies"] == 34


def test_structure_titles(plan: Plan) -> None:
    assert [p.title for p in plan.pillars] == ["指导思想和总体目标", "行动措施和任务分工", "保障措施"]
    assert [s.code for s in plan.sections] == [
        "一.(一)",
        "一.(二)",
        "二.(一)",
        "二.(二)",
        "二.(三)",
        "二.(四)",
        "二.(五)",
        "二.(六)",
        "三.(一)",
        "三.(二)",
        "三.(三)",
    ]
    assert plan.section("二.(六)").title == "加强国际合作"
    assert plan.section("三.(三)").text.startswith("将反拐工作纳入平安建设考核范畴")
    assert [g.code for g in plan.goals] == [f"二.({n}).1" for n in "一二三四五六"]
    assert plan.goals[0].text.startswith("加强源头治理") and plan.goals[0].line_no == 24
    assert plan.preamble[2] == "国办发〔2021〕13号"


def test_counts_per_section(plan: Plan) -> None:
    # awk per section: (measures, sub-measures).
    expected = {
        "二.(一)": (5, 18),
        "二.(二)": (4, 14),
        "二.(三)": (7, 9),
        "二.(四)": (2, 7),
        "二.(五)": (4, 13),
        "二.(六)": (7, 2),
    }
    by_section = plan.counts()["by_section"]
    for code, (measures, subs) in expected.items():
        assert by_section[code] == {"goals": 1, "measures": measures, "sub_measures": subs}
    for code in ("一.(一)", "一.(二)", "三.(一)", "三.(二)", "三.(三)"):
        assert by_section[code] == {"goals": 0, "measures": 0, "sub_measures": 0}


def test_sub_measures_per_measure(plan: Plan) -> None:
    # awk per measure line; measures not listed have no sub-measures.
    expected = {
        "二.(一).2.(2)": 13,
        "二.(一).2.(3)": 5,
        "二.(二).2.(1)": 8,
        "二.(二).2.(2)": 6,
        "二.(三).2.(3)": 6,
        "二.(三).2.(4)": 3,
        "二.(四).2.(1)": 7,
        "二.(五).2.(1)": 10,
        "二.(五).2.(3)": 3,
        "二.(六).2.(2)": 2,
    }
    actual: dict[str, int] = {}
    for m in plan.measures:
        if m.parent is not None:
            actual[m.parent] = actual.get(m.parent, 0) + 1
    assert actual == expected


def test_every_responsibility_line_is_attached_to_the_node_above(plan: Plan) -> None:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    responsibility_line_nos = {
        i
        for i, line in enumerate(lines, start=1)
        if line.startswith("（") and line.endswith(("负责）", "配合）"))
    }
    attached = {m.responsibility_line_no for m in plan.measures if m.responsibility_line_no is not None}
    assert attached == responsibility_line_nos
    for m in plan.measures:
        if m.responsibility_line_no is not None:
            # The plan has no blank lines inside pillar 二, so "directly above" means one line up.
            assert m.responsibility_line_no == m.line_no + 1
            assert lines[m.line_no - 1].endswith(m.text)


def test_every_measure_has_agencies(plan: Plan) -> None:
    for m in plan.measures:
        assert m.lead_agencies, m.code
        assert not set(m.lead_agencies) & set(m.cooperating_agencies), m.code
    derived = {m.code for m in plan.measures if m.agencies_from == "sub_measures"}
    assert derived == {"二.(二).2.(2)", "二.(三).2.(4)"}


def test_known_measures(plan: Plan) -> None:
    first = plan.measure("二.(一).2.(1)")
    assert first.kind == "measure" and first.line_no == 26 and first.responsibility_line_no == 27
    assert first.lead_agencies == ("中央政法委", "公安部")
    assert first.cooperating_agencies == (
        "中央网信办",
        "工业和信息化部",
        "教育部",
        "民政部",
        "司法部",
        "国家卫生健康委",
        "最高人民检察院",
        "全国妇联",
    )
    third = plan.measure("二.(一).2.(2).3")  # line 34, third —— under （2）
    assert third.kind == "sub_measure" and third.parent == "二.(一).2.(2)" and third.line_no == 34
    assert third.text.startswith("加强网络空间监管和执法检查")
    assert third.lead_agencies == ("公安部",)
    assert third.cooperating_agencies == ("中央网信办", "工业和信息化部", "市场监管总局")
    railway = plan.measure("二.(五).2.(1).6")  # line 184/185: the sixth —— after line 172 (awk count)
    assert railway.lead_agencies == (
        "交通运输部",
        "文化和旅游部",
        "中国民航局",
        "中国国家铁路集团有限公司",
        "公安部",
    )
    last = plan.measures[-1]
    assert last.code == "二.(六).2.(7)" and last.lead_agencies == ("外交部", "公安部")
    for code, leads in DERIVED_LEADS.items():
        assert list(plan.measure(code).lead_agencies) == leads
        assert list(plan.measure(code).cooperating_agencies) == DERIVED_COOPERATES[code]


def test_counts_per_agency_own_lines(plan: Plan) -> None:
    roles = plan.agencies(include_derived=False)
    assert {n: len(r.leads) for n, r in roles.items() if r.leads} == OWN_LEADS
    assert {n: len(r.cooperates) for n, r in roles.items() if r.cooperates} == OWN_COOPERATES
    assert sum(OWN_LEADS.values()) + sum(OWN_COOPERATES.values()) == sum(
        len(m.agencies) for m in plan.measures if m.agencies_from == "own"
    )


def test_counts_per_agency_with_derived_headings(plan: Plan) -> None:
    leads = dict(OWN_LEADS)
    cooperates = dict(OWN_COOPERATES)
    for names in DERIVED_LEADS.values():
        for n in names:
            leads[n] = leads.get(n, 0) + 1
    for names in DERIVED_COOPERATES.values():
        for n in names:
            cooperates[n] = cooperates.get(n, 0) + 1
    roles = plan.agencies()
    assert {n: len(r.leads) for n, r in roles.items() if r.leads} == leads
    assert {n: len(r.cooperates) for n, r in roles.items() if r.cooperates} == cooperates
    # Spot values worked by hand: 公安部 leads 54 own lines + 二.(二).2.(2) = 55.
    assert len(roles["公安部"].leads) == 55
    assert len(roles["民政部"].leads) == 29 and len(roles["民政部"].cooperates) == 21
    assert len(roles["全国妇联"].cooperates) == 40
    assert roles["中国国家铁路集团有限公司"].leads == ["二.(五).2.(1).6"]
    assert plan.counts()["by_agency"]["公安部"] == {"leads": 55, "cooperates": 16}


def test_member_group(plan: Plan) -> None:
    roles = plan.agencies()
    assert roles[AGENCY_GROUP].leads == [
        "二.(一).2.(3).2",
        "二.(二).2.(1).1",
        "二.(四).2.(2)",
        "二.(五).2.(3)",
    ]
    assert roles[AGENCY_GROUP].cooperates == ["二.(五).2.(2)"]
    members = plan.group_members()
    assert len(members) == 34 and AGENCY_GROUP not in members
    assert members[:3] == ("中央政法委", "公安部", "中央网信办")  # order of first appearance, line 27

    expanded = plan.agencies(expand_groups=True)
    assert AGENCY_GROUP not in expanded
    # 交通运输部: 1 own lead + 4 group leads; 1 own cooperation + 1 group cooperation.
    assert len(expanded["交通运输部"].leads) == 5
    assert len(expanded["交通运输部"].cooperates) == 2
    # 公安部 leads 二.(五).2.(2) itself, so the group cooperation there does not add to it.
    assert len(expanded["公安部"].leads) == 55 + 4
    assert len(expanded["公安部"].cooperates) == 16


def test_national_agencies_cover_the_plan(plan: Plan) -> None:
    named = {a.name for a in NATIONAL_AGENCIES if a.in_responsibility_lines}
    assert named == set(plan.group_members())
    names = [a.name for a in NATIONAL_AGENCIES]
    assert len(names) == len(set(names)) == 36
    short = [a.short_name_en for a in NATIONAL_AGENCIES]
    assert len(short) == len(set(short))
    assert all(a.agency_type in AGENCY_TYPES for a in NATIONAL_AGENCIES)
    text = DATA.read_text(encoding="utf-8")
    for a in NATIONAL_AGENCIES:
        if a.in_responsibility_lines:
            assert a.name in text
    assert "国务院反拐部际联席会议" in text and "联席会议办公室" in text


def test_national_agency_types() -> None:
    assert national_agency("公安部").agency_type == "ministry"
    assert national_agency(" 公安部 ").short_name_en == "MPS"
    assert national_agency("全国妇联").agency_type == "peoples_organisation"
    assert national_agency("共青团中央").agency_type == "peoples_organisation"
    assert national_agency("中国残联").agency_type == "peoples_organisation"
    assert national_agency("最高人民法院").agency_type == "court"
    assert national_agency("最高人民检察院").agency_type == "procuratorate"
    assert national_agency("中央政法委").agency_type == "party_organ"
    assert national_agency("国家卫生健康委").agency_type == "commission"
    with pytest.raises(KeyError):
        national_agency("国务院反拐部际联席会议各成员单位")
