"""The anti-trafficking DNA database: samples, STR profiles, Y-STR haplotypes, searches, candidates, reviews.

No table here holds a name or an ID number. A sample is an accession number with a category, the collecting
agency, the kit and dates; the link from an accession to a person lives in tracing/care.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class Category(models.TextChoices):
    # Reference side: parents and relatives of one missing child, grouped as a family.
    FATHER = "father", _("father of a missing child")
    MOTHER = "mother", _("mother of a missing child")
    SIBLING = "sibling", _("full sibling of a missing child")
    PATERNAL_GRANDFATHER = "paternal_grandfather", _("paternal grandfather")
    PATERNAL_GRANDMOTHER = "paternal_grandmother", _("paternal grandmother")
    MATERNAL_GRANDFATHER = "maternal_grandfather", _("maternal grandfather")
    MATERNAL_GRANDMOTHER = "maternal_grandmother", _("maternal grandmother")
    PATERNAL_UNCLE = "paternal_uncle", _("paternal uncle")
    PATERNAL_AUNT = "paternal_aunt", _("paternal aunt")
    MATERNAL_UNCLE = "maternal_uncle", _("maternal uncle")
    MATERNAL_AUNT = "maternal_aunt", _("maternal aunt")
    # Query side.
    CHILD_UNKNOWN_ORIGIN = "child_unknown_origin", _("child of unknown origin")
    RESCUED_CHILD = "rescued_child", _("rescued child")
    ADULT_SEEKING_FAMILY = "adult_seeking_family", _("adult searching for birth family")
    UNIDENTIFIED_REMAINS = "unidentified_remains", _("unidentified remains")


QUERY_CATEGORIES = frozenset(
    {
        Category.CHILD_UNKNOWN_ORIGIN,
        Category.RESCUED_CHILD,
        Category.ADULT_SEEKING_FAMILY,
        Category.UNIDENTIFIED_REMAINS,
    }
)
REFERENCE_CATEGORIES = frozenset(set(Category.values) - set(QUERY_CATEGORIES))
# Categories a family may hold only once (the pedigree has one of each).
SINGLE_IN_FAMILY = frozenset(
    {
        Category.FATHER,
        Category.MOTHER,
        Category.PATERNAL_GRANDFATHER,
        Category.PATERNAL_GRANDMOTHER,
        Category.MATERNAL_GRANDFATHER,
        Category.MATERNAL_GRANDMOTHER,
    }
)
# Reference categories whose Y chromosome is the missing boy's paternal line.
PATERNAL_LINE_MALES = frozenset(
    {Category.FATHER, Category.PATERNAL_GRANDFATHER, Category.PATERNAL_UNCLE, Category.SIBLING}
)
# Query categories that must be cleared before household registration.
REGISTRATION_CATEGORIES = frozenset({Category.CHILD_UNKNOWN_ORIGIN, Category.RESCUED_CHILD})


class Amelogenin(models.TextChoices):
    XY = "XY", _("male (X,Y)")
    XX = "XX", _("female (X)")
    UNKNOWN = "", _("not typed")


class SampleStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    WITHDRAWN = "withdrawn", _("withdrawn")


class FrequencyTable(models.Model):
    """Allele frequencies of one population, versioned. Exactly one table is active for searching."""

    name = models.CharField(_("name"), max_length=60)
    version = models.CharField(_("version"), max_length=20)
    population = models.CharField(_("population"), max_length=120, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size (N)"), null=True, blank=True)
    min_freq = models.CharField(_("minimum frequency rule"), max_length=20, default="5/2N")
    source = models.CharField(_("source"), max_length=200, blank=True)
    data = models.JSONField(_("frequencies"), default=dict)  # {locus: {allele: freq}}
    n_loci = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=False)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="dna_table_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class IndexState(models.Model):
    """One row: bumped whenever a stored profile leaves the database, so workers rebuild their index."""

    removals = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"index state (removals {self.removals})"


class Family(JurisdictionalModel):
    """The parents and relatives of one missing child: the reference side of the database."""

    reference = models.CharField(_("family number"), max_length=40, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    missing_since = models.DateField(_("child missing since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return self.reference


class Sample(JurisdictionalModel):
    accession = models.CharField(_("accession number"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    family = models.ForeignKey(
        Family,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="samples",
        verbose_name=_("family"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("collecting agency")
    )
    kit = models.CharField(_("kit"), max_length=60, blank=True)
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    typed_on = models.DateField(_("typed on"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=SampleStatus.choices, default=SampleStatus.ACTIVE)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    cleared_for_registration_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return self.accession

    @property
    def is_query(self) -> bool:
        return self.category in QUERY_CATEGORIES


class StrProfile(models.Model):
    """Autosomal STR genotypes of one sample: {locus: "a/b"} (a homozygote as "a/a"), amelogenin apart."""

    sample = models.OneToOneField(Sample, on_delete=models.CASCADE, related_name="profile")
    genotypes = models.JSONField(default=dict)
    amelogenin = models.CharField(max_length=2, choices=Amelogenin.choices, blank=True)
    kit = models.CharField(max_length=60, blank=True)
    n_loci = models.PositiveSmallIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, db_index=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"STR profile of {self.sample_id}"


class YHaplotype(models.Model):
    sample = models.OneToOneField(Sample, on_delete=models.CASCADE, related_name="y_haplotype")
    haplotype = models.JSONField(default=dict)  # {locus: "13" or "11-14" for multi-copy loci}
    n_loci = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Y-STR haplotype of {self.sample_id}"


class DuplicateFlag(models.Model):
    """A profile identical (on every shared locus) to one already stored: the same person sampled twice, twins,
    or a laboratory mix-up. An examiner resolves it."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="duplicate_flags")
    duplicate_of = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="+")
    shared_loci = models.PositiveSmallIntegerField(default=0)
    detected_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-detected_at"]
        constraints = [models.UniqueConstraint(fields=["sample", "duplicate_of"], name="dna_duplicate_once")]

    def __str__(self) -> str:
        return f"{self.sample_id} = {self.duplicate_of_id}"


