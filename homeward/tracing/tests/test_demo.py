"""The demo data loads, is idempotent and shows a strong candidate waiting for review."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from homeward.tracing import demo
from homeward.tracing.models import Candidate, CandidateStatus, MissingReport
from homeward.tracing.selectors import STRONG

pytestmark = pytest.mark.django_db


def test_demo_loads_twice(personas: Any, make_user: Any) -> None:
    from homeward.accounts.roles import Role

    make_user("investigator_wuhou", personas.police_a, [Role.INVESTIGATOR])
    make_user("investigator_jinniu", personas.police_b, [Role.INVESTIGATOR])
    report = SimpleNamespace(notes={})
    demo.load(report)
    demo.load(report)
    assert MissingReport.objects.count() == 2  # no 五华 investigator here
    candidate = Candidate.objects.get(report__dna_accession="DEMO-TR-M1", found__dna_accession="DEMO-TR-F1")
    assert candidate.status == CandidateStatus.PENDING and candidate.probability >= STRONG
    assert "C-" in report.notes["tracing"]
