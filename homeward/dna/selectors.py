"""Reads of the DNA database, always through the jurisdiction check and the audit trail.

Anyone who is not police DNA staff gets a 404 for every DNA record (and the refusal is audited). Profile reads and
exports carry a purpose, written to the audit row. Tracing, care and cases learn of confirmed matches only through
`confirmed_matches_for` and `registration_status_for`, which never return profiles or likelihood ratios.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.dna.models import (
    OPEN_STATUSES,
    REGISTRATION_CATEGORIES,
    Candidate,
    CandidateStatus,
    DuplicateFlag,
    Family,
    FrequencyTable,
    ImportBatch,
    LineageLead,
    Sample,
    SampleStatus,
    Search,
    SearchKind,
    SearchStatus,
)

PURPOSE_MIN, PURPOSE_MAX = 3, 200


def require(actor: Any, perm: str, *, what: str = "dna") -> None:
    """Non-DNA users get a 404 (the DNA database does not exist for them); DNA staff lacking `perm` get 403."""
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_dna_staff", False)
    ):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=what, detail={"perm": perm}
        )
        raise Http404("Not found")
    if not actor.has_perm(perm):
        audit.record(
            actor=actor, action=AuditAction.PERMISSION_DENIED, object_type=what, detail={"perm": perm}
        )
        raise PermissionDenied(_("Your role does not allow this."))


def clean_purpose(purpose: str) -> str:
    purpose = " ".join((purpose or "").split())
    if len(purpose) < PURPOSE_MIN:
        raise ValidationError({"purpose": [_("Say why you need this (at least 3 characters).")]})
    if len(purpose) > PURPOSE_MAX:
        raise ValidationError({"purpose": [_("A purpose is at most 200 characters.")]})
    return purpose


# ---------------------------------------------------------------- samples


def sample_get(*, actor: Any, sample_id: Any, purpose: str = "", audit_read: bool = True) -> Sample:
    """Sample metadata (no genotypes). Http404 when missing or outside the actor's jurisdiction."""
    require(actor, "dna.view_profile", what="dna.sample")
    queryset = Sample.objects.select_related("family", "agency", "profile", "y_haplotype")
    return access.get_for_user(
        user=actor, queryset=queryset, pk=sample_id, purpose=purpose, audit_read=audit_read
    )


def sample_list(*, actor: Any, query: str = "", category: str = "", limit: int = 200) -> QuerySet[Sample]:
    require(actor, "dna.view_profile", what="dna.sample")
    samples = access.visible_to(actor, Sample.objects.select_related("family", "profile"))
    query = query.strip()
    if query:
        samples = samples.filter(Q(accession__icontains=query) | Q(family__reference__icontains=query))
        audit.record(
            actor=actor, action=AuditAction.SEARCH, object_type="dna.sample", detail={"query": query}
        )
    if category:
        samples = samples.filter(category=category)
    return samples.order_by("-created_at")[:limit]


@dataclass
class ProfileView:
    sample: Sample
    genotypes: dict[str, str]
    amelogenin: str
    kit: str
    y_haplotype: dict[str, str]


def profile_get(*, actor: Any, sample_id: Any, purpose: str) -> ProfileView:
    """The genotypes of one sample. One audit row with the purpose."""
    require(actor, "dna.view_profile", what="dna.sample")
    purpose = clean_purpose(purpose)
    sample = access.get_for_user(
        user=actor,
        queryset=Sample.objects.select_related("profile", "y_haplotype"),
        pk=sample_id,
        purpose=f"profile: {purpose}"[:200],
    )
    return _profile_view(sample)


def _profile_view(sample: Sample) -> ProfileView:
    profile = getattr(sample, "profile", None)
    y = getattr(sample, "y_haplotype", None)
    return ProfileView(
        sample=sample,
        genotypes=dict(profile.genotypes) if profile else {},
        amelogenin=profile.amelogenin if profile else "",
        kit=profile.kit if profile else "",
        y_haplotype=dict(y.haplotype) if y else {},
    )