class SearchKind(models.TextChoices):
    CHILD = "child", _("query profile against every parent, couple and family")
    FAMILIES = "families", _("new families against every query profile")


class SearchStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Search(JurisdictionalModel):
    kind = models.CharField(max_length=10, choices=SearchKind.choices)
    sample = models.ForeignKey(
        Sample, null=True, blank=True, on_delete=models.CASCADE, related_name="searches"
    )
    families = models.ManyToManyField(Family, blank=True, related_name="searches")
    status = models.CharField(max_length=10, choices=SearchStatus.choices, default=SearchStatus.QUEUED)
    automatic = models.BooleanField(default=True)
    purpose = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    n_shards = models.PositiveSmallIntegerField(default=1)
    shard_results = models.JSONField(default=dict, blank=True)  # {shard: serialised engine result}
    n_compared = models.JSONField(default=dict, blank=True)
    n_references = models.PositiveIntegerField(default=0)
    n_candidates = models.PositiveIntegerField(default=0)
    n_leads = models.PositiveIntegerField(default=0)
    table = models.ForeignKey(
        FrequencyTable, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signoff_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return f"search {self.pk} ({self.kind})"


class CandidateKind(models.TextChoices):
    DUO = "duo", _("single parent")
    TRIO = "trio", _("couple")
    FAMILY = "family", _("family with relatives")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", _("confirmed, waiting for countersignature")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


OPEN_STATUSES = (CandidateStatus.PENDING, CandidateStatus.AWAITING_COUNTERSIGNATURE)


class Candidate(JurisdictionalModel):
    """A query profile scored against a parent, a couple or a family. Jurisdiction is the query sample's;
    `reference_jurisdiction` is the family's, so both laboratories see it."""

    search = models.ForeignKey(Search, on_delete=models.CASCADE, related_name="candidates")
    query = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="candidates")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.CASCADE, related_name="candidates"
    )
    references = models.ManyToManyField(Sample, related_name="reference_candidates")
    reference_key = models.CharField(max_length=200)
    reference_jurisdiction = models.CharField(max_length=6, db_index=True)
    kind = models.CharField(max_length=8, choices=CandidateKind.choices)
    log10_lr = models.FloatField(null=True)  # None: LR = 0 (excluded)
    per_locus = models.JSONField(default=dict)
    n_loci = models.PositiveSmallIntegerField(default=0)
    n_inconsistent = models.PositiveSmallIntegerField(default=0)
    conclusion = models.CharField(max_length=32)
    reportable = models.BooleanField(default=False)
    status = models.CharField(max_length=26, choices=CandidateStatus.choices, default=CandidateStatus.PENDING)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-log10_lr"]
        constraints = [
            models.UniqueConstraint(fields=["query", "kind", "reference_key"], name="dna_candidate_once")
        ]
        indexes = [models.Index(fields=["status", "reportable"])]

    def __str__(self) -> str:
        return f"candidate {self.pk} ({self.kind})"

    @property
    def lr(self) -> float:
        return 0.0 if self.log10_lr is None else 10.0**self.log10_lr


class ReviewAction(models.TextChoices):
    CONFIRM = "confirm", _("confirmed")
    COUNTERSIGN = "countersign", _("countersigned")
    REJECT = "reject", _("rejected")


class Review(models.Model):
    """The examiners' decisions on a candidate, in order (the candidate's timeline)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="reviews")
    examiner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=12, choices=ReviewAction.choices)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of {self.candidate_id}"


class LineageLead(models.Model):
    """A Y-STR paternal-line lead: never a parentage conclusion."""

    search = models.ForeignKey(Search, on_delete=models.CASCADE, related_name="leads")
    query = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="lineage_leads")
    reference = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="+")
    mismatches = models.PositiveSmallIntegerField()
    steps = models.FloatField()
    loci_compared = models.PositiveSmallIntegerField()
    mismatching_loci = models.JSONField(default=dict)

    class Meta:
        ordering = ["mismatches", "steps", "-loci_compared"]
        constraints = [models.UniqueConstraint(fields=["query", "reference"], name="dna_lead_once")]

    def __str__(self) -> str:
        return f"lead {self.query_id} ~ {self.reference_id}"


class ImportBatch(JurisdictionalModel):
    """One uploaded file of profiles and what became of each row."""

    file_name = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=4)  # csv / json
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    n_rows = models.PositiveIntegerField(default=0)
    n_imported = models.PositiveIntegerField(default=0)
    n_refused_rows = models.PositiveIntegerField(default=0)
    imported = models.JSONField(default=list)  # accessions
    refused = models.JSONField(default=list)  # [{"line", "sample", "marker", "reason"}]
    duplicates = models.JSONField(default=list)  # [{"sample", "duplicate_of"}]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk}"
