"""Security walk, second half: a staff detail page of every app answers 404 to another county, like a missing record,
and opens for the record's own county (so the 404 is the jurisdiction rule, not a broken page).

The demo data set is loaded once for this module inside a transaction that is rolled back after it (it holds records
of every app in 武侯区 510107, 金牛区 510106 and 五华区 530102); each test reads in its own savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

pytestmark = pytest.mark.django_db

COUNTIES = {"wuhou": "510107", "jinniu": "510106", "wuhua": "530102"}

# (URL name, URL keyword, model, role that works with it[, home county]): detail pages of every app with records.
# The record is the first of its model in the home county (default 武侯区); the same role in the other two counties
# must get 404. The demo cases of 武侯区 and 金牛区 each have a member from the other (an explicit share), so cases
# are taken from 五华区.
DETAIL_PAGES = [
    ("people:detail", "person_id", "people.Person", "investigator"),
    ("alerts:detail", "alert_id", "alerts.Alert", "investigator"),
    ("tips:detail", "tip_id", "tips.Tip", "investigator"),
    ("dna:sample", "sample_id", "dna.Sample", "dna_examiner"),
    ("dna:family", "family_id", "dna.Family", "dna_examiner"),
    ("tracing:report", "report_id", "tracing.MissingReport", "investigator"),
    ("tracing:found", "found_id", "tracing.FoundPerson", "investigator"),
    ("cases:detail", "case_id", "cases.Case", "investigator", "wuhua"),
    ("care:detail", "record_id", "care.CareRecord", "caseworker"),
    ("plan:report", "report_id", "plan.ProgressReport", "plan_coordinator"),
    ("screening:post", "post_id", "screening.Post", "investigator"),
    ("screening:cluster", "cluster_id", "screening.Cluster", "investigator"),
    ("portal:registration", "registration_id", "portal.FamilySearchRegistration", "investigator"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo data set for the whole module, in an outer transaction rolled back at the end (the audit log is
    append-only, so it cannot be flushed away; the tests' own transactions nest inside as savepoints)."""
    from django.db import transaction

    from homeward.demo.services import demo_load

    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            demo_load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.mark.parametrize("page", DETAIL_PAGES, ids=[p[0] for p in DETAIL_PAGES])
def test_other_county_gets_404_own_county_opens(demo: None, login: Any, page: tuple[str, ...]) -> None:
    from django.test import Client

    from homeward.accounts.models import User

    def verified_client(username: str) -> Any:
        return login(User.objects.get(username=username), Client())

    url_name, kwarg, label, role = page[:4]
    home = page[4] if len(page) > 4 else "wuhou"
    model = apps.get_model(label)
    record = model.objects.filter(jurisdiction=COUNTIES[home]).order_by("pk").first()
    assert record is not None, (
        f"the demo data set has no {label} in {COUNTIES[home]}: add one to the app's demo"
    )
    url = reverse(url_name, kwargs={kwarg: record.pk})
    own = verified_client(f"{role}_{home}").get(url)
    assert own.status_code == 200, f"{role}_{home} could not open {url} ({own.status_code})"
    for place in set(COUNTIES) - {home}:
        other = verified_client(f"{role}_{place}").get(url)
        assert other.status_code == 404, (
            f"{role}_{place} opened {url} of {COUNTIES[home]} ({other.status_code})"
        )
    missing = verified_client(f"{role}_{home}").get(reverse(url_name, kwargs={kwarg: 10**9}))
    assert missing.status_code == 404
