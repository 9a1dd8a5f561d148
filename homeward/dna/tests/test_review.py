"""Examiner review with a countersignature, match announcements without profiles, the registration check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeward.audit.models import AuditAction
from homeward.dna import selectors, services
from homeward.dna.models import Candidate, CandidateKind, CandidateStatus, Search
from homeward.notifications.models import Notice

from .test_search import make_family, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(lab, sim, committed, run_searches):
    _fam, dad, mom = make_family(lab, sim, "FAM-M", committed)
    make_family(lab, sim, "FAM-N", committed)
    run_searches()
    with committed():
        child = register(lab.examiner, "Q-M", "child_unknown_origin", sim.child(dad, mom), amel="XY")
    run_searches()
    top = Candidate.objects.filter(query=child, kind=CandidateKind.TRIO).order_by("-log10_lr").first()
    return child, top


def test_confirm_needs_a_second_examiner(lab, personas, matched, audit_rows, committed):
    _child, top = matched
    with audit_rows() as rows:
        services.candidate_confirm(actor=lab.examiner, candidate_id=top.pk, note="22 loci, no inconsistency")
    assert [(r.action, r.object_type) for r in rows.new] == [(AuditAction.UPDATE, "dna.candidate")]
    top.refresh_from_db()
    assert top.status == CandidateStatus.AWAITING_COUNTERSIGNATURE
    with pytest.raises(PermissionDenied):
        services.candidate_countersign(actor=lab.examiner, candidate_id=top.pk)
    assert not selectors.confirmed_matches_for(actor=personas.investigator_a)
    with audit_rows() as rows, committed():
        services.candidate_countersign(actor=lab.examiner2, candidate_id=top.pk)
    assert [r.action for r in rows.new] == [AuditAction.UPDATE]
    top.refresh_from_db()
    assert top.status == CandidateStatus.CONFIRMED and top.countersigned_by == lab.examiner2
    # Tracing, care and the case learn who confirmed it and when — no LRs, no genotypes.
    notice = Notice.objects.get(recipient=personas.investigator_a, kind="dna_match_confirmed")
    assert str(lab.examiner) in notice.title and "Q-M" in notice.body
    assert "LR" not in notice.title + notice.body and "/" not in notice.body.replace("FAM-M", "")
    assert Notice.objects.filter(recipient=personas.caseworker_a, kind="dna_match_confirmed").exists()
    [match] = selectors.confirmed_matches_for(actor=personas.caseworker_a, accessions=["Q-M"])
    assert match.query_accession == "Q-M" and match.family_reference == "FAM-M"
    assert match.confirmed_by == str(lab.examiner) and match.countersigned_by == str(lab.examiner2)
    assert not hasattr(match, "log10_lr") and not hasattr(match, "per_locus")
    assert selectors.confirmed_matches_for(actor=personas.investigator_b) == []  # county B: not its match


def test_hooks_of_other_apps_are_called_after_commit(matched, lab, committed, monkeypatch):
    _child, top = matched
    seen = []
    monkeypatch.setattr(services, "match_confirmed_hooks", lambda m: seen.append(m))
    services.candidate_confirm(actor=lab.examiner, candidate_id=top.pk)
    with committed():
        services.candidate_countersign(actor=lab.examiner2, candidate_id=top.pk)
    assert [m.candidate_id for m in seen] == [top.pk]


def test_reject_needs_a_reason_and_is_final(matched, lab):
    _child, top = matched
    with pytest.raises(ValidationError):
        services.candidate_reject(actor=lab.examiner, candidate_id=top.pk, reason=" ")
    services.candidate_reject(
        actor=lab.examiner, candidate_id=top.pk, reason="sample mix-up found in the lab"
    )
    with pytest.raises(ValidationError):
        services.candidate_confirm(actor=lab.examiner, candidate_id=top.pk)
    assert top.reviews.get().note == "sample mix-up found in the lab"


def test_below_threshold_candidate_cannot_be_confirmed(matched, lab):
    child, _top = matched
    weak = Candidate.objects.filter(query=child).order_by("log10_lr").first()
    assert weak is not None
    assert weak.conclusion != "support"
    with pytest.raises(ValidationError):
        services.candidate_confirm(actor=lab.examiner, candidate_id=weak.pk)


def test_lab_manager_cannot_confirm_but_may_countersign(matched, lab):
    _child, top = matched
    with pytest.raises(PermissionDenied):
        services.candidate_confirm(actor=lab.manager, candidate_id=top.pk)
    services.candidate_confirm(actor=lab.examiner, candidate_id=top.pk)
    services.candidate_countersign(actor=lab.manager, candidate_id=top.pk)


def test_registration_blocked_until_searched_and_signed_off(lab, sim, committed, run_searches, matched):
    child, _top = matched
    # A child registered without profile: blocked for lack of a profile and a search.
    bare = register(lab.examiner, "Q-BARE", "child_unknown_origin")
    with pytest.raises(ValidationError) as exc:
        services.sample_clear_for_registration(actor=lab.examiner, sample_id=bare.pk)
    assert "no STR profile" in str(exc.value)
    # Searched, but candidates open and nothing signed off.
    search = Search.objects.get(sample=child)
    with pytest.raises(ValidationError) as exc:
        services.sample_clear_for_registration(actor=lab.examiner, sample_id=child.pk)
    assert "signed off" in str(exc.value)
    with pytest.raises(ValidationError):
        services.search_sign_off(actor=lab.examiner, search_id=search.pk)  # open candidates
    for c in Candidate.objects.filter(query=child, reportable=True):
        services.candidate_reject(actor=lab.examiner, candidate_id=c.pk, reason="not this family, checked")
    services.search_sign_off(actor=lab.examiner, search_id=search.pk, note="no match in the database")
    sample = services.sample_clear_for_registration(actor=lab.examiner, sample_id=child.pk)
    assert sample.cleared_for_registration_at is not None
    status = selectors.registration_status_for(actor=lab.examiner, accession="Q-M")
    assert status.cleared


def test_queued_search_does_not_count_as_searched(lab, sim, committed):
    with committed():
        child = register(lab.examiner, "Q-Q", "child_unknown_origin", sim.founder("male"))
    blockers = selectors.registration_blockers(child)
    assert any("not yet been searched" in b for b in blockers)


def test_candidate_page_offers_countersigning_to_the_second_examiner_only(matched, lab, login, client):
    _child, top = matched
    services.candidate_confirm(actor=lab.examiner, candidate_id=top.pk)
    url = f"/staff/dna/candidates/{top.pk}/"
    login(lab.examiner)
    own = client.get(url).content.decode()
    assert f"/candidates/{top.pk}/countersign/" not in own and "须由第二名检验人员复核签字" in own
    login(lab.examiner2)
    assert f"/candidates/{top.pk}/countersign/" in client.get(url).content.decode()