def profile_export(*, actor: Any, sample_id: Any, purpose: str) -> dict[str, Any]:
    """One sample's profile in the JSON import format (for another laboratory or a court report). Audited."""
    require(actor, "dna.export_profile", what="dna.sample")
    purpose = clean_purpose(purpose)
    sample = access.get_for_user(
        user=actor,
        queryset=Sample.objects.select_related("profile", "y_haplotype", "family"),
        pk=sample_id,
        action=AuditAction.EXPORT,
        purpose=purpose,
    )
    view = _profile_view(sample)
    return {
        "samples": [
            {
                "accession": sample.accession,
                "category": sample.category,
                "family": sample.family.reference if sample.family else "",
                "kit": view.kit or sample.kit,
                "collected_on": sample.collected_on.isoformat() if sample.collected_on else None,
                "typed_on": sample.typed_on.isoformat() if sample.typed_on else None,
                "amelogenin": view.amelogenin,
                "genotypes": view.genotypes,
                "y_haplotype": view.y_haplotype,
            }
        ]
    }


def duplicates_of(sample: Sample) -> list[DuplicateFlag]:
    return list(
        DuplicateFlag.objects.filter(Q(sample=sample) | Q(duplicate_of=sample)).select_related(
            "sample", "duplicate_of"
        )
    )


def open_duplicates(*, actor: Any, limit: int = 100) -> list[DuplicateFlag]:
    require(actor, "dna.view_profile", what="dna.duplicateflag")
    visible = access.visible_to(actor, Sample.objects.all()).values("pk")
    return list(
        DuplicateFlag.objects.filter(resolved_at__isnull=True, sample__in=visible).select_related(
            "sample", "duplicate_of"
        )[:limit]
    )


# ---------------------------------------------------------------- families


def family_get(*, actor: Any, family_id: Any, purpose: str = "", audit_read: bool = True) -> Family:
    require(actor, "dna.view_profile", what="dna.family")
    return access.get_for_user(
        user=actor,
        queryset=Family.objects.select_related("agency"),
        pk=family_id,
        purpose=purpose,
        audit_read=audit_read,
    )


def family_list(*, actor: Any, limit: int = 200) -> QuerySet[Family]:
    require(actor, "dna.view_profile", what="dna.family")
    return access.visible_to(actor, Family.objects.all()).order_by("-created_at")[:limit]


def family_visible(actor: Any, families: QuerySet[Family]) -> QuerySet[Family]:
    """The families of a queryset the actor may see (for imports naming families by number)."""
    return access.visible_to(actor, families)


def family_members(family: Family) -> list[Sample]:
    return list(family.samples.select_related("profile").order_by("category", "accession"))


# ---------------------------------------------------------------- searches


def search_get(*, actor: Any, search_id: Any, audit_read: bool = True) -> Search:
    require(actor, "dna.search", what="dna.search")
    return access.get_for_user(
        user=actor,
        queryset=Search.objects.select_related("sample", "requested_by", "signed_off_by"),
        pk=search_id,
        purpose="search result",
        audit_read=audit_read,
    )


def search_list(*, actor: Any, limit: int = 50) -> QuerySet[Search]:
    require(actor, "dna.search", what="dna.search")
    return access.visible_to(actor, Search.objects.select_related("sample")).order_by("-created_at")[:limit]


def search_candidates(search: Search) -> list[Candidate]:
    """Candidates for the query sample of a child search (found by any search), or those a family search found."""
    if search.kind == SearchKind.CHILD:
        queryset = Candidate.objects.filter(query=search.sample)
    else:
        queryset = Candidate.objects.filter(search=search)
    return list(
        queryset.select_related("query", "family").prefetch_related("references").order_by("-log10_lr")
    )


def search_leads(search: Search) -> list[LineageLead]:
    if search.kind == SearchKind.CHILD:
        queryset = LineageLead.objects.filter(query=search.sample)
    else:
        queryset = LineageLead.objects.filter(search=search)
    return list(queryset.select_related("query", "reference"))


# ---------------------------------------------------------------- candidates


def _visible_candidates(actor: Any) -> QuerySet[Candidate]:
    base = Candidate.objects.all()
    return access.visible_to(actor, base) | access.visible_to(actor, base, field="reference_jurisdiction")


def candidate_queue(*, actor: Any, status: str = "open", limit: int = 200) -> list[Candidate]:
    require(actor, "dna.view_profile", what="dna.candidate")
    queryset = _visible_candidates(actor).filter(reportable=True)
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status in CandidateStatus.values:
        queryset = queryset.filter(status=status)
    return list(
        queryset.select_related("query", "family", "confirmed_by")
        .prefetch_related("references")
        .order_by("-log10_lr")[:limit]
    )


