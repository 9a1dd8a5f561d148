"""The demo cases load on top of the foundation's demo users, and loading twice adds nothing."""

from __future__ import annotations

import pytest

from homeward.cases.models import Case, CaseStatus, CooperationRequest, Supervision

pytestmark = pytest.mark.django_db


def test_demo_cases_load_idempotently(settings):
    from homeward.demo.services import demo_load

    settings.HOMEWARD_DOMAIN_APPS = ["cases"]  # only this app's demo on top of the foundation's
    report = demo_load()
    assert report.notes["cases"].startswith("4 cases added")
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == sorted([CaseStatus.OPEN, CaseStatus.SOLVED, CaseStatus.CLOSED, CaseStatus.OPEN])
    assert Case.objects.filter(cross_border=True).count() == 1
    assert Supervision.objects.count() == 1 and CooperationRequest.objects.count() == 1
    counts = Case.objects.count()
    again = demo_load()
    assert again.notes["cases"].startswith("0 cases added") and Case.objects.count() == counts
