"""The importer: complete, idempotent, agencies linked, counts checked against the raw text.

The expected per-agency counts are established here without the parser: every line of the shipped text that is
wholly parenthesised and ends in 负责）or 配合）is a responsibility line (90 of them, as `grep -c` finds); its lead
clause is what precedes 负责, its cooperating clause what lies between 负责， and 配合. Hand-checked anchors from
`grep … | sort | uniq -c`: 公安部 leads 54 lines, 民政部 28, 司法部 16; 全国妇联 cooperates on 38.
"""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from homeward.engines.plantext import AGENCY_GROUP, shipped_plan_text
from homeward.plan.models import Measure, MeasureAgency, MeasureKind, Responsibility
from homeward.plan.services import plan_import

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^（([^（）]*(?:负责|配合))）$")


def raw_counts() -> tuple[int, Counter[str], Counter[str], list[int]]:
    leads: Counter[str] = Counter()
    coops: Counter[str] = Counter()
    lines = [line.strip() for line in shipped_plan_text().splitlines()]
    numbers = []
    for no, line in enumerate(lines, start=1):
        m = LINE.match(line)
        if not m:
            continue
        numbers.append(no)
        body = m.group(1)
        lead, _, rest = body.partition("负责")
        leads.update(n for n in lead.split("、") if n)
        if rest.endswith("配合"):
            coops.update(n for n in rest.lstrip("，").removesuffix("配合").split("、") if n)
    return len(numbers), leads, coops, numbers


def test_import_counts_and_agency_links(imported):
    assert Measure.objects.filter(kind=MeasureKind.MEASURE).count() == 29
    assert Measure.objects.filter(kind=MeasureKind.SUB_MEASURE).count() == 63
    # no measure is left without its agencies
    assert not Measure.objects.filter(responsibilities__isnull=True).exists()
    assert not Measure.objects.exclude(responsibilities__role=Responsibility.LEAD).exists()
    # every named agency except the member group is linked to its national Agency row
    assert not MeasureAgency.objects.filter(agency__isnull=True).exclude(name=AGENCY_GROUP).exists()
    assert MeasureAgency.objects.filter(name=AGENCY_GROUP, agency__isnull=True).exists()


def test_every_responsibility_line_attached_to_the_measure_above(imported):
    lines = shipped_plan_text().splitlines()
    n, _leads, _coops, numbers = raw_counts()
    assert n == 90
    own = Measure.objects.filter(agencies_from="own")
    assert own.count() == 90
    by_line = {m.line_no: m for m in own}
    for no in numbers:
        # the node is on the nearest non-blank line above its responsibility line
        above = no - 1
        while not lines[above - 1].strip():
            above -= 1
        measure = by_line[above]
        names = [r.name for r in measure.responsibilities.all()]
        for name in names:
            assert name in lines[no - 1]


def test_counts_per_agency_match_the_raw_text(imported):
    _n, leads, coops, _numbers = raw_counts()
    assert (
        leads["公安部"] == 54 and leads["民政部"] == 28 and leads["司法部"] == 16 and coops["全国妇联"] == 38
    )
    own = MeasureAgency.objects.filter(measure__agencies_from="own")
    db_leads = Counter(own.filter(role=Responsibility.LEAD).values_list("name", flat=True))
    db_coops = Counter(own.filter(role=Responsibility.COOPERATING).values_list("name", flat=True))
    assert db_leads == leads
    assert db_coops == coops


def test_derived_headings_take_agencies_from_sub_measures(imported):
    heading = Measure.objects.get(code="二.(二).2.(2)")
    assert heading.agencies_from == "sub_measures"
    assert heading.children.count() > 0
    child_leads = set(
        MeasureAgency.objects.filter(measure__parent=heading, role=Responsibility.LEAD).values_list(
            "name", flat=True
        )
    )
    assert (
        set(heading.responsibilities.filter(role=Responsibility.LEAD).values_list("name", flat=True))
        == child_leads
    )


def test_import_is_idempotent_and_audited_once(db, audit_rows):
    with audit_rows() as rows:
        plan_import()
    assert len([r for r in rows.new if r.object_type == "plan.measure"]) == 1
    rows_before = MeasureAgency.objects.count()
    with audit_rows() as rows:
        result = plan_import()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 92)
    assert MeasureAgency.objects.count() == rows_before
    assert rows.new == []  # nothing changed, nothing written


def test_command_reports_what_it_parsed(db):
    out = StringIO()
    call_command("import_plan", stdout=out)
    text = out.getvalue()
    assert "29 measures, 63 sub-measures, 90 responsibility lines" in text
    assert "公安部: leads 55" in text  # 54 own lines + the derived heading 二.(二).2.(2)
    assert "plan imported" in text
    out = StringIO()
    call_command("import_plan", stdout=out)
    assert "0 created, 0 updated, 92 unchanged" in out.getvalue()


def test_command_fails_clearly_on_text_it_cannot_place(db, tmp_path):
    text = shipped_plan_text().replace("（公安部负责，", "（公安部负责，\n这一行放不下\n", 1)
    bad = tmp_path / "plan.txt"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="cannot be placed"):
        call_command("import_plan", file=str(bad), stdout=StringIO())
    assert not Measure.objects.exists()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_plan", file=str(tmp_path / "missing.txt"), stdout=StringIO())


def test_unknown_agency_fails_and_writes_nothing(db, tmp_path):
    text = shipped_plan_text().replace("（公安部负责", "（火星事务部负责", 1)
    bad = tmp_path / "plan.txt"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="火星事务部"):
        call_command("import_plan", file=str(bad), stdout=StringIO())
    assert not Measure.objects.exists()