def candidate_get(
    *, actor: Any, candidate_id: Any, purpose: str = "review", audit_read: bool = True
) -> Candidate:
    """One candidate, visible from the query's and the family's jurisdiction. Reading it reads profiles: the
    audit row carries the purpose."""
    require(actor, "dna.view_profile", what="dna.candidate")
    queryset = Candidate.objects.select_related(
        "query", "family", "search", "confirmed_by", "countersigned_by"
    )
    found = queryset.filter(pk=candidate_id).first() if str(candidate_id).isdigit() else None
    field = "jurisdiction"
    if (
        found is not None
        and not access.in_jurisdiction(actor, found.jurisdiction)
        and access.in_jurisdiction(actor, found.reference_jurisdiction)
    ):
        field = "reference_jurisdiction"
    return access.get_for_user(
        user=actor, queryset=queryset, pk=candidate_id, purpose=purpose, field=field, audit_read=audit_read
    )


@dataclass
class LocusRow:
    locus: str
    query: str
    references: list[str]
    lr: float
    inconsistent: bool


def candidate_table(candidate: Candidate) -> tuple[list[Sample], list[LocusRow]]:
    """The per-locus table of a candidate: genotypes of the query and references at the compared loci."""
    refs = list(candidate.references.select_related("profile").order_by("category", "pk"))
    query_g = getattr(candidate.query, "profile", None)
    qg = dict(query_g.genotypes) if query_g else {}
    ref_g = [dict(r.profile.genotypes) if getattr(r, "profile", None) else {} for r in refs]
    rows = []
    for locus, lr in candidate.per_locus.items():
        q = qg.get(locus, "")
        genos = [g.get(locus, "") for g in ref_g]
        q_alleles = set(q.split("/")) if q else set()
        inconsistent = False
        if candidate.kind in ("duo", "trio") and q_alleles:
            typed = [set(g.split("/")) for g in genos if g]
            if candidate.kind == "duo" or len(typed) == 1:
                inconsistent = bool(typed) and not (q_alleles & typed[0])
            elif len(typed) == 2:
                a, b = (q.split("/") + q.split("/"))[:2]
                inconsistent = not ((a in typed[0] and b in typed[1]) or (b in typed[0] and a in typed[1]))
        rows.append(LocusRow(locus, q, genos, float(lr), inconsistent))
    return refs, rows


# ---------------------------------------------------------------- registration


def registration_blockers(sample: Sample) -> list[str]:
    """Why a child cannot be cleared for household registration yet ([] = it can)."""
    reasons: list[str] = []
    if sample.category not in REGISTRATION_CATEGORIES:
        return [_("Only children of unknown origin and rescued children are cleared for registration.")]
    if sample.status != SampleStatus.ACTIVE:
        reasons.append(_("The sample is withdrawn."))
    profile = getattr(sample, "profile", None)
    if profile is None:
        return [*reasons, _("The sample has no STR profile yet.")]
    searches = Search.objects.filter(
        sample=sample, kind=SearchKind.CHILD, status=SearchStatus.DONE, created_at__gte=profile.created_at
    )
    if not searches.exists():
        reasons.append(_("The profile has not yet been searched against the whole database."))
    elif not searches.filter(signed_off_at__isnull=False).exists():
        reasons.append(_("An examiner has not signed off the search result."))
    if Candidate.objects.filter(query=sample, reportable=True, status__in=OPEN_STATUSES).exists():
        reasons.append(_("Candidates of this child are still waiting for review."))
    return reasons


@dataclass(frozen=True)
class RegistrationStatus:
    accession: str
    cleared: bool
    cleared_at: datetime | None
    blockers: tuple[str, ...]


def registration_status_for(*, actor: Any, accession: str) -> RegistrationStatus:
    """For tracing/care: may this child be registered? No genotypes, no LRs. Http404 outside jurisdiction."""
    if not actor.has_perm("dna.view_match_info"):
        audit.record(actor=actor, action=AuditAction.PERMISSION_DENIED, object_type="dna.sample")
        raise PermissionDenied
    sample = Sample.objects.select_related("profile").filter(accession=accession).first()
    sample = access.get_for_user(
        user=actor,
        queryset=Sample.objects.select_related("profile"),
        pk=sample.pk if sample else -1,
        purpose="registration status",
    )
    return RegistrationStatus(
        sample.accession,
        sample.cleared_for_registration_at is not None,
        sample.cleared_for_registration_at,
        tuple(registration_blockers(sample)) if sample.cleared_for_registration_at is None else (),
    )


# ---------------------------------------------------------------- confirmed matches (tracing, care, cases)


