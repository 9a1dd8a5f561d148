"""Stored analysis results: hotspot runs, early-warning scans and the warnings they raise.

Each record carries the jurisdiction of the area it is about (the area analysed, or the region a warning is for),
so that a county sees only its own warnings and a province the runs over its counties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class HotspotRun(JurisdictionalModel):
    """Getis-Ord Gi* over the counties of one area for one indicator and period (jurisdiction = the area)."""

    indicator = models.CharField(_("indicator"), max_length=80)
    indicator_label = models.CharField(_("indicator"), max_length=200, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (inclusive)"))
    permutations = models.PositiveIntegerField(_("permutations"), null=True, blank=True)
    alpha = models.FloatField(_("false discovery rate"), default=0.05)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    n_units = models.PositiveIntegerField(default=0)
    n_hot = models.PositiveIntegerField(default=0)
    n_cold = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField(default=0)
    unplaced_count = models.PositiveIntegerField(default=0)
    used_permutations = models.PositiveIntegerField(null=True, blank=True)
    min_detectable_cluster = models.PositiveIntegerField(null=True, blank=True)
    method = models.TextField(blank=True)
    basis = models.TextField(blank=True)
    # One dict per county: code, count, population, rate, ci, smoothed, z, p, q, kind.
    results = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hotspot run")

    def __str__(self) -> str:
        return f"hotspot run {self.pk} {self.indicator} {self.jurisdiction}"


class WarningScan(JurisdictionalModel):
    """One early-warning pass over the regions of an area for one week (jurisdiction = the area)."""

    indicators = models.JSONField(_("indicators"), default=list)
    week_start = models.DateField(_("week starting"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    assessed = models.PositiveIntegerField(default=0)
    quiet = models.PositiveIntegerField(default=0)
    short_history = models.PositiveIntegerField(default=0)
    raised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("early-warning scan")

    def __str__(self) -> str:
        return f"warning scan {self.pk} {self.jurisdiction} {self.week_start}"


class WarningStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")


class EarlyWarning(JurisdictionalModel):
    """An unusually high weekly count of one indicator in one region (jurisdiction = the region)."""

    scan = models.ForeignKey(WarningScan, null=True, on_delete=models.SET_NULL, related_name="warnings")
    indicator = models.CharField(_("indicator"), max_length=80)
    indicator_label = models.CharField(_("indicator"), max_length=200, blank=True)
    week_start = models.DateField(_("week starting"))
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"))
    threshold = models.PositiveIntegerField(_("threshold"))
    p_value = models.FloatField(_("probability of a count this high"))
    dispersion = models.FloatField(default=1.0)
    reference_weeks = models.PositiveIntegerField(default=0)
    years_back = models.PositiveSmallIntegerField(default=0)
    method = models.TextField(blank=True)
    basis = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-week_start", "-created_at"]
        verbose_name = _("early warning")
        constraints = [
            # A rerun of the same week does not raise the same warning twice.
            models.UniqueConstraint(
                fields=["indicator", "jurisdiction", "week_start"], name="analysis_warning_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"warning {self.pk} {self.indicator} {self.jurisdiction} {self.week_start}"

    @property
    def excess(self) -> float:
        return self.observed - self.expected


class SyntheticCount(models.Model):
    """Demo-only synthetic facts (never created under production settings); see `homeward.analysis.demo`."""

    indicator = models.CharField(max_length=40)
    code = models.CharField(max_length=6)
    at = models.DateTimeField()
    n = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["indicator", "at"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.code} {self.at:%Y-%m-%d} x{self.n}"
