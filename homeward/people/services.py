"""Writes of person records. Each validates everything first, then writes and audits in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction
from homeward.people.models import (
    IdentifierKind,
    NameKind,
    Person,
    PersonIdentifier,
    PersonName,
    PersonPhone,
    PersonPhoto,
    Sex,
)
from homeward.people.selectors import person_get
from homeward.people.validators import clean_phone, clean_resident_id, known_regions
from homeward.regions.selectors import division_require

ALLOWED_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass
class PersonData:
    jurisdiction: str
    sex: str = Sex.UNKNOWN
    birth_date: date | None = None
    birth_year_min: int | None = None
    birth_year_max: int | None = None
    names: Sequence[tuple[str, str]] = field(default_factory=list)  # (name, NameKind)
    resident_ids: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    nationality: str = "CN"  # ISO 3166-1 alpha-2


def _validated(actor: Any, data: PersonData) -> tuple[PersonData, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    try:
        division_require(data.jurisdiction)
    except ValidationError as exc:
        err("jurisdiction", " ".join(exc.messages))
    else:
        if not access.in_jurisdiction(actor, data.jurisdiction):
            err("jurisdiction", _("You can only file records in your own jurisdiction."))
    if data.nationality not in known_regions():
        err(
            "nationality",
            _("Unknown country code %(code)r (ISO 3166-1 alpha-2, e.g. CN, VN).")
            % {"code": data.nationality},
        )
    if data.sex not in Sex.values:
        err("sex", _("Unknown sex %(sex)r.") % {"sex": data.sex})
    today = timezone.localdate()
    if data.birth_date and data.birth_date > today:
        err("birth_date", _("The date of birth is in the future."))
    for key in ("birth_year_min", "birth_year_max"):
        year = getattr(data, key)
        if year is not None and not 1900 <= year <= today.year:
            err(key, _("A birth year between 1900 and this year."))
    if data.birth_year_min and data.birth_year_max and data.birth_year_min > data.birth_year_max:
        err("birth_year_max", _("The latest birth year is before the earliest."))
    names: list[tuple[str, str]] = []
    for name, kind in data.names:
        name = (name or "").strip()
        if not name:
            continue
        if len(name) > 60:
            err("names", _("A name is at most 60 characters."))
        if kind not in NameKind.values:
            err("names", _("Unknown kind of name %(kind)r.") % {"kind": kind})
        names.append((name, kind))
    ids: list[str] = []
    for raw in data.resident_ids:
        if raw and raw.strip():
            try:
                ids.append(clean_resident_id(raw))
            except ValidationError as exc:
                err("resident_ids", f"{raw}: {' '.join(exc.messages)}")
    phones: list[str] = []
    for raw in data.phones:
        if raw and raw.strip():
            try:
                phones.append(clean_phone(raw))
            except ValidationError as exc:
                err("phones", f"{raw}: {' '.join(exc.messages)}")
    clean = PersonData(
        jurisdiction=data.jurisdiction,
        sex=data.sex,
        birth_date=data.birth_date,
        birth_year_min=data.birth_year_min,
        birth_year_max=data.birth_year_max,
        names=names,
        resident_ids=ids,
        phones=phones,
        nationality=data.nationality,
    )
    return clean, errors


@transaction.atomic
def person_create(*, actor: Any, data: PersonData) -> Person:
    if not actor.has_perm("people.add_person"):
        raise PermissionDenied
    clean, errors = _validated(actor, data)
    if errors:
        raise ValidationError(errors)
    person = Person.objects.create(
        jurisdiction=clean.jurisdiction,
        sex=clean.sex,
        birth_date=clean.birth_date,
        birth_year_min=clean.birth_year_min,
        birth_year_max=clean.birth_year_max,
        nationality=clean.nationality,
        created_by=actor,
    )
    _write_details(person, clean)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=person)
    return person


def _write_details(person: Person, clean: PersonData) -> None:
    PersonName.objects.bulk_create([PersonName(person=person, name=n, kind=k) for n, k in clean.names])
    PersonIdentifier.objects.bulk_create(
        [
            PersonIdentifier(person=person, kind=IdentifierKind.RESIDENT_ID, value=v)
            for v in clean.resident_ids
        ]
    )
    PersonPhone.objects.bulk_create([PersonPhone(person=person, number=p) for p in clean.phones])


def person_update(*, actor: Any, person_id: Any, data: PersonData) -> Person:
    """Replace a person's details. The jurisdiction cannot be moved out of the actor's own scope.

    Access is checked before the transaction opens, so that a refusal's audit row is not rolled back with it.
    """
    if not actor.has_perm("people.change_person"):
        raise PermissionDenied
    person = person_get(actor=actor, person_id=person_id, purpose="update", audit_read=False)
    clean, errors = _validated(actor, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _person_replace(actor=actor, person_id=person.pk, clean=clean)


def _person_replace(*, actor: Any, person_id: int, clean: PersonData) -> Person:
    person = Person.objects.select_for_update().get(pk=person_id)
    person.jurisdiction = clean.jurisdiction
    person.sex = clean.sex
    person.birth_date = clean.birth_date
    person.birth_year_min = clean.birth_year_min
    person.birth_year_max = clean.birth_year_max
    person.nationality = clean.nationality
    person.save(
        update_fields=[
            "jurisdiction",
            "sex",
            "birth_date",
            "birth_year_min",
            "birth_year_max",
            "nationality",
            "updated_at",
        ]
    )
    person.names.all().delete()
    person.identifiers.all().delete()
    person.phones.all().delete()
    _write_details(person, clean)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=person)
    return person


def clean_image(upload: UploadedFile) -> tuple[str, str]:
    """(content type, sha256) of an uploaded photo; ValidationError when it is not a real, small enough image."""
    if upload.size is None or upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)d MB.") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The file is not an image.")) from exc
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(_("Photos must be JPEG, PNG or WebP."))
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    return ALLOWED_IMAGE_FORMATS[image_format], digest


def person_photo_add(*, actor: Any, person_id: Any, upload: UploadedFile, caption: str = "") -> PersonPhoto:
    """Access is checked before the transaction opens, so that a refusal's audit row is not rolled back with it."""
    if not actor.has_perm("people.change_person"):
        raise PermissionDenied
    person = person_get(actor=actor, person_id=person_id, purpose="add photo", audit_read=False)
    content_type, digest = clean_image(upload)
    with transaction.atomic():
        photo = PersonPhoto(
            person=person, content_type=content_type, sha256=digest, caption=caption[:120], uploaded_by=actor
        )
        photo.image.save(f"{digest[:16]}.{content_type.split('/')[1]}", upload, save=False)
        photo.save()
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=person, detail={"photo_added": photo.pk})
    return photo