@dataclass(frozen=True)
class ConfirmedMatch:
    """What other apps learn of a confirmed DNA match: who and when, never profiles or likelihood ratios."""

    candidate_id: int
    query_accession: str
    query_category: str
    query_jurisdiction: str
    reference_accessions: tuple[str, ...]
    family_reference: str
    reference_jurisdiction: str
    kind: str
    confirmed_by: str
    confirmed_at: datetime
    countersigned_by: str
    countersigned_at: datetime

    @property
    def summary(self) -> str:
        return _("A DNA match was confirmed by %(examiner)s on %(date)s.") % {
            "examiner": self.confirmed_by,
            "date": self.countersigned_at.date().isoformat(),
        }


def confirmed_match(candidate: Candidate) -> ConfirmedMatch:
    assert candidate.confirmed_at is not None and candidate.countersigned_at is not None
    return ConfirmedMatch(
        candidate_id=candidate.pk,
        query_accession=candidate.query.accession,
        query_category=candidate.query.category,
        query_jurisdiction=candidate.jurisdiction,
        reference_accessions=tuple(sorted(s.accession for s in candidate.references.all())),
        family_reference=candidate.family.reference if candidate.family else "",
        reference_jurisdiction=candidate.reference_jurisdiction,
        kind=candidate.kind,
        confirmed_by=str(candidate.confirmed_by) if candidate.confirmed_by else "",
        confirmed_at=candidate.confirmed_at,
        countersigned_by=str(candidate.countersigned_by) if candidate.countersigned_by else "",
        countersigned_at=candidate.countersigned_at,
    )


def confirmed_matches_for(
    *,
    actor: Any,
    accessions: Iterable[str] | None = None,
    family_reference: str | None = None,
    since: datetime | None = None,
    purpose: str = "",
    limit: int = 500,
) -> list[ConfirmedMatch]:
    """Confirmed (countersigned) matches the actor's jurisdiction is party to — the query child's or the family's —
    optionally for some accessions (either side) or one family. For tracing, care and cases. One audit row."""
    if not actor.has_perm("dna.view_match_info"):
        audit.record(actor=actor, action=AuditAction.PERMISSION_DENIED, object_type="dna.candidate")
        raise PermissionDenied
    queryset = _visible_candidates(actor).filter(status=CandidateStatus.CONFIRMED)
    if accessions is not None:
        wanted = [a for a in accessions if a][:1000]
        queryset = queryset.filter(Q(query__accession__in=wanted) | Q(references__accession__in=wanted))
    if family_reference:
        queryset = queryset.filter(family__reference=family_reference)
    if since is not None:
        queryset = queryset.filter(countersigned_at__gte=since)
    rows = list(
        queryset.distinct()
        .select_related("query", "family", "confirmed_by", "countersigned_by")
        .prefetch_related("references")
        .order_by("-countersigned_at")[:limit]
    )
    audit.record(
        actor=actor,
        action=AuditAction.READ,
        object_type="dna.candidate",
        purpose=(purpose or "confirmed matches")[:200],
        detail={"confirmed_matches": [c.pk for c in rows][:100]},
    )
    return [confirmed_match(c) for c in rows]


# ---------------------------------------------------------------- imports and tables


def import_get(*, actor: Any, batch_id: Any) -> ImportBatch:
    require(actor, "dna.add_sample", what="dna.importbatch")
    return access.get_for_user(
        user=actor, queryset=ImportBatch.objects.all(), pk=batch_id, purpose="import summary"
    )


def table_list(*, actor: Any) -> list[FrequencyTable]:
    require(actor, "dna.view_profile", what="dna.frequencytable")
    return list(FrequencyTable.objects.defer("data").order_by("name", "-created_at"))


def dashboard(*, actor: Any) -> dict[str, Any]:
    require(actor, "dna.view_profile", what="dna")
    samples = access.visible_to(actor, Sample.objects.all())
    return {
        "n_samples": samples.count(),
        "n_queries": samples.filter(category__in=list(REGISTRATION_CATEGORIES)).count(),
        "n_open": _visible_candidates(actor).filter(reportable=True, status__in=OPEN_STATUSES).count(),
        "n_awaiting": _visible_candidates(actor)
        .filter(status=CandidateStatus.AWAITING_COUNTERSIGNATURE)
        .count(),
        "active_table": FrequencyTable.objects.filter(is_active=True).defer("data").first(),
    }
