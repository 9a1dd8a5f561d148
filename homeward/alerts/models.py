"""Missing-child rapid alerts: the alert, its photos, its CAP messages, partners, deliveries and sightings.

The child is a `people.Person`; an alert holds only what the public search needs beyond the person record
(height, clothing, last-seen place ...). Every sensitive row carries the owning agency's division code.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class AlertStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    FOUND = "found", _("found")
    FALSE_REPORT = "false_report", _("false report")
    EXPIRED = "expired", _("expired")


CLOSED_STATUSES = (AlertStatus.FOUND, AlertStatus.FALSE_REPORT)


class Circumstance(models.TextChoices):
    ABDUCTION = "abduction", _("abduction")
    LOST = "lost", _("lost")
    RUNAWAY = "runaway", _("runaway")
    UNKNOWN = "unknown", _("unknown")


class Alert(JurisdictionalModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.ACTIVE, db_index=True
    )
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    weight_kg = models.PositiveSmallIntegerField(_("weight (kg)"), null=True, blank=True)
    clothing = models.CharField(_("clothing"), max_length=500, blank=True)
    marks = models.CharField(_("distinctive marks"), max_length=500, blank=True)
    description = models.TextField(_("further description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    circumstances = models.CharField(
        _("circumstances"), max_length=12, choices=Circumstance.choices, default=Circumstance.UNKNOWN
    )
    suspect = models.CharField(_("suspect"), max_length=1000, blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=500, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"))
    last_seen_lat = models.FloatField(_("last seen latitude"))
    last_seen_lon = models.FloatField(_("last seen longitude"))
    last_seen_place = models.CharField(_("last seen place"), max_length=200, blank=True)
    last_seen_division = models.CharField(_("last seen division"), max_length=6)
    police_confirmed = models.BooleanField(_("confirmed by police"), default=False)
    contact_phone = models.CharField(_("public contact phone"), max_length=40, default="110")
    radius_km = models.FloatField(_("radius (km)"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    version = models.PositiveIntegerField(default=1)
    released_at = models.DateTimeField(_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.CharField(_("closing note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-released_at"]
        verbose_name = _("alert")
        indexes = [models.Index(fields=["status", "expires_at"], name="alert_status_expiry")]

    def __str__(self) -> str:
        return f"Alert {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == AlertStatus.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class AlertPhoto(models.Model):
    """A photo published with the alert. Served to the public only while the alert is active."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="alerts/photos/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of alert {self.alert_id}"


class AlertEventKind(models.TextChoices):
    RELEASED = "released", _("released")
    EDITED = "edited", _("edited")
    PHOTO_ADDED = "photo_added", _("photo added")
    RADIUS_GREW = "radius_grew", _("radius grew")
    RENEWED = "renewed", _("renewed")
    EXPIRED = "expired", _("expired")
    CLOSED = "closed", _("closed")
    REPLAYED = "replayed", _("delivery replayed")


class AlertEvent(models.Model):
    """The alert's timeline as officers read it: who released, edited, renewed or closed it, and when."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=AlertEventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} of alert {self.alert_id}"


class MessageKind(models.TextChoices):
    ALERT = "alert", _("release")
    UPDATE = "update", _("update")
    ALL_CLEAR = "all_clear", _("all clear (found)")
    CANCEL = "cancel", _("cancel")


class AlertMessage(models.Model):
    """One signed CAP 1.2 message of an alert, as published, with the webhook body built from it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    event_type = models.CharField(max_length=32)
    identifier = models.CharField(max_length=120, unique=True)
    sent = models.DateTimeField()
    xml = models.TextField()
    body = models.TextField(help_text="the JSON webhook body")
    radius_km = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["alert_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["alert", "seq"], name="alert_message_seq")]

    def __str__(self) -> str:
        return self.identifier

    @property
    def is_final(self) -> bool:
        return self.kind in (MessageKind.ALL_CLEAR, MessageKind.CANCEL)


class AlertPartner(JurisdictionalModel):
    """A partner platform's webhook endpoint. The secret is stored encrypted; it is shown once."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    endpoint_url = models.URLField(_("endpoint URL"), max_length=500)
    secret_enc = models.TextField()
    previous_secret_enc = models.TextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    region_codes = models.CharField(
        _("service region (division codes)"), max_length=1000, blank=True, help_text=_("empty = everywhere")
    )
    region_boxes = models.TextField(_("service region (boxes)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("alert partner")

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    SUPERSEDED = "superseded", _("superseded")
    DEAD = "dead", _("dead letter")


class Delivery(models.Model):
    """One CAP message to one partner, retried on the Standard Webhooks schedule with a stable webhook-id."""

    partner = models.ForeignKey(AlertPartner, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(AlertMessage, on_delete=models.CASCADE, related_name="deliveries")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    msg_id = models.CharField(max_length=140)
    state = models.CharField(
        max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    horizon = models.DateTimeField(help_text="retries stop here")
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    replays = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "message"], name="delivery_once_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.msg_id} -> partner {self.partner_id}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"


class SightingStatus(models.TextChoices):
    NEW = "new", _("new")
    USEFUL = "useful", _("useful")
    NOT_USEFUL = "not_useful", _("not useful")
    DUPLICATE = "duplicate", _("duplicate")


class FollowUp(models.TextChoices):
    NONE = "", _("none")
    LEAD = "lead", _("lead")
    CASE_ACTION = "case_action", _("case action")


class Sighting(JurisdictionalModel):
    """A member of the public's "I saw this child" report. Contact details are personal data."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="sightings")
    seen_at = models.DateTimeField(_("seen at"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    division = models.CharField(_("division"), max_length=6, blank=True)
    what_seen = models.TextField(_("what was seen"))
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    photo = models.FileField(upload_to="alerts/sightings/%Y/%m/", blank=True)
    photo_content_type = models.CharField(max_length=40, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SightingStatus.choices, default=SightingStatus.NEW
    )
    follow_up = models.CharField(_("follow-up"), max_length=12, choices=FollowUp.choices, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # What the follow-up made, in the apps that own it (ids, checked through their services when made).
    tip_id = models.BigIntegerField(null=True, blank=True)
    tip_reference = models.CharField(_("tip"), max_length=14, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_number = models.CharField(_("case"), max_length=24, blank=True)
    case_entry_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alert", "-created_at"], name="sighting_queue")]

    def __str__(self) -> str:
        return f"Sighting {self.pk} of alert {self.alert_id}"


class DemoReceipt(models.Model):
    """What the demo partner endpoint received (no personal data: ids, type and the signature check)."""

    received_at = models.DateTimeField(auto_now_add=True)
    webhook_id = models.CharField(max_length=140)
    event_type = models.CharField(max_length=32, blank=True)
    alert_ref = models.CharField(max_length=64, blank=True)
    msg_type = models.CharField(max_length=16, blank=True)
    verified = models.BooleanField()
    error = models.CharField(max_length=200, blank=True)
    body_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.webhook_id
