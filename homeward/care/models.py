"""Victim assistance: a care record per rescued person, with consent, placements, services, reunion and follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.care.crypto import EncryptedTextField
from homeward.core.models import JurisdictionalModel, TimeStampedModel


class Arrival(models.TextChoices):
    RESCUED = "rescued", _("Rescued by police")
    FOUND = "found", _("Found on the street")
    ABROAD = "abroad", _("Transferred from abroad")


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    PLACED = "placed", _("Placed")
    REUNION = "reunion", _("Reunion under way")
    REUNITED = "reunited", _("Reunited")
    LONG_TERM = "long_term", _("Long-term placement")
    REPATRIATED = "repatriated", _("Repatriated")
    CLOSED = "closed", _("Follow-up ended")


class Need(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    LEGAL = "legal", _("Legal")
    SCHOOLING = "schooling", _("Schooling")
    LANGUAGE = "language", _("Language")
    DISABILITY = "disability", _("Disability")


class CareRecord(JurisdictionalModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_records")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="care_records"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="care_records")
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_records"
    )
    institution = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="care_residents"
    )
    arrival = models.CharField(_("how they came"), max_length=10, choices=Arrival.choices)
    arrived_on = models.DateField(_("arrived on"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.RECEIVED)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    cross_border = models.BooleanField(_("cross-border victim"), default=False)
    identity_unknown = models.BooleanField(_("identity unknown"), default=False)
    abuse_details = EncryptedTextField(_("abuse details"), blank=True)
    health_notes = EncryptedTextField(_("health notes"), blank=True)
    psych_notes = EncryptedTextField(_("psychological notes"), blank=True)

    class Meta:
        ordering = ["-arrived_on", "-id"]

    def __str__(self) -> str:
        return f"care #{self.pk}"


class ConsentPurpose(models.TextChoices):
    PLACEMENT = "placement", _("Placement")
    SERVICES = "services", _("Services")
    DATA_SHARING = "data_sharing", _("Sharing data with partners")
    REUNION = "reunion", _("Contact with family")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("The person")
    GUARDIAN = "guardian", _("Guardian")


class Consent(TimeStampedModel):
    record = models.ForeignKey(CareRecord, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=16, choices=ConsentPurpose.choices)
    given_by = models.CharField(max_length=10, choices=ConsentGiver.choices)
    guardian_name = models.CharField(max_length=60, blank=True)
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)


class Institution(models.Model):
    """Capacity of a care institution (an accounts.Agency of a welfare/shelter/hospital type)."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="care_institution"
    )
    kind = models.CharField(max_length=40)
    capacity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return str(self.agency)


class Placement(TimeStampedModel):
    record = models.ForeignKey(CareRecord, on_delete=models.CASCADE, related_name="placements")
    institution = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    long_term = models.BooleanField(default=False)


class ServiceKind(models.TextChoices):
    MEDICAL = "medical", _("Medical care")
    COUNSELLING = "counselling", _("Psychological counselling")
    DISABILITY = "disability", _("Disability assessment")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SCHOOL = "school", _("School enrolment")
    VOCATIONAL = "vocational", _("Vocational training")
    JOB = "job", _("Job placement")
    LANGUAGE = "language", _("Language help")


class Service(TimeStampedModel):
    record = models.ForeignKey(CareRecord, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(max_length=12, choices=ServiceKind.choices)
    provider = models.CharField(max_length=120)
    provided_on = models.DateField()
    outcome = models.CharField(max_length=500, blank=True)


class ReunionState(models.TextChoices):
    ASSESSMENT = "assessment", _("Family assessment")
    MEETING = "meeting", _("Meeting")
    HANDED_OVER = "handed_over", _("Handed over")
    REFUSED = "refused", _("Refused: long-term placement")


class Reunion(TimeStampedModel):
    record = models.OneToOneField(CareRecord, on_delete=models.CASCADE, related_name="reunion")
    family_note = models.CharField(max_length=500, blank=True)
    # The confirmed family (the tracing report's person) and the tracing match that confirmed it, when known.
    family_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tracing_match_id = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=12, choices=ReunionState.choices, default=ReunionState.ASSESSMENT)
    home_safe = models.BooleanField(null=True)
    family_involved = models.BooleanField(null=True)
    assessed_on = models.DateField(null=True, blank=True)
    met_on = models.DateField(null=True, blank=True)
    handed_over_on = models.DateField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)


class FollowUp(TimeStampedModel):
    record = models.ForeignKey(CareRecord, on_delete=models.CASCADE, related_name="followups")
    due_on = models.DateField(db_index=True)
    done_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=1000, blank=True)
    school_attending = models.BooleanField(null=True)
    risks = models.CharField(max_length=500, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]


class HouseholdTask(TimeStampedModel):
    """Household registration for a person whose identity stays unknown after the legal period in an institution."""

    record = models.OneToOneField(CareRecord, on_delete=models.CASCADE, related_name="household_task")
    opened_on = models.DateField()
    documents = models.JSONField(default=list)  # [{"code": ..., "done": bool}]
    done_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["done_on", "opened_on"]
