"""Writes of the portal: family-search registrations (public submit, then the county police's steps), DNA
sampling points and guidance pages. Every write validates first, then writes and audits in one transaction.

A registration is stored by the tracing app (`tracing.services.registration_create`: the registrant's words, a
pending missing-person report or found-person record, the receipt code and its hashed secret) and wrapped here
with the consents and the public status. Verifying hands it over to tracing (`registration_verify` creates the
person through `people` and opens the record for matching); recording the DNA sample puts its accession on the
tracing record, where the DNA confirmation hook finds it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.core.ratelimit import count_attempt
from homeward.portal.models import (
    STATUS_ORDER,
    FamilySearchRegistration,
    GuidancePage,
    GuidanceStatus,
    RegistrationKind,
    RegistrationStatus,
    SamplingPoint,
)
from homeward.portal.selectors import guidance_get, registration_get, require, sampling_point_get
from homeward.regions.selectors import division_require, is_within
from homeward.tracing import services as tracing
from homeward.tracing.models import FoundKind
from homeward.tracing.models import RegistrationKind as TracingKind
from homeward.tracing.models import RegistrationStatus as TracingStatus

# ---------------------------------------------------------------- abuse


def rate_check(*, bucket: str, address: str | None, limit: int, window: int) -> None:
    """Count one attempt from this address; raise RateLimited past `limit` attempts in `window` seconds."""
    count_attempt(bucket=f"portal:{bucket}", address=address, limit=limit, window=window)


REGISTRATION_RATE = (5, 3600)  # registrations per address per hour
STATUS_RATE = (30, 3600)  # status look-ups per address per hour (receipt guessing)


# ---------------------------------------------------------------- family-search registrations


@dataclass
class RegistrationInput:
    """What a registrant can know. For a family: the child's name, birth year, when and where they went missing.
    For an adult: the name they use now, roughly when and where they were taken, the places and names they
    remember."""

    kind: str
    county: str
    name: str
    contact_phone: str
    consent_contact: bool
    consent_dna: bool
    sex: str = "unknown"
    birth_year: int | None = None
    lost_year: int | None = None
    lost_place: str = ""
    nicknames: list[str] = field(default_factory=list)
    remembered_places: list[str] = field(default_factory=list)
    remembered_names: list[str] = field(default_factory=list)
    dialect: str = ""
    marks: list[str] = field(default_factory=list)
    story: str = ""


def _tracing_data(data: RegistrationInput) -> tracing.RegistrationData:
    lost_date = date(data.lost_year, 1, 1) if data.lost_year else None
    who: dict[str, Any] = {
        "county": data.county,
        "name": data.name,
        "contact_phone": data.contact_phone,
        "sex": data.sex,
        "birth_year": data.birth_year,
    }
    if data.kind == RegistrationKind.FAMILY:
        return tracing.RegistrationData(
            kind=TracingKind.MISSING,
            **who,
            report=tracing.ReportData(
                birth_year=data.birth_year,
                nicknames=data.nicknames,
                missing_date=lost_date,
                missing_address=data.lost_place,
                dialect=data.dialect,
                marks=data.marks,
                # the report has no list of places or relatives: what the family typed joins the circumstances
                circumstances="\n".join(
                    [data.story, *data.remembered_places, *data.remembered_names]
                ).strip(),
                family_gave_dna=False,
            ),
        )
    age_now = timezone.localdate().year - data.birth_year if data.birth_year else None
    places = [p for p in [data.lost_place, *data.remembered_places] if p]
    memories = data.story
    if data.lost_year:
        # The found-person record has no "year lost"; the reviewer reads it with the memories.
        memories = (_("Year lost: %(year)d") % {"year": data.lost_year} + "\n" + memories).strip()
    return tracing.RegistrationData(
        kind=TracingKind.FOUND,
        **who,
        found=tracing.FoundData(
            kind=FoundKind.ADULT_SEARCHING,
            age_min=age_now,
            age_max=age_now,
            remembered_names=data.nicknames + data.remembered_names,
            remembered_places=places,
            dialect=data.dialect,
            marks=data.marks,
            memories=memories,
        ),
    )


@transaction.atomic
def registration_submit(
    *, data: RegistrationInput, address: str | None = None
) -> tuple[FamilySearchRegistration, str]:
    """A registration from the public. Returns it with the secret, shown once. Rate limited per client address
    (`address` None: an internal caller such as the demo loader, not limited)."""
    errors: dict[str, list[str]] = {}
    if data.kind not in RegistrationKind.values:
        errors["kind"] = [_("Choose who is searching.")]
    if not data.consent_contact:
        errors["consent_contact"] = [_("The police can only help if they may contact you.")]
    if data.lost_year is not None and not 1900 <= data.lost_year <= timezone.localdate().year:
        errors["lost_year"] = [_("A year between 1900 and this year.")]
    if data.birth_year and data.lost_year and data.lost_year < data.birth_year:
        errors["lost_year"] = [_("The year lost is before the year of birth.")]
    if errors:
        raise ValidationError(errors)
    if address is not None:
        rate_check(
            bucket="registration", address=address, limit=REGISTRATION_RATE[0], window=REGISTRATION_RATE[1]
        )
    try:
        inner, secret = tracing.registration_create(data=_tracing_data(data))
    except ValidationError as exc:
        raise ValidationError(_portal_keys(exc)) from None
    registration = FamilySearchRegistration.objects.create(
        jurisdiction=inner.jurisdiction,
        kind=data.kind,
        tracing_registration=inner,
        receipt_code=inner.receipt_code,
        consent_contact=True,
        consent_dna=data.consent_dna,
    )
    audit.record(
        actor=None,
        actor_label="public",
        action=AuditAction.CREATE,
        obj=registration,
        detail={"consent_dna": data.consent_dna},
    )
    return registration, secret


# tracing's field names → the portal form's
_KEYS = {
    "missing_date": "lost_year",
    "found_date": "lost_year",
    "missing_address": "lost_place",
    "circumstances": "story",
    "memories": "story",
    "family_contact_phone": "contact_phone",
}


def _portal_keys(exc: ValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {"__all__": list(exc.messages)}
    out: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        out.setdefault(_KEYS.get(key, key), []).extend(messages)
    return out


def _locked(actor: Any, registration_id: Any) -> FamilySearchRegistration:
    registration = registration_get(actor=actor, registration_id=registration_id, audit_read=False)
    return (
        FamilySearchRegistration.objects.select_for_update(of=("self",))
        .select_related("tracing_registration")
        .get(pk=registration.pk)
    )


def _move(
    actor: Any, registration: FamilySearchRegistration, status: str, detail: dict[str, Any] | None = None
) -> FamilySearchRegistration:
    old = registration.status
    registration.status = status
    registration.handled_by = actor
    registration.save(
        update_fields=["status", "handled_by", "dna_accession", "rejected", "reason", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=registration,
        detail={"from": old, "to": status, **(detail or {})},
    )
    return registration


def _require_status(registration: FamilySearchRegistration, *allowed: str) -> None:
    if registration.status not in allowed:
        raise ValidationError(
            {"__all__": [_("This step does not fit a registration that is %(status)s.")
                         % {"status": registration.get_status_display()}]}
        )  # fmt: skip


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most 500 characters.")]})
    return reason


@transaction.atomic
def registration_verify(*, actor: Any, registration_id: Any) -> FamilySearchRegistration:
    """The county police checked the registrant: tracing creates the person and starts matching."""
    registration = _locked(actor, registration_id)
    _require_status(registration, RegistrationStatus.REGISTERED)
    if registration.tracing_registration.status == TracingStatus.REGISTERED:
        tracing.registration_verify(
            actor=actor, registration_id=registration.tracing_registration_id, accept=True
        )
    elif registration.tracing_registration.status == TracingStatus.REJECTED:
        raise ValidationError({"__all__": [_("The tracing team has already refused this registration.")]})
    return _move(actor, registration, RegistrationStatus.VERIFIED)


@transaction.atomic
def registration_reject(*, actor: Any, registration_id: Any, reason: str) -> FamilySearchRegistration:
    registration = _locked(actor, registration_id)
    _require_status(registration, RegistrationStatus.REGISTERED)
    reason = _clean_reason(reason, required=True)
    if registration.tracing_registration.status == TracingStatus.REGISTERED:
        tracing.registration_verify(
            actor=actor, registration_id=registration.tracing_registration_id, accept=False, reason=reason
        )
    registration.rejected = True
    registration.reason = reason
    return _move(actor, registration, RegistrationStatus.CLOSED, {"rejected": True})


ACCESSION = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")


def _tracing_record_with_accession(
    actor: Any, registration: FamilySearchRegistration, accession: str
) -> None:
    inner = registration.tracing_registration
    if inner.report_id is not None:
        report = inner.report
        assert report is not None
        data = tracing.ReportData(**{f.name: getattr(report, f.name) for f in fields(tracing.ReportData)})
        data.dna_accession = accession
        data.family_gave_dna = True
        tracing.report_update(actor=actor, report_id=report.pk, data=data)
    elif inner.found_id is not None:
        found = inner.found
        assert found is not None
        found_data = tracing.FoundData(**{f.name: getattr(found, f.name) for f in fields(tracing.FoundData)})
        found_data.dna_accession = accession
        tracing.found_update(actor=actor, found_id=found.pk, data=found_data)


@transaction.atomic
def registration_dna_sampled(*, actor: Any, registration_id: Any, accession: str) -> FamilySearchRegistration:
    """A blood sample was taken; only its accession number is recorded (the DNA app holds the profile)."""
    registration = _locked(actor, registration_id)
    _require_status(registration, RegistrationStatus.VERIFIED)
    accession = (accession or "").strip().upper()
    if not ACCESSION.match(accession):
        raise ValidationError(
            {"accession": [_("A sample accession number: 3 to 40 letters, digits or dashes.")]}
        )
    if not registration.consent_dna:
        raise ValidationError({"accession": [_("The registrant did not consent to give DNA.")]})
    _tracing_record_with_accession(actor, registration, accession)
    registration.dna_accession = accession
    return _move(actor, registration, RegistrationStatus.DNA_SAMPLED, {"accession": accession})


@transaction.atomic
def registration_compare(*, actor: Any, registration_id: Any) -> FamilySearchRegistration:
    """The sample's profile is in the database and being compared."""
    registration = _locked(actor, registration_id)
    _require_status(registration, RegistrationStatus.DNA_SAMPLED)
    return _move(actor, registration, RegistrationStatus.IN_COMPARISON)


