"""The plan's demo data loads on top of the foundation's demo users, twice without duplicates."""

from __future__ import annotations

import pytest

from homeward.plan.models import (
    Assessment,
    EvaluationRound,
    ImplementationPlan,
    LocalAdoption,
    ProgressReport,
    ReportStatus,
    SupervisionListing,
)

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(settings):
    from homeward.demo.services import demo_load

    settings.HOMEWARD_DOMAIN_APPS = ["plan"]  # only this app's loader, on top of the foundation's users
    first = demo_load()
    assert "plan imported" in first.notes["plan"]
    counts = [
        m.objects.count()
        for m in (
            ProgressReport,
            ImplementationPlan,
            LocalAdoption,
            EvaluationRound,
            SupervisionListing,
            Assessment,
        )
    ]
    demo_load()
    again = [
        m.objects.count()
        for m in (
            ProgressReport,
            ImplementationPlan,
            LocalAdoption,
            EvaluationRound,
            SupervisionListing,
            Assessment,
        )
    ]
    assert counts == again == [3, 2, 1, 1, 1, 1]
    statuses = sorted(ProgressReport.objects.values_list("status", flat=True))
    assert statuses == sorted([ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.DRAFT])
    assert EvaluationRound.objects.get().items.filter(score__isnull=False).exists()
