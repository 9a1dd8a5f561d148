"""Services the tips app offers other apps: a staff-entered tip (`tip_submit_staff`) and tips sharing a key
(`tips_with_key`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import COUNTY_A, COUNTY_B
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.tips.models import Channel, Tip, TipEvent
from homeward.tips.selectors import tips_with_key
from homeward.tips.services import TipData, tip_submit_staff

pytestmark = pytest.mark.django_db


def lead(**extra: Any) -> TipData:
    values: dict[str, Any] = {
        "category": "child_missing",
        "description": "群众在金牛区一环路北看见走失儿童，由一名男子带着",
        "address": "成都市金牛区一环路北",
    }
    values.update(extra)
    return TipData(**values)


def test_staff_tip_is_routed_keyed_and_audited_like_any_tip(personas, audit_rows):
    with audit_rows() as rows:
        receipt = tip_submit_staff(
            actor=personas.investigator_a,
            data=lead(involved_phones=["13912345678"]),
            idempotency_key="alerts-sighting-7",
            alert_ref="12",
            origin={"app": "alerts", "alert": 12, "sighting": 7},
        )
    tip = receipt.tip
    assert receipt.created and tip.channel == Channel.STAFF
    # routed by its place (county B), not by who entered it (county A)
    assert tip.jurisdiction == COUNTY_B and tip.agency == personas.police_b
    assert tip.reporter == personas.investigator_a and tip.informant_name
    assert tip.alert_ref == "12" and tip.origin == {"app": "alerts", "alert": 12, "sighting": 7}
    assert tip.child_involved and tip.ack_due_at is not None
    assert set(tip.keys.values_list("kind", "value")) == {("phone", "+8613912345678")}
    received = TipEvent.objects.get(tip=tip, kind="received")
    assert received.data["origin"]["sighting"] == 7 and received.data["alert"] == "12"
    assert [(r.action, r.object_id, r.actor) for r in rows.new] == [
        (AuditAction.CREATE, str(tip.pk), personas.investigator_a)
    ]


def test_staff_tip_without_a_place_goes_to_the_actors_county(personas):
    receipt = tip_submit_staff(
        actor=personas.investigator_a,
        data=lead(address="", description="网上发现出售婴儿的帖子，未写地点"),
        idempotency_key="screening-post-1",
    )
    assert receipt.tip.jurisdiction == COUNTY_A


def test_same_key_returns_the_first_tip_whoever_asks(personas, audit_rows):
    first = tip_submit_staff(actor=personas.investigator_a, data=lead(), idempotency_key="alerts-sighting-9")
    with audit_rows() as rows:
        again = tip_submit_staff(
            actor=personas.investigator_b,
            data=lead(description="同一条目击线索，第二次提交"),
            idempotency_key="alerts-sighting-9",
        )
    assert not again.created and again.tip.pk == first.tip.pk and again.reference == first.reference
    assert Tip.objects.count() == 1 and rows.new == []


def test_staff_tip_refusals_are_audited_and_bad_input_rejected(personas, audit_rows):
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        tip_submit_staff(actor=personas.caseworker_a, data=lead(), idempotency_key="x-1")
    assert [(r.outcome, r.actor) for r in rows.new] == [(AuditOutcome.DENIED, personas.caseworker_a)]
    bad: list[tuple[dict[str, Any], str]] = [
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 101}, "idempotency_key"),
        ({"idempotency_key": "k", "alert_ref": "A-1"}, "alert_id"),
        ({"idempotency_key": "k", "origin": {"App Name": 1}}, "origin"),
        ({"idempotency_key": "k", "origin": {"app": ["list"]}}, "origin"),
        ({"idempotency_key": "k", "data": lead(description="短")}, "description"),
    ]
    for kwargs, field in bad:
        data = kwargs.pop("data", lead())
        with pytest.raises(ValidationError) as exc:
            tip_submit_staff(actor=personas.investigator_a, data=data, **kwargs)
        assert field in exc.value.message_dict
    assert not Tip.objects.exists()


def test_tips_with_key_finds_tips_sharing_a_phone_within_the_actors_jurisdiction(personas):
    in_a = tip_submit_staff(
        actor=personas.investigator_a,
        data=lead(address="成都市武侯区人民南路", involved_phones=["139 1234 5678"]),
        idempotency_key="k-a",
    ).tip
    in_b = tip_submit_staff(
        actor=personas.investigator_a,
        data=lead(involved_phones=["+86 13912345678"]),
        idempotency_key="k-b",
    ).tip
    tip_submit_staff(
        actor=personas.investigator_a,
        data=lead(involved_phones=["13800000000"]),
        idempotency_key="k-other",
    )
    # any spelling of the number finds the same tips
    assert list(tips_with_key(actor=personas.investigator_a, kind="phone", value="13912345678")) == [in_a]
    assert list(tips_with_key(actor=personas.investigator_b, kind="phone", value="139-1234-5678")) == [in_b]
    provincial = personas.provincial
    found = tips_with_key(actor=provincial, kind="phone", value="+8613912345678")
    assert [t.pk for t in found] == [in_b.pk, in_a.pk]  # newest first
    # not a phone, no tips role, unknown kind
    assert list(tips_with_key(actor=provincial, kind="phone", value="12345")) == []
    assert list(tips_with_key(actor=personas.caseworker_a, kind="phone", value="13912345678")) == []
    with pytest.raises(ValueError):
        tips_with_key(actor=provincial, kind="email", value="a@b.c")


def test_the_handling_county_sees_where_a_staff_tip_came_from(personas, login, client):
    tip = tip_submit_staff(
        actor=personas.investigator_a,
        data=lead(),
        idempotency_key="alerts-sighting-3",
        alert_ref="41",
        origin={"app": "alerts", "alert": 41, "sighting": 3},
    ).tip
    login(personas.investigator_b)
    page = client.get(f"/staff/tips/{tip.pk}/").content.decode()
    assert "sighting 3" in page and 'href="/staff/alerts/41/"' in page
