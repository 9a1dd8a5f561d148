"""The action plan as data, and the work done against it.

`Measure` and `MeasureAgency` are the plan itself (public text, imported by `manage.py import_plan`). Everything an
agency writes against the plan — implementation plans, local adoptions, progress reports, activities, evaluations,
supervision listings and assessments — is a `JurisdictionalModel` owned by an agency's division and read only through
`plan.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel

AGENCY = "accounts.Agency"


class MeasureKind(models.TextChoices):
    MEASURE = "measure", _("measure")
    SUB_MEASURE = "sub_measure", _("sub-measure")


class Measure(models.Model):
    """A measure （n） or sub-measure —— of the plan, with its position code such as 二.(一).2.(1).3."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    pillar = models.CharField(_("pillar"), max_length=8)
    section = models.CharField(_("section"), max_length=16)
    section_title = models.CharField(_("section title"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(_("position in the plan"), db_index=True)
    agencies_from = models.CharField(max_length=16, default="own")
    line_no = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:78] + "…"


class Responsibility(models.TextChoices):
    LEAD = "lead", _("leads")
    COOPERATING = "cooperating", _("cooperates")


class MeasureAgency(models.Model):
    """An agency named on a measure's responsibility line, as written; `agency` is empty for the member group."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="responsibilities")
    name = models.CharField(_("agency as written"), max_length=120)
    agency = models.ForeignKey(
        AGENCY, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_responsibilities"
    )
    role = models.CharField(_("role"), max_length=12, choices=Responsibility.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["measure__position", "role", "position"]
        constraints = [models.UniqueConstraint(fields=["measure", "name"], name="plan_measure_agency_once")]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.name} ({self.role})"


# ---------------------------------------------------------------------------------------------------------
# Local adoption and implementation plans


class AdoptionKind(models.TextChoices):
    IMPLEMENTING_RULES = "implementing_rules", _("implementing rules")
    YEARLY_PLAN = "yearly_plan", _("yearly plan")


class LocalAdoption(JurisdictionalModel):
    """A province's or county's implementing rules or yearly plan, mapped to the national measures it carries out."""

    agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=AdoptionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"))
    summary = models.TextField(_("summary"), blank=True)
    measures = models.ManyToManyField(Measure, through="AdoptionMeasure", related_name="adoptions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-adopted_on", "pk"]

    def __str__(self) -> str:
        return self.title


class AdoptionMeasure(models.Model):
    adoption = models.ForeignKey(LocalAdoption, on_delete=models.CASCADE, related_name="mapped")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    local_text = models.TextField(_("local provision"), blank=True)

    class Meta:
        ordering = ["measure__position"]
        constraints = [
            models.UniqueConstraint(fields=["adoption", "measure"], name="plan_adoption_measure_once")
        ]

    def __str__(self) -> str:
        return f"{self.adoption_id}:{self.measure_id}"


class ImplementationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")


class ImplementationPlan(JurisdictionalModel):
    """An agency's yearly implementation plan for one measure."""

    agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="implementation_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    actions = models.TextField(_("actions"))
    responsible_unit = models.CharField(_("responsible unit"), max_length=120)
    budget_line = models.CharField(_("budget line"), max_length=120, blank=True)
    budget_amount = models.DecimalField(
        _("budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    adoption = models.ForeignKey(
        LocalAdoption, null=True, blank=True, on_delete=models.SET_NULL, related_name="implementation_plans"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImplementationStatus.choices, default=ImplementationStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "measure__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "measure", "year"], name="plan_one_implementation_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.measure.code}"


class PlanTarget(models.Model):
    """An indicator with its target in an implementation plan; `indicator_key` links a computed indicator."""

    plan = models.ForeignKey(ImplementationPlan, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    indicator_key = models.CharField(_("computed indicator"), max_length=60, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.target}{self.unit}"


# ---------------------------------------------------------------------------------------------------------
# Progress reports and activities


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for revision")
    ACCEPTED = "accepted", _("accepted")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    ON_TRACK = "on_track", _("on track")
    DELAYED = "delayed", _("delayed")
    COMPLETED = "completed", _("completed")


class ProgressReport(JurisdictionalModel):
    """The lead agency's report on one measure for one period; cooperating agencies add their parts."""

    agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="progress_reports")
    period = models.CharField(_("period"), max_length=8)  # 2025H1, 2025H2, 2025
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    progress = models.CharField(
        _("progress"), max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.ON_TRACK
    )
    work_done = models.TextField(_("what was done"), blank=True)
    problems = models.TextField(_("problems and next steps"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_comment = models.TextField(_("comments on return"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period_start", "measure__position"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "measure", "period"], name="plan_one_report_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.measure.code}"

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportFigure(models.Model):
    """A quantitative indicator in a report: typed in, or computed from the platform's data (`computed`)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="figures")
    name = models.CharField(_("indicator"), max_length=120)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    indicator_key = models.CharField(max_length=60, blank=True)
    computed = models.BooleanField(default=False)

    class Meta:
        ordering = ["computed", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.value}{self.unit}"


class ContributionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("contributed")


class ReportContribution(models.Model):
    """A cooperating agency's part of a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("our part"), blank=True)
    status = models.CharField(
        max_length=10, choices=ContributionStatus.choices, default=ContributionStatus.PENDING
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "agency"], name="plan_one_contribution_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.agency_id}"


class ReportEvent(models.Model):
    """The report's timeline as its authors read it (created, submitted, returned with comments, accepted)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class ActivityKind(models.TextChoices):
    PUBLICITY = "publicity", _("publicity campaign")
    TRAINING = "training", _("training")
    INTERNATIONAL = "international", _("international meeting or cooperation")
    INSPECTION = "inspection", _("inspection")
    OTHER = "other", _("other")


class Activity(JurisdictionalModel):
    """Work the platform cannot see by itself (campaigns, trainings, meetings), with counts and evidence."""

    agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("count"), default=0)
    count_unit = models.CharField(_("counted as"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    return f"plan/evidence/{instance.jurisdiction}/{instance.sha256[:16]}-{filename[-60:]}"


class EvidenceFile(JurisdictionalModel):
    """A file proving a report or an activity (photos, PDFs, scans); served only after the access check."""

    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------------------
# Evaluation


class EvaluationKind(models.TextChoices):
    MID_TERM = "mid_term", _("mid-term evaluation (2025)")
    FINAL = "final", _("final evaluation (2030)")
    OTHER = "other", _("special evaluation")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class EvaluationRound(JurisdictionalModel):
    """A mid-term or final evaluation of the plan in the coordinator's jurisdiction."""

    kind = models.CharField(_("kind"), max_length=10, choices=EvaluationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    assembled_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return self.title


class Dimension(models.TextChoices):
    MEASURE = "measure", _("measure")
    AGENCY = "agency", _("agency")
    REGION = "region", _("region")


class EvaluationItem(models.Model):
    """One measure, agency or region in a round: what the system assembled, and the evaluators' score."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="items")
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dimension", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "dimension", "key"], name="plan_evaluation_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key}"


# ---------------------------------------------------------------------------------------------------------
# Supervision (挂牌督办) and assessment


class ListingKind(models.TextChoices):
    REGION = "region", _("key region")
    CASE = "case", _("key case")


class ListingStatus(models.TextChoices):
    OPEN = "open", _("under supervision")
    RESOLVED = "resolved", _("resolved")
    WITHDRAWN = "withdrawn", _("withdrawn")


class SupervisionListing(JurisdictionalModel):
    """A region or case listed for supervision (挂牌督办). `jurisdiction` is the listed region's code."""

    kind = models.CharField(_("kind"), max_length=8, choices=ListingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    case_reference = models.CharField(_("case reference"), max_length=60, blank=True)
    reason = models.TextField(_("reason for listing"))
    requirements = models.TextField(_("what must be done"), blank=True)
    listed_by_agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField(_("listed on"))
    deadline = models.DateField(_("deadline"))
    warning_days = models.PositiveSmallIntegerField(_("warn this many days before"), default=14)
    status = models.CharField(max_length=10, choices=ListingStatus.choices, default=ListingStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title

    def state_on(self, today: object) -> str:
        """'overdue', 'warning', 'open' or the closed status, as of `today` (a date)."""
        from datetime import date, timedelta

        assert isinstance(today, date)
        if self.status != ListingStatus.OPEN:
            return str(self.status)
        if today > self.deadline:
            return "overdue"
        if today >= self.deadline - timedelta(days=self.warning_days):
            return "warning"
        return "open"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())


class SupervisionUpdate(models.Model):
    listing = models.ForeignKey(SupervisionListing, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.at:%Y-%m-%d}"


class SubjectKind(models.TextChoices):
    REGION = "region", _("region")
    AGENCY = "agency", _("agency")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class Assessment(JurisdictionalModel):
    """A yearly score of a region or agency within the safe-China assessment. `jurisdiction` is the subject's code."""

    year = models.PositiveSmallIntegerField(_("year"))
    subject_kind = models.CharField(_("assessed"), max_length=8, choices=SubjectKind.choices)
    subject_agency = models.ForeignKey(
        AGENCY, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "region:510107" or "agency:12": one assessment per subject and year (NULL agencies would not collide).
    subject_key = models.CharField(max_length=40)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    veto = models.BooleanField(_("one-vote veto (一票否决)"), default=False)
    veto_reason = models.TextField(_("reason for the veto"), blank=True)
    commendation = models.CharField(_("commendation"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(max_length=8, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    assessed_by_agency = models.ForeignKey(AGENCY, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "jurisdiction", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "subject_key"],
                name="plan_one_assessment_per_subject_year",
            )
        ]

    @property
    def effective_score(self) -> object:
        """The score that counts: zero under a one-vote veto."""
        return 0 if self.veto else self.score


class EvidenceKind(models.TextChoices):
    REPORT = "report", _("progress report")
    ACTIVITY = "activity", _("activity")
    LISTING = "listing", _("supervision listing")
    INDICATOR = "indicator", _("computed indicator")
    NOTE = "note", _("finding")


class AssessmentEvidence(models.Model):
    """What a score rests on: a report, an activity, a listing, a computed indicator value, or a written finding."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(
        SupervisionListing, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indicator_key = models.CharField(max_length=60, blank=True)
    indicator_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.TextField(_("finding"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.kind}"