@transaction.atomic
def registration_possible_match(*, actor: Any, registration_id: Any) -> FamilySearchRegistration:
    """Tell the registrant to contact the police. The match itself is never shown to the public."""
    registration = _locked(actor, registration_id)
    _require_status(
        registration,
        RegistrationStatus.VERIFIED,
        RegistrationStatus.DNA_SAMPLED,
        RegistrationStatus.IN_COMPARISON,
    )
    return _move(actor, registration, RegistrationStatus.POSSIBLE_MATCH)


@transaction.atomic
def registration_close(*, actor: Any, registration_id: Any, reason: str) -> FamilySearchRegistration:
    registration = _locked(actor, registration_id)
    _require_status(registration, *STATUS_ORDER[1:])
    registration.reason = _clean_reason(reason, required=True)
    return _move(actor, registration, RegistrationStatus.CLOSED)


# ---------------------------------------------------------------- sampling points


@dataclass
class SamplingPointData:
    county: str
    name: str
    address: str
    hours: str
    phone: str
    what_to_bring: str = ""
    lat: float | None = None
    lon: float | None = None
    is_active: bool = True


def _clean_point(actor: Any, data: SamplingPointData) -> dict[str, list[str]]:
    from homeward.people.validators import clean_phone

    errors: dict[str, list[str]] = {}
    try:
        division = division_require(data.county)
    except ValidationError as exc:
        errors["county"] = list(exc.messages)
    else:
        if division.level != "county":
            errors["county"] = [_("Choose a county or district.")]
        elif not actor.jurisdiction or not is_within(division.code, actor.jurisdiction):
            errors["county"] = [_("You may only keep sampling points in your own jurisdiction.")]
    for key, limit in (("name", 120), ("address", 200), ("hours", 200), ("what_to_bring", 500)):
        value = (getattr(data, key) or "").strip()
        setattr(data, key, value)
        if key != "what_to_bring" and not value:
            errors[key] = [_("This field is required.")]
        elif len(value) > limit:
            errors[key] = [_("At most %(n)d characters.") % {"n": limit}]
    try:
        data.phone = clean_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = list(exc.messages)
    if (data.lat is None) != (data.lon is None):
        errors["lat"] = [_("Latitude and longitude go together.")]
    elif data.lat is not None and data.lon is not None:
        from homeward.alerts.geo import in_china_box

        if not in_china_box(data.lat, data.lon):
            errors["lat"] = [_("The place is not in China.")]
    return errors


