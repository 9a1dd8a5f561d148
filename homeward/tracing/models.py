"""Family tracing: missing-person reports, found people, candidate pairs, self-registrations, fitted weights.

Where personal data lives: the person's names, sex, birth date and ID numbers are in `people.Person` (a report or
found record points to one). Tracing keeps only what matching needs and people does not model: 小名 as the family
remembers them, parents' and siblings' names as remembered, places, dialect, height, marks, clothing, memories,
circumstances, and the family's contact (shown only to the handling police). The DNA sample accession of either
side lives here too — never a profile. A self-registration from the public portal holds the registrant's own words
until the police verify it and create the person record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel

TEXT_MAX = 2000
LIST_MAX = 20


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("waiting for police verification")
    OPEN = "open", _("searching")
    FOUND = "found", _("found (confirmed by DNA)")
    CLOSED = "closed", _("closed")


class FoundKind(models.TextChoices):
    RESCUED = "rescued", _("rescued victim")
    UNKNOWN_ORIGIN = "unknown_origin", _("child of unknown origin (household registration)")
    STREET_CHILD = "street_child", _("street child in a shelter")
    ADULT_SEARCHING = "adult_searching", _("adult searching for birth family")


class FoundStatus(models.TextChoices):
    PENDING = "pending", _("waiting for police verification")
    OPEN = "open", _("searching")
    IDENTIFIED = "identified", _("identified (confirmed by DNA)")
    CLOSED = "closed", _("closed")


MATCHABLE_REPORT = (ReportStatus.OPEN,)
MATCHABLE_FOUND = (FoundStatus.OPEN,)


class MissingReport(JurisdictionalModel):
    """A missing-person report filed by the police for a family. Jurisdiction = the handling agency's division."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    handling_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth (when the date is unknown)"), null=True, blank=True
    )
    nicknames = models.JSONField(_("childhood nicknames (小名)"), default=list, blank=True)
    missing_date = models.DateField(_("date missing"), null=True, blank=True)
    missing_division = models.CharField(_("division where missing"), max_length=6, blank=True)
    missing_address = models.CharField(_("address where missing"), max_length=200, blank=True)
    missing_lat = models.FloatField(_("latitude"), null=True, blank=True)
    missing_lon = models.FloatField(_("longitude"), null=True, blank=True)
    father_name = models.CharField(_("father's name"), max_length=60, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=60, blank=True)
    sibling_names = models.JSONField(_("siblings' names"), default=list, blank=True)
    dialect = models.CharField(_("dialect"), max_length=40, blank=True)
    height_cm = models.FloatField(_("height when missing (cm)"), null=True, blank=True)
    marks = models.JSONField(_("distinctive marks"), default=list, blank=True)
    clothing = models.CharField(_("clothing"), max_length=300, blank=True)
    circumstances = models.TextField(_("circumstances"), max_length=TEXT_MAX, blank=True)
    family_contact_name = models.CharField(_("family contact"), max_length=60, blank=True)
    family_contact_phone = models.CharField(_("family contact phone"), max_length=20, blank=True)
    family_gave_dna = models.BooleanField(_("family gave DNA"), default=False)
    dna_accession = models.CharField(
        _("family's DNA sample accession"), max_length=40, blank=True, db_index=True
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("case"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("missing-person report")
        verbose_name_plural = _("missing-person reports")

    def __str__(self) -> str:
        return f"MR-{self.pk}"

    @property
    def engine_id(self) -> str:
        return f"m{self.pk}"


class FoundPerson(JurisdictionalModel):
    """A found, rescued or unidentified person looking for their family."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FoundKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=FoundStatus.choices, default=FoundStatus.OPEN, db_index=True
    )
    handling_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    age_min = models.PositiveSmallIntegerField(_("estimated age: from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("estimated age: to"), null=True, blank=True)
    found_date = models.DateField(_("date found"), null=True, blank=True)
    found_division = models.CharField(_("division where found"), max_length=6, blank=True)
    found_address = models.CharField(_("address where found"), max_length=200, blank=True)
    found_lat = models.FloatField(_("latitude"), null=True, blank=True)
    found_lon = models.FloatField(_("longitude"), null=True, blank=True)
    remembered_names = models.JSONField(_("remembered names"), default=list, blank=True)
    remembered_parents = models.JSONField(_("parents' names as remembered"), default=list, blank=True)
    remembered_places = models.JSONField(_("remembered places"), default=list, blank=True)
    dialect = models.CharField(_("dialect"), max_length=40, blank=True)
    height_cm = models.FloatField(_("height now (cm)"), null=True, blank=True)
    marks = models.JSONField(_("distinctive marks"), default=list, blank=True)
    memories = models.TextField(_("memories"), max_length=TEXT_MAX, blank=True)
    dna_accession = models.CharField(_("DNA sample accession"), max_length=40, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("found person")
        verbose_name_plural = _("found people")

    def __str__(self) -> str:
        return f"FP-{self.pk}"

    @property
    def engine_id(self) -> str:
        return f"f{self.pk}"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    NEEDS_DNA = "needs_dna", _("needs DNA comparison")
    EXCLUDED = "excluded", _("excluded")
    CONFIRMED = "confirmed", _("confirmed by DNA")


class Candidate(JurisdictionalModel):
    """A proposed pair. `jurisdiction` is the found person's, `report_jurisdiction` the report's; staff of either
    side see the candidate, but personal data only of the side they may see."""

    report = models.ForeignKey(MissingReport, on_delete=models.CASCADE, related_name="candidates")
    found = models.ForeignKey(FoundPerson, on_delete=models.CASCADE, related_name="candidates")
    report_jurisdiction = models.CharField(max_length=6, db_index=True)
    probability = models.FloatField(_("probability"))
    log_odds = models.FloatField(default=0.0)
    reasons = models.JSONField(default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CandidateStatus.choices,
        default=CandidateStatus.PENDING,
        db_index=True,
    )
    report_version = models.PositiveIntegerField(default=0)
    found_version = models.PositiveIntegerField(default=0)
    notified_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    dna_candidate_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "found"], name="tracing_candidate_unique_pair")
        ]
        verbose_name = _("candidate match")
        verbose_name_plural = _("candidate matches")

    def __str__(self) -> str:
        return f"C-{self.pk}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    VERIFIED = "verified", _("verified by the police")
    REJECTED = "rejected", _("not accepted")


class RegistrationKind(models.TextChoices):
    MISSING = "missing", _("a family looking for a missing relative")
    FOUND = "found", _("a person looking for their birth family")


class Registration(JurisdictionalModel):
    """A public self-registration (自主寻亲), for the chosen county's police to verify. Jurisdiction = that county."""

    kind = models.CharField(_("kind"), max_length=8, choices=RegistrationKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    receipt_code = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=128)
    name = models.CharField(_("name"), max_length=60)
    sex = models.CharField(_("sex"), max_length=8, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    report = models.OneToOneField(
        MissingReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="registration"
    )
    found = models.OneToOneField(
        FoundPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="registration"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("self-registration")
        verbose_name_plural = _("self-registrations")

    def __str__(self) -> str:
        return self.receipt_code


class FittedWeights(models.Model):
    """Weights re-estimated from reviewed pairs; the newest active row is used by the matcher."""

    created_at = models.DateTimeField(auto_now_add=True)
    weights = models.JSONField()
    confirmed_pairs = models.PositiveIntegerField()
    excluded_pairs = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"weights {self.pk}"
