"""Tips from the public and mandatory reports from sectors: intake, routing, queues, transfers, rewards.

A tip belongs to the police agency of its location (its `jurisdiction` is that agency's division). Who told us
(the informant's name and phone) is kept on the tip and shown only to the handling agency's investigators and
auditors; the receipt secret is stored only as a hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class Category(models.TextChoices):
    CHILD_MISSING = "child_missing", _("Child abducted or missing")
    CHILD_TRADE = "child_trade", _("Buying or selling a child")
    ILLEGAL_ADOPTION = "illegal_adoption", _("Illegal adoption offer")
    WOMAN_TRAFFICKED = "woman_trafficked", _("Woman trafficked or forced marriage")
    FORCED_LABOUR = "forced_labour", _("Forced labour or begging")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    ONLINE_POST = "online_post", _("Online trafficking post")
    CROSS_BORDER = "cross_border", _("Cross-border trafficking")
    OTHER = "other", _("Other")


CHILD_CATEGORIES = frozenset({Category.CHILD_MISSING, Category.CHILD_TRADE, Category.ILLEGAL_ADOPTION})


class Channel(models.TextChoices):
    PUBLIC_WEB = "public_web", _("public web form")
    PUBLIC_API = "public_api", _("public API")
    MANDATORY = "mandatory", _("mandatory report")
    STAFF = "staff", _("entered by staff")


class Status(models.TextChoices):
    RECEIVED = "received", _("received")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    INFO_REQUESTED = "info_requested", _("more information requested")
    TRANSFER_PENDING = "transfer_pending", _("transfer pending")
    CONVERTED = "converted", _("converted to a case")
    MERGED = "merged", _("merged into another tip")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.INFO_REQUESTED, Status.TRANSFER_PENDING}
)


class PublicStatus(models.TextChoices):
    """What the informant sees: never more than this."""

    RECEIVED = "received", _("received")
    BEING_CHECKED = "being_checked", _("being checked")
    PASSED_TO_POLICE = "passed_to_police", _("passed to police")
    CLOSED = "closed", _("closed")


class CloseReason(models.TextChoices):
    UNFOUNDED = "unfounded", _("checked: nothing found")
    RESOLVED = "resolved", _("resolved (person found, situation ended)")
    REFERRED = "referred", _("not trafficking: referred to another body")
    INSUFFICIENT = "insufficient", _("not enough information to act")
    SPAM = "spam", _("junk or abuse")


class Tip(JurisdictionalModel):
    reference = models.CharField(_("receipt code"), max_length=14, unique=True)
    secret_hash = models.CharField(max_length=64)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    category = models.CharField(_("what was seen"), max_length=24, choices=Category.choices)
    imminent_danger = models.BooleanField(_("imminent danger"), default=False)
    child_involved = models.BooleanField(_("a child is involved"), default=False)
    description = models.TextField(_("what happened"))
    seen_at = models.DateTimeField(_("when"), null=True, blank=True)
    address = models.CharField(_("where"), max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    division_code = models.CharField(_("place (division)"), max_length=6, db_index=True)
    location_source = models.CharField(max_length=12)  # point, address, code, reporter
    people_involved = models.TextField(_("people involved"), blank=True)
    vehicles = models.TextField(_("vehicles involved"), blank=True)
    informant_name = models.CharField(_("informant's name"), max_length=60, blank=True)
    informant_phone = models.CharField(_("informant's phone"), max_length=20, blank=True)
    # Mandatory reports: who reported, for which sector, with the sector's own fields.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tip_reports"
    )
    reporter_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="tip_reports"
    )
    sector = models.CharField(_("sector"), max_length=32, blank=True)
    sector_details = models.JSONField(default=dict, blank=True)
    # Triage
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="tips"
    )
    status = models.CharField(_("status"), max_length=18, choices=Status.choices, default=Status.RECEIVED)
    priority = models.IntegerField(_("priority"), default=0, db_index=True)
    spam_score = models.FloatField(_("spam score"), default=0.0)
    repeat_count = models.PositiveIntegerField(default=0)
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    action_due_at = models.DateTimeField(_("first action by"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_action_at = models.DateTimeField(null=True, blank=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_tips"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_tips"
    )
    case_ref = models.CharField(_("case"), max_length=40, blank=True)
    alert_ref = models.CharField(_("alert"), max_length=40, blank=True)
    # Where a staff-entered tip came from in another app, e.g. {"app": "alerts", "alert": 12, "sighting": 34}.
    origin = models.JSONField(default=dict, blank=True)
    close_reason = models.CharField(
        _("reason closed"), max_length=14, choices=CloseReason.choices, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Intake bookkeeping: idempotency, rate limits (a keyed hash of the address, never the address itself).
    idempotency_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    body_hash = models.CharField(max_length=64, blank=True)
    source_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-priority", "created_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [
            models.Index(fields=["agency", "status", "-priority"], name="tip_queue"),
            models.Index(fields=["source_hash", "created_at"], name="tip_source_recent"),
            models.Index(fields=["division_code", "created_at"], name="tip_place_recent"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_anonymous(self) -> bool:
        return self.channel != Channel.MANDATORY and not (self.informant_name or self.informant_phone)


class TipKeyKind(models.TextChoices):
    PHONE = "phone", _("phone")
    ID_NUMBER = "id_number", _("ID number")
    PLATE = "plate", _("vehicle plate")


class TipKey(models.Model):
    """Normalised phones, ID numbers and plates found in a tip, for finding related tips by an index."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=10, choices=TipKeyKind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="tipkey_lookup")]
        constraints = [models.UniqueConstraint(fields=["tip", "kind", "value"], name="tipkey_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    ROUTED = "routed", _("routed")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    INFO_REQUESTED = "info_requested", _("more information requested")
    INFORMANT_ADDED = "informant_added", _("informant added information")
    TRANSFER_REQUESTED = "transfer_requested", _("transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
    TRANSFER_DECLINED = "transfer_declined", _("transfer declined")
    MERGED = "merged", _("merged")
    LINKED = "linked", _("linked")
    ESCALATED = "escalated", _("escalated")
    ALERT_LINKED = "alert_linked", _("attached to an alert")
    CONVERTED = "converted", _("converted to a case")
    CLOSED = "closed", _("closed")
    REWARD = "reward", _("reward")
    NOTE = "note", _("note")


class TipEvent(models.Model):
    """The tip's timeline, as staff read it. `public` events are also shown to the informant."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.kind}"


class TipAttachment(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tips/%Y/%m/")
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    name = models.CharField(max_length=120, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attachment {self.pk} of tip {self.tip_id}"


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", _("duplicate (merged)")
    RELATED = "related", _("related")


class TipLink(models.Model):
    """Two tips that belong together. A merge keeps both tips as they were and records the link."""

    from_tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="links_out")
    to_tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["from_tip", "to_tip"], name="tiplink_unique")]

    def __str__(self) -> str:
        return f"{self.from_tip_id} -{self.kind}-> {self.to_tip_id}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the receiving agency")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class TipTransfer(JurisdictionalModel):
    """线索移送: handing a tip to another jurisdiction. Both sides see it (`jurisdiction` and `to_jurisdiction`)."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="transfers")
    from_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    to_jurisdiction = models.CharField(max_length=6, db_index=True)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tip"], condition=models.Q(status="pending"), name="tiptransfer_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk} of tip {self.tip_id}"


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CLAIMED = "claimed", _("claimed by the informant")
    PAID = "paid", _("paid")


class Reward(JurisdictionalModel):
    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="rewards")
    amount_yuan = models.PositiveIntegerField(_("amount (yuan)"))
    outcome = models.CharField(_("what the tip led to"), max_length=300)
    status = models.CharField(max_length=10, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    claim_code_hash = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_ref = models.CharField(_("payment reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"reward {self.pk} for tip {self.tip_id}"