def _apply_point(point: SamplingPoint, data: SamplingPointData) -> None:
    point.jurisdiction = data.county
    for key, value in asdict(data).items():
        if key != "county":
            setattr(point, key, value)


@transaction.atomic
def sampling_point_create(*, actor: Any, data: SamplingPointData) -> SamplingPoint:
    require(actor, "portal.manage_sampling_point", "portal.samplingpoint")
    errors = _clean_point(actor, data)
    if errors:
        raise ValidationError(errors)
    point = SamplingPoint()
    _apply_point(point, data)
    point.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=point)
    return point


@transaction.atomic
def sampling_point_update(*, actor: Any, point_id: Any, data: SamplingPointData) -> SamplingPoint:
    point = sampling_point_get(actor=actor, point_id=point_id, audit_read=False)
    errors = _clean_point(actor, data)
    if errors:
        raise ValidationError(errors)
    point = SamplingPoint.objects.select_for_update().get(pk=point.pk)
    _apply_point(point, data)
    point.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=point)
    return point


# ---------------------------------------------------------------- guidance pages


@dataclass
class GuidanceData:
    slug: str
    language: str
    title: str
    body: str
    summary: str = ""


def _clean_guidance(data: GuidanceData, *, page_id: int | None) -> dict[str, list[str]]:
    from homeward.portal.markup import render_markup

    errors: dict[str, list[str]] = {}
    data.slug = (data.slug or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", data.slug):
        errors["slug"] = [_("Lower-case letters, digits and dashes, at most 80.")]
    if data.language not in ("zh-hans", "en"):
        errors["language"] = [_("Choose a language.")]
    for key, limit in (("title", 120), ("summary", 300), ("body", 20000)):
        value = (getattr(data, key) or "").strip()
        setattr(data, key, value)
        if key != "summary" and not value:
            errors[key] = [_("This field is required.")]
        elif len(value) > limit:
            errors[key] = [_("At most %(n)d characters.") % {"n": limit}]
    if "slug" not in errors and "language" not in errors:
        clash = GuidancePage.objects.filter(slug=data.slug, language=data.language)
        if page_id is not None:
            clash = clash.exclude(pk=page_id)
        if clash.exists():
            errors["slug"] = [_("A page with this slug and language exists.")]
    if "body" not in errors:
        render_markup(data.body)  # raises nothing; proves the text renders before it is stored
    return errors


@transaction.atomic
def guidance_create(*, actor: Any, data: GuidanceData) -> GuidancePage:
    require(actor, "portal.write_guidance", "portal.guidancepage")
    errors = _clean_guidance(data, page_id=None)
    if errors:
        raise ValidationError(errors)
    page = GuidancePage.objects.create(jurisdiction=actor.jurisdiction, author=actor, **asdict(data))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=page)
    return page


