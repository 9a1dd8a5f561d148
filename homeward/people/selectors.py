"""Reads of person records, always through the jurisdiction check and the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.people.models import Person, PersonPhoto


def _require(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        audit.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type="people.person",
            detail={"perm": perm},
        )
        raise PermissionDenied


def person_get(*, actor: Any, person_id: Any, purpose: str = "", audit_read: bool = True) -> Person:
    """One person for `actor`; Http404 when missing or outside the actor's jurisdiction and grants.

    `audit_read=False` is for services that audit the write they load the person for.
    """
    _require(actor, "people.view_person")
    queryset = Person.objects.prefetch_related("names", "identifiers", "phones", "photos")
    return access.get_for_user(
        user=actor, queryset=queryset, pk=person_id, purpose=purpose, audit_read=audit_read
    )


def person_reference(*, person_id: Any) -> Person | None:
    """The person row behind an id handed over by another service (e.g. tracing's confirmed family), or None.

    For linking only: no names or identifiers are loaded, and callers must not show the row. Reads of personal
    data go through `person_get`.
    """
    pk = int(person_id) if str(person_id).isdigit() else None
    return Person.objects.only("pk", "jurisdiction").filter(pk=pk).first() if pk is not None else None


def person_list(*, actor: Any, query: str = "", limit: int = 200) -> QuerySet[Person]:
    """People the actor may see, newest first, optionally searched by name, ID number or phone. Audited."""
    _require(actor, "people.view_person")
    people = access.visible_to(actor, Person.objects.prefetch_related("names"))
    query = query.strip()
    if query:
        people = people.filter(
            Q(names__name__icontains=query)
            | Q(identifiers__value=query.upper())
            | Q(phones__number__contains=query)
        ).distinct()
        audit.record(
            actor=actor, action=AuditAction.SEARCH, object_type="people.person", detail={"query": query}
        )
    return people.order_by("-created_at")[:limit]


def person_photo_get(*, actor: Any, photo_id: Any) -> PersonPhoto:
    photo = PersonPhoto.objects.select_related("person").filter(pk=photo_id).first()
    if photo is None:
        audit.record(
            actor=actor,
            action=AuditAction.READ,
            object_type="people.personphoto",
            object_id=str(photo_id)[:64],
            outcome=AuditOutcome.DENIED,
            detail={"reason": "not found"},
        )
        from django.http import Http404

        raise Http404("Not found")
    person_get(actor=actor, person_id=photo.person_id, purpose="view photo")
    return photo
