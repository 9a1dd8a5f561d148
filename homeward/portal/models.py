"""The public portal's own records: family-search registrations, DNA sampling points, guidance pages.

Where personal data lives: a family-search registration's name, phone and remembered details are kept by the
tracing app (`tracing.Registration` and its pending missing-person report or found-person record), which also
creates the `people.Person` when the police verify it. The portal keeps what the portal adds: the consents, the
public status the family follows with its receipt, the DNA sample accession (never a profile) and the police's
reasons.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class RegistrationKind(models.TextChoices):
    ADULT = "adult", _("I am an adult searching for my birth family")
    FAMILY = "family", _("We are a family searching for a missing child")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    VERIFIED = "verified", _("verified by the police")
    DNA_SAMPLED = "dna_sampled", _("DNA sampled")
    IN_COMPARISON = "in_comparison", _("in comparison")
    POSSIBLE_MATCH = "possible_match", _("possible match — please contact the police")
    CLOSED = "closed", _("closed")


# The order in which a registration moves on; "closed" can follow any of them.
STATUS_ORDER = [
    RegistrationStatus.REGISTERED,
    RegistrationStatus.VERIFIED,
    RegistrationStatus.DNA_SAMPLED,
    RegistrationStatus.IN_COMPARISON,
    RegistrationStatus.POSSIBLE_MATCH,
]


class FamilySearchRegistration(JurisdictionalModel):
    """自主寻亲登记: a registration from the public. Jurisdiction = the county the registrant chose."""

    kind = models.CharField(_("kind"), max_length=8, choices=RegistrationKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
        db_index=True,
    )
    tracing_registration = models.OneToOneField(
        "tracing.Registration", on_delete=models.PROTECT, related_name="portal_registration"
    )
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    consent_contact = models.BooleanField(_("consents to be contacted by the police"))
    consent_dna = models.BooleanField(_("consents to give a DNA sample"))
    dna_accession = models.CharField(_("DNA sample accession"), max_length=40, blank=True)
    rejected = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("family-search registration")
        verbose_name_plural = _("family-search registrations")

    def __str__(self) -> str:
        return self.receipt_code


class SamplingPoint(JurisdictionalModel):
    """A place (usually a police station) that takes blood samples for DNA comparison free of charge."""

    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)
    what_to_bring = models.CharField(_("what to bring"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["jurisdiction", "name"]
        verbose_name = _("DNA sampling point")
        verbose_name_plural = _("DNA sampling points")

    def __str__(self) -> str:
        return self.name


class GuidanceLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class GuidanceStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")


class GuidancePage(JurisdictionalModel):
    """A short public guidance page (Learn). Written in a small Markdown; published by a second staff member."""

    slug = models.SlugField(_("slug"), max_length=80)
    language = models.CharField(_("language"), max_length=8, choices=GuidanceLanguage.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), max_length=20000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=GuidanceStatus.choices,
        default=GuidanceStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="portal_guidance_slug_language")
        ]
        verbose_name = _("guidance page")
        verbose_name_plural = _("guidance pages")

    def __str__(self) -> str:
        return self.title


__all__ = [
    "STATUS_ORDER",
    "FamilySearchRegistration",
    "GuidanceLanguage",
    "GuidancePage",
    "GuidanceStatus",
    "RegistrationKind",
    "RegistrationStatus",
    "SamplingPoint",
]