def _locked_page(actor: Any, page_id: Any) -> GuidancePage:
    page = guidance_get(actor=actor, page_id=page_id, audit_read=False)
    return GuidancePage.objects.select_for_update().get(pk=page.pk)


@transaction.atomic
def guidance_update(*, actor: Any, page_id: Any, data: GuidanceData) -> GuidancePage:
    """Editing a page sends it back to draft: a changed text is reviewed again before the public sees it."""
    require(actor, "portal.write_guidance", "portal.guidancepage")
    page = _locked_page(actor, page_id)
    errors = _clean_guidance(data, page_id=page.pk)
    if errors:
        raise ValidationError(errors)
    for key, value in asdict(data).items():
        setattr(page, key, value)
    old = page.status
    page.status = GuidanceStatus.DRAFT
    page.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=page, detail={"from": old, "to": page.status})
    return page


def _page_move(actor: Any, page: GuidancePage, status: str, note: str = "") -> GuidancePage:
    old = page.status
    page.status = status
    page.review_note = note
    if status == GuidanceStatus.PUBLISHED:
        page.published_by = actor
        page.published_at = timezone.now()
    page.save(update_fields=["status", "review_note", "published_by", "published_at", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=page, detail={"from": old, "to": status})
    return page


@transaction.atomic
def guidance_submit(*, actor: Any, page_id: Any) -> GuidancePage:
    require(actor, "portal.write_guidance", "portal.guidancepage")
    page = _locked_page(actor, page_id)
    if page.status != GuidanceStatus.DRAFT:
        raise ValidationError({"__all__": [_("Only a draft can be sent for review.")]})
    return _page_move(actor, page, GuidanceStatus.IN_REVIEW)


@transaction.atomic
def guidance_publish(*, actor: Any, page_id: Any) -> GuidancePage:
    """Publish a reviewed page. The publisher is never the author (four eyes)."""
    require(actor, "portal.publish_guidance", "portal.guidancepage")
    page = _locked_page(actor, page_id)
    if page.status != GuidanceStatus.IN_REVIEW:
        raise ValidationError({"__all__": [_("Only a page in review can be published.")]})
    if page.author_id == actor.pk:
        raise ValidationError({"__all__": [_("Another staff member must publish the page you wrote.")]})
    return _page_move(actor, page, GuidanceStatus.PUBLISHED)


@transaction.atomic
def guidance_return(*, actor: Any, page_id: Any, note: str) -> GuidancePage:
    """Send a page in review back to its author, or take a published page down, with a note why."""
    require(actor, "portal.publish_guidance", "portal.guidancepage")
    page = _locked_page(actor, page_id)
    if page.status == GuidanceStatus.DRAFT:
        raise ValidationError({"__all__": [_("The page is already a draft.")]})
    note = _clean_reason(note, required=True)
    return _page_move(actor, page, GuidanceStatus.DRAFT, note)
