"""Demo data (idempotent, a true match waiting for review) and the indicator functions."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.core import indicators
from homeward.dna import demo, services
from homeward.dna.models import Candidate, CandidateKind, Sample

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_leaves_a_match_for_review(personas, make_user):
    make_user("dna_examiner_wuhou", personas.police_a, [Role.DNA_EXAMINER])
    report = SimpleNamespace(notes={})
    demo.load(report)
    n = Sample.objects.count()
    demo.load(report)
    assert Sample.objects.count() == n == 18
    best = Candidate.objects.filter(query__accession="DEMO-WH-Q001").order_by("-log10_lr").first()
    assert best is not None and best.kind == CandidateKind.TRIO and best.family.reference == "DEMO-WH-F002"
    assert best.reportable and best.status == "pending"
    fam7 = Candidate.objects.filter(query__accession="DEMO-WH-Q002", kind=CandidateKind.FAMILY).first()
    assert fam7 is not None and fam7.family.reference == "DEMO-WH-F007" and fam7.reportable
    assert "waiting for review" in report.notes["dna"]


def test_indicators_count_searches_and_confirmed_matches(personas, make_user):
    examiner = make_user("dna_examiner_wuhou", personas.police_a, [Role.DNA_EXAMINER])
    second = make_user("dna_second", personas.police_a, [Role.DNA_EXAMINER])
    demo.load(SimpleNamespace(notes={}))
    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    searches = indicators.count("dna.searches_run", prefix="510107", start=start, end=end)
    assert searches == 4  # three children and one batch of new families
    assert indicators.count("dna.searches_run", prefix="510106", start=start, end=end) == 0
    best = Candidate.objects.filter(query__accession="DEMO-WH-Q001").order_by("-log10_lr").first()
    assert best is not None
    services.candidate_confirm(actor=examiner, candidate_id=best.pk)
    services.candidate_countersign(actor=second, candidate_id=best.pk)
    assert indicators.count("dna.matches_confirmed", prefix="51", start=start, end=end) == 1
    assert indicators.count("dna.matches_confirmed", prefix="53", start=start, end=end) == 0
