"""Demo data (idempotent, a true match waiting for review) and the indicator functions counting it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from homeward.accounts.models import User
from homeward.accounts.roles import Role
from homeward.core import indicators
from homeward.dna import demo, services
from homeward.dna.models import Candidate, CandidateKind, Sample

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_leaves_a_match_for_review_and_indicators_count(personas, make_user):
    make_user("dna_examiner_wuhou", personas.police_a, [Role.DNA_EXAMINER])
    report = SimpleNamespace(notes={})
    demo.load(report)
    n = Sample.objects.count()
    demo.load(report)
    assert Sample.objects.count() == n == 18
    best = Candidate.objects.filter(query__accession="DEMO-WH-Q001").order_by("-log10_lr").first()
    assert best is not None and best.kind == CandidateKind.TRIO and best.family is not None
    assert best.family.reference == "DEMO-WH-F002"
    assert best.reportable and best.status == "pending"
    fam7 = Candidate.objects.filter(query__accession="DEMO-WH-Q002", kind=CandidateKind.FAMILY).first()
    assert fam7 is not None and fam7.family is not None and fam7.reportable
    assert fam7.family.reference == "DEMO-WH-F007"
    assert "waiting for review" in report.notes["dna"]
    # The indicators count what the demo did.
    examiner = User.objects.get(username="dna_examiner_wuhou")
    second = make_user("dna_second", personas.police_a, [Role.DNA_EXAMINER])
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
