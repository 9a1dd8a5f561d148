"""Rewards: an investigator proposes, a different superior approves, the anonymous informant claims, payment."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeward.accounts.roles import Role
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.tips import services
from homeward.tips.models import Reward

pytestmark = pytest.mark.django_db


def test_full_reward_path_for_an_anonymous_informant(
    personas, public_tip, leader_a, login, client, audit_rows
):
    receipt = public_tip()
    tip = receipt.tip
    with audit_rows() as rows:
        reward = services.reward_propose(
            actor=personas.investigator_a, tip_id=tip.pk, amount_yuan=5000, outcome="解救儿童一名"
        )
    assert [r.action for r in rows.new] == [AuditAction.CREATE]
    login(leader_a)
    assert client.get("/staff/tips/rewards/").status_code == 200
    with audit_rows() as rows:
        response = client.post(
            f"/api/v1/tips/rewards/{reward.pk}/decide",
            json.dumps({"accept": True}),
            content_type="application/json",
        )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert len(rows.new) == 1
    # An anonymous informant cannot be paid before claiming with the receipt.
    with pytest.raises(ValidationError):
        services.reward_mark_paid(actor=personas.investigator_a, reward_id=reward.pk, payment_ref="PAY-1")
    wrong = client.post(
        f"/api/v1/tips/public/rewards/{reward.pk}/claim",
        json.dumps({"reference": receipt.reference, "secret": "WRONGWRONGWRONG1"}),
        content_type="application/json",
    )
    assert wrong.status_code == 404
    view = client.post(
        "/api/v1/tips/public/follow-up",
        json.dumps({"reference": receipt.reference, "secret": receipt.secret}),
        content_type="application/json",
    ).json()
    assert view["rewards"] == [{"id": reward.pk, "amount_yuan": 5000, "status": "approved", "claimed": False}]
    with audit_rows() as rows:
        claim = client.post(
            f"/api/v1/tips/public/rewards/{reward.pk}/claim",
            json.dumps({"reference": receipt.reference, "secret": receipt.secret}),
            content_type="application/json",
        )
    assert claim.status_code == 200
    assert any(r.object_type == "tips.reward" and r.outcome == "success" for r in rows.new)
    code = claim.json()["claim_code"]
    again = client.post(
        f"/api/v1/tips/public/rewards/{reward.pk}/claim",
        json.dumps({"reference": receipt.reference, "secret": receipt.secret}),
        content_type="application/json",
    )
    assert again.status_code == 400
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        services.reward_mark_paid(
            actor=personas.investigator_a, reward_id=reward.pk, payment_ref="PAY-1", claim_code="NOPE"
        )
    assert [r.outcome for r in rows.new] == ["denied"]  # the refused payment is on record
    with audit_rows() as rows:
        paid = services.reward_mark_paid(
            actor=personas.investigator_a, reward_id=reward.pk, payment_ref="PAY-1", claim_code=code
        )
    assert paid.status == "paid" and paid.paid_by == personas.investigator_a
    assert [(r.action, r.object_type, r.outcome) for r in rows.new] == [("update", "tips.reward", "success")]


def test_proposer_cannot_approve_own_reward(personas, public_tip, make_user, audit_rows):
    both = make_user("inv_leader", personas.police_a, [Role.INVESTIGATOR, Role.CASE_LEADER])
    tip = public_tip().tip
    reward = services.reward_propose(actor=both, tip_id=tip.pk, amount_yuan=1000, outcome="抓获嫌疑人")
    with audit_rows() as rows, pytest.raises(PermissionDenied):
        services.reward_decide(actor=both, reward_id=reward.pk, approve=True)
    assert [(r.action, r.outcome) for r in rows.new] == [(AuditAction.UPDATE, AuditOutcome.DENIED)]
    assert Reward.objects.get().status == "proposed"


def test_investigator_cannot_approve_and_other_county_cannot_see(
    personas, public_tip, leader_a, make_user, login, client
):
    tip = public_tip().tip
    reward = services.reward_propose(
        actor=personas.investigator_a, tip_id=tip.pk, amount_yuan=1000, outcome="抓获嫌疑人"
    )
    other_investigator = make_user("inv_a2", personas.police_a, [Role.INVESTIGATOR])
    with pytest.raises(PermissionDenied):
        services.reward_decide(actor=other_investigator, reward_id=reward.pk, approve=True)
    leader_b = make_user("leader_b", personas.police_b, [Role.CASE_LEADER])
    login(leader_b)
    response = client.post(
        f"/api/v1/tips/rewards/{reward.pk}/decide",
        json.dumps({"accept": True}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.post(f"/staff/tips/rewards/{reward.pk}/decide/", {"accept": "yes"}).status_code == 404
    assert Reward.objects.get().status == "proposed"


def test_reward_input_is_checked(personas, public_tip, login, client):
    tip = public_tip().tip
    login(personas.investigator_a)
    for body, status in (
        ({"amount_yuan": 0, "outcome": "x"}, 422),
        ({"amount_yuan": 10, "outcome": ""}, 422),
        ({"amount_yuan": "lots"}, 422),
    ):
        assert (
            client.post(
                f"/api/v1/tips/{tip.pk}/rewards", json.dumps(body), content_type="application/json"
            ).status_code
            == status
        )
    ok = client.post(
        f"/api/v1/tips/{tip.pk}/rewards",
        json.dumps({"amount_yuan": 10, "outcome": "解救"}),
        content_type="application/json",
    )
    assert ok.status_code == 201
    dup = client.post(
        f"/api/v1/tips/{tip.pk}/rewards",
        json.dumps({"amount_yuan": 10, "outcome": "解救"}),
        content_type="application/json",
    )
    assert dup.status_code == 400
    login(personas.investigator_b)
    assert (
        client.post(
            f"/api/v1/tips/{tip.pk}/rewards",
            json.dumps({"amount_yuan": 10, "outcome": "解救"}),
            content_type="application/json",
        ).status_code
        == 404
    )


def test_rejection_needs_a_reason(personas, public_tip, leader_a):
    tip = public_tip().tip
    reward = services.reward_propose(
        actor=personas.investigator_a, tip_id=tip.pk, amount_yuan=100, outcome="抓获"
    )
    with pytest.raises(ValidationError):
        services.reward_decide(actor=leader_a, reward_id=reward.pk, approve=False)
    assert (
        services.reward_decide(actor=leader_a, reward_id=reward.pk, approve=False, note="证据不足").status
        == "rejected"
    )


def test_named_informant_can_be_paid_without_claim(personas, public_tip, leader_a):
    tip = public_tip(name="张三", phone="13912345678").tip
    reward = services.reward_propose(
        actor=personas.investigator_a, tip_id=tip.pk, amount_yuan=100, outcome="抓获"
    )
    services.reward_decide(actor=leader_a, reward_id=reward.pk, approve=True)
    assert (
        services.reward_mark_paid(actor=leader_a, reward_id=reward.pk, payment_ref="BANK-77").status == "paid"
    )
