"""Screened online posts, their seller groups (clusters), the leads found in them, reviewers' labels and the
risk models trained from those labels.

Lead values (phones, WeChat/QQ IDs, ID numbers, bank cards) are personal data: they live once in `Lead`, keyed
by an HMAC of the value so that they can be searched and linked without scanning plaintext, and are reached only
through the selectors, which mask them on lists and audit every full read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class Source(models.TextChoices):
    API = "api", _("partner platform (API)")
    UPLOAD = "upload", _("file upload")
    MANUAL = "manual", _("entered by staff")


class PostState(models.TextChoices):
    PENDING = "pending", _("waiting to be screened")
    SCREENED = "screened", _("screened")


class Verdict(models.TextChoices):
    TRAFFICKING = "trafficking", _("trafficking")
    NOT = "not", _("not trafficking")
    UNSURE = "unsure", _("unsure")


class RiskCategory(models.TextChoices):
    ILLEGAL_ADOPTION = "illegal_adoption", _("illegal adoption / child sale")
    BRIDE_TRAFFICKING = "bride_trafficking", _("bride trafficking")
    FORCED_LABOUR = "forced_labour", _("forced labour")
    MINOR_SEXUAL_EXPLOITATION = "minor_sexual_exploitation", _("sexual exploitation of minors")
    DOCUMENT_FORGERY = "document_forgery", _("document forgery")


class LeadKind(models.TextChoices):
    PHONE = "phones", _("phone")
    WECHAT = "wechat", _("WeChat ID")
    QQ = "qq", _("QQ number")
    ID_NUMBER = "id_numbers", _("resident ID number")
    BANK_CARD = "bank_cards", _("bank card")


class IngestBatch(JurisdictionalModel):
    """One push, upload or manual entry: who sent what, and what was refused (line numbers, never the text)."""

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    filename = models.CharField(_("file"), max_length=200, blank=True)
    received = models.PositiveIntegerField(_("lines received"), default=0)
    accepted = models.PositiveIntegerField(_("posts accepted"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    errors = models.JSONField(_("refused lines"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ingest batch")


class Cluster(JurisdictionalModel):
    """A seller's campaign: near-duplicate posts and posts sharing a contact. Identified by its first post.

    Its jurisdiction is the lowest division containing all its posts' jurisdictions."""

    anchor = models.OneToOneField(
        "screening.Post", on_delete=models.PROTECT, related_name="anchored_cluster", null=True
    )
    size = models.PositiveIntegerField(_("posts"), default=0)
    max_risk = models.FloatField(_("highest risk"), default=0.0, db_index=True)
    template = models.JSONField(default=dict, blank=True)
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=RiskCategory.choices, blank=True)
    tip_id = models.BigIntegerField(_("tip"), null=True, blank=True)
    tip_reference = models.CharField(_("tip receipt"), max_length=20, blank=True)

    class Meta:
        ordering = ["-max_risk", "-size", "pk"]
        verbose_name = _("cluster")

    def __str__(self) -> str:
        return f"C{self.pk}"


class Post(JurisdictionalModel):
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="posts")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # Deduplication key of the sender: a partner's retried push of the same id is not a second post.
    origin = models.CharField(max_length=40)
    external_id = models.CharField(_("platform's id"), max_length=100, blank=True)
    platform = models.CharField(_("platform"), max_length=60, blank=True)
    author = models.CharField(_("account"), max_length=100, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    text = models.TextField(_("text as posted"))
    # A partner's post without a place: routed to the division its content points to once screened.
    route_from_content = models.BooleanField(default=False)
    normalised = models.TextField(_("normalised text"), blank=True)
    state = models.CharField(
        max_length=10, choices=PostState.choices, default=PostState.PENDING, db_index=True
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    risk = models.FloatField(_("risk"), default=0.0, db_index=True)
    categories = models.JSONField(default=list, blank=True)
    category_scores = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # Places and amounts found (not personal); lead values live in Lead.
    facts = models.JSONField(default=dict, blank=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=RiskCategory.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    tip_id = models.BigIntegerField(_("tip"), null=True, blank=True)
    tip_reference = models.CharField(_("tip receipt"), max_length=20, blank=True)

    class Meta:
        ordering = ["-risk", "pk"]
        verbose_name = _("post")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "external_id"],
                condition=~models.Q(external_id=""),
                name="screening_post_origin_external_unique",
            )
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"


class Lead(models.Model):
    """One lead value, once: found in posts (PostLead) and attached to tips (LeadTip)."""

    kind = models.CharField(_("kind"), max_length=12, choices=LeadKind.choices)
    value_hash = models.CharField(max_length=64)
    value = models.CharField(_("value"), max_length=64)
    masked = models.CharField(_("masked"), max_length=64)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lead")
        constraints = [models.UniqueConstraint(fields=["kind", "value_hash"], name="screening_lead_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.masked}"


class PostLead(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_leads")
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="post_leads")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "lead", "start"], name="screening_postlead_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.lead_id}@{self.start}"


class LeadTip(models.Model):
    """A lead handed to the tips app with a tip (the tip's jurisdiction decides who may follow the link)."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="lead_tips")
    tip_id = models.BigIntegerField()
    tip_reference = models.CharField(max_length=20)
    jurisdiction = models.CharField(max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lead", "tip_id"], name="screening_leadtip_unique")]

    def __str__(self) -> str:
        return f"{self.lead_id}→{self.tip_reference}"


class Label(models.Model):
    """A reviewer's decision on a post (the post's current verdict is copied onto it); history kept."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="labels")
    cluster = models.ForeignKey(Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    category = models.CharField(_("category"), max_length=30, choices=RiskCategory.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.verdict}"


class RiskModelVersion(models.Model):
    """A trained risk model (the engine's JSON). The newest active version scores new posts."""

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    params = models.JSONField()
    training_size = models.PositiveIntegerField(default=0)
    label_counts = models.JSONField(default=dict)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"
