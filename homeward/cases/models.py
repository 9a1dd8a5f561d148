"""Criminal cases: case groups under "one leader, three responsibilities", people on cases, the evidence and
actions log, the timeline, supervision by higher levels, cross-border cooperation and judicial stages.

Every record that names a case belongs to the case's jurisdiction; reads go through `cases.selectors`, which
lets case-group members in other counties in and answers everyone else outside the jurisdiction with a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class CaseType(models.TextChoices):
    TRAFFICKING_WOMEN = "trafficking_women", _("trafficking women")
    TRAFFICKING_CHILDREN = "trafficking_children", _("trafficking children")
    BUYING = "buying", _("buying trafficked persons")
    OBSTRUCTING_RESCUE = "obstructing_rescue", _("obstructing rescue")
    PROSTITUTION = "prostitution", _("organising or forcing prostitution")
    FORCED_LABOUR = "forced_labour", _("forced labour")
    FORCED_BEGGING = "forced_begging", _("forcing children or disabled people to beg or commit crimes")
    ORGAN_TRAFFICKING = "organ_trafficking", _("organ trafficking")
    ONLINE_TRAFFICKING = "online_trafficking", _("online trafficking")
    OTHER = "other", _("other")


# Case types that need a case group with a qualified leader from registration on (一长三包).
CHILD_CASE_TYPES = frozenset({CaseType.TRAFFICKING_CHILDREN})


class CaseStatus(models.TextChoices):
    OPEN = "open", _("under investigation")
    SOLVED = "solved", _("solved")
    CLOSED = "closed", _("closed")


class JudicialStage(models.TextChoices):
    INVESTIGATION = "investigation", _("police investigation")
    TRANSFERRED = "transferred", _("transferred to the procuratorate")
    INDICTED = "indicted", _("indicted")
    JUDGED = "judged", _("judged")


JUDICIAL_ORDER = [
    JudicialStage.INVESTIGATION,
    JudicialStage.TRANSFERRED,
    JudicialStage.INDICTED,
    JudicialStage.JUDGED,
]


class Case(JurisdictionalModel):
    number = models.CharField(_("case number"), max_length=24, unique=True)
    case_type = models.CharField(_("type"), max_length=24, choices=CaseType.choices)
    summary = models.TextField(_("summary"), max_length=4000)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    reported_on = models.DateField(_("reported"))
    registered_on = models.DateField(_("registered"), db_index=True)
    solved_on = models.DateField(_("solved"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    cross_border = models.BooleanField(_("cross-border"), default=False)
    countries = models.JSONField(_("countries involved"), default=list, blank=True)
    judicial_stage = models.CharField(
        _("judicial stage"),
        max_length=16,
        choices=JudicialStage.choices,
        default=JudicialStage.INVESTIGATION,
    )
    transferred_on = models.DateField(_("transferred to the procuratorate"), null=True, blank=True)
    indicted_on = models.DateField(_("indicted"), null=True, blank=True)
    judged_on = models.DateField(_("judged"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number

    @property
    def is_child_case(self) -> bool:
        return self.case_type in CHILD_CASE_TYPES


class CaseGroup(models.Model):
    """The case group (专案组). Its leader answers for solving the case, rescuing the child, comforting the family."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="group")
    formed_at = models.DateTimeField(auto_now_add=True)
    dissolved_at = models.DateTimeField(null=True, blank=True)
    dissolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"group of {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.dissolved_at is None


class MemberRole(models.TextChoices):
    LEADER = "leader", _("leader")
    MEMBER = "member", _("member")


class CaseGroupMember(models.Model):
    group = models.ForeignKey(CaseGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_groups")
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=models.Q(removed_at__isnull=True), name="case_member_once"
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(removed_at__isnull=True, role="leader"),
                name="case_one_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class DutyKind(models.TextChoices):
    SOLVE = "solve", _("solve the case")
    RESCUE = "rescue", _("rescue the child")
    COMFORT = "comfort", _("comfort the family")


class CaseDuty(models.Model):
    """One of the leader's three responsibilities, tracked until done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(_("duty"), max_length=8, choices=DutyKind.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_duty_once")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.case_id}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class CaseReview(models.Model):
    """A periodic review of an unsolved case, due to the leader; escalates up the divisions when missed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField(_("due"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("review notes"), max_length=4000, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)
    # How many levels above the case's agency it has been escalated to (0 = not escalated).
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.CharField(max_length=6, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="open"), name="case_one_open_review"
            )
        ]

    def __str__(self) -> str:
        return f"review of {self.case_id} due {self.due_on}"


class CaseRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    SUSPECT = "suspect", _("suspect")
    BUYER = "buyer", _("buyer")
    WITNESS = "witness", _("witness")
    RELATIVE = "relative", _("relative")


DEFENDANT_ROLES = frozenset({CaseRole.SUSPECT, CaseRole.BUYER})


class VictimStatus(models.TextChoices):
    MISSING = "missing", _("missing")
    RESCUED = "rescued", _("rescued")
    ACCOUNTED = "accounted", _("otherwise accounted for")


class CasePerson(models.Model):
    """A person record (people.Person) with a role on one case. The same person can be on several cases."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField(_("role"), max_length=10, choices=CaseRole.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    # Victims only
    is_child = models.BooleanField(_("child"), default=False)
    victim_status = models.CharField(
        _("victim status"), max_length=10, choices=VictimStatus.choices, blank=True
    )
    status_on = models.DateField(_("rescued or accounted for on"), null=True, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    taken_from = models.CharField(_("taken from (division)"), max_length=6, blank=True)
    sold_to = models.CharField(_("sold to (division)"), max_length=6, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="case_person_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} as {self.role} on {self.case_id}"


class Vehicle(models.Model):
    """A vehicle a suspect used, as found in this case's investigation."""

    case_person = models.ForeignKey(CasePerson, on_delete=models.CASCADE, related_name="vehicles")
    plate = models.CharField(_("plate"), max_length=12, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.plate


class LinkRelation(models.TextChoices):
    ACCOMPLICE = "accomplice", _("accomplice of")
    ORGANISER = "organiser", _("organiser of")
    RECRUITER = "recruiter", _("recruited for")
    TRANSPORTER = "transporter", _("transported for")
    SELLER = "seller", _("sold to")
    FAMILY = "family", _("family of")
    OTHER = "other", _("other link to")


class SuspectLink(models.Model):
    """A link between two suspects (or buyers) on a case: the gang's structure."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspect_links")
    source = models.ForeignKey(CasePerson, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(CasePerson, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(_("relation"), max_length=12, choices=LinkRelation.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "relation"], name="suspect_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation} {self.target_id}"


class EntryKind(models.TextChoices):
    EVIDENCE = "evidence", _("evidence")
    INTERVIEW = "interview", _("interview")
    SEARCH = "search", _("search or inspection")
    ARREST = "arrest", _("arrest")
    RESCUE = "rescue", _("rescue")
    FAMILY = "family", _("family contact")
    ACTION = "action", _("other action")


class CaseEntry(models.Model):
    """An entry in the evidence and actions log."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    text = models.TextField(_("what"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class CaseAttachment(models.Model):
    entry = models.ForeignKey(CaseEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("case registered")
    UPDATED = "updated", _("case details changed")
    GROUP_FORMED = "group_formed", _("case group formed")
    MEMBER_ADDED = "member_added", _("member joined the case group")
    MEMBER_REMOVED = "member_removed", _("member left the case group")
    LEADER_CHANGED = "leader_changed", _("case group leader changed")
    GROUP_DISSOLVED = "group_dissolved", _("case group dissolved")
    DISSOLVE_REFUSED = "dissolve_refused", _("dissolving the case group was refused")
    PERSON_ADDED = "person_added", _("person added to the case")
    VICTIM_STATUS = "victim_status", _("victim status changed")
    VEHICLE_ADDED = "vehicle_added", _("vehicle recorded")
    LINK_ADDED = "link_added", _("suspects linked")
    ENTRY_ADDED = "entry_added", _("log entry")
    DUTY_DONE = "duty_done", _("leader duty fulfilled")
    REVIEW_DONE = "review_done", _("periodic review held")
    REVIEW_ESCALATED = "review_escalated", _("missed review escalated")
    SOLVED = "solved", _("case solved")
    CLOSED = "closed", _("case closed")
    CLOSE_REFUSED = "close_refused", _("closing the case was refused")
    LINKED = "linked", _("linked record")
    CROSS_BORDER = "cross_border", _("cross-border track changed")
    COOPERATION = "cooperation", _("international cooperation")
    REPATRIATION = "repatriation", _("repatriation step")
    JUDICIAL = "judicial", _("judicial stage")
    SENTENCE = "sentence", _("sentence recorded")
    SUPERVISION = "supervision", _("supervision")


class CaseEvent(models.Model):
    """A domain event on the case's timeline (what users read), apart from the audit log (for auditors)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    text = models.CharField(max_length=1000, blank=True)
    case_person = models.ForeignKey(
        CasePerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry = models.ForeignKey(CaseEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class LinkKind(models.TextChoices):
    TIP = "tip", _("tip")
    ALERT = "alert", _("alert")
    DNA_MATCH = "dna_match", _("DNA match")
    TRACING_MATCH = "tracing_match", _("tracing match")


class CaseLink(models.Model):
    """A link to a record of another app (a tip, an alert, a DNA or tracing match), by its id.

    Only the fact and the examiner's conclusion are kept: never DNA profiles or likelihood ratios.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=14, choices=LinkKind.choices)
    target_id = models.CharField(_("record id"), max_length=64)
    note = models.CharField(_("note"), max_length=500, blank=True)
    confirmed_by = models.CharField(_("confirmed by (examiner)"), max_length=150, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    verified = models.BooleanField(default=False, help_text="checked against the owning app when linked")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "target_id"], name="case_link_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target_id}"


class Channel(models.TextChoices):
    LIAISON = "liaison", _("foreign police liaison")
    INTERPOL = "interpol", _("Interpol channel")
    EMBASSY = "embassy", _("embassy or consulate")


class CooperationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ANSWERED = "answered", _("answered")
    REFUSED = "refused", _("refused")
    CLOSED = "closed", _("closed")


class CooperationRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cooperation_requests")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    country = models.CharField(_("country"), max_length=2)
    counterpart = models.CharField(_("addressed to"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("request"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=12, choices=CooperationStatus.choices, default=CooperationStatus.DRAFT
    )
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class CooperationReply(models.Model):
    request = models.ForeignKey(CooperationRequest, on_delete=models.CASCADE, related_name="replies")
    received_on = models.DateField(_("received"))
    text = models.TextField(_("reply"), max_length=4000)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"reply to {self.request_id}"


class RepatriationStep(models.TextChoices):
    STARTED = "started", _("repatriation opened")
    IDENTITY = "identity", _("identity confirmed")
    DOCUMENTS = "documents", _("travel documents issued")
    SCHEDULED = "scheduled", _("handover arranged")
    HANDED_OVER = "handed_over", _("handed over")


REPATRIATION_ORDER = [
    RepatriationStep.STARTED,
    RepatriationStep.IDENTITY,
    RepatriationStep.DOCUMENTS,
    RepatriationStep.SCHEDULED,
    RepatriationStep.HANDED_OVER,
]


class Repatriation(models.Model):
    """The repatriation track of a foreign victim."""

    case_person = models.OneToOneField(CasePerson, on_delete=models.CASCADE, related_name="repatriation")
    # The nationality confirmed for repatriation (ISO 3166-1 alpha-2); people.Person.nationality is not yet
    # writable through the people services, so the track keeps the confirmed one.
    nationality = models.CharField(_("nationality"), max_length=2)
    step = models.CharField(
        _("step"), max_length=12, choices=RepatriationStep.choices, default=RepatriationStep.STARTED
    )
    identity_confirmed_on = models.DateField(_("identity confirmed"), null=True, blank=True)
    identity_confirmed_by = models.CharField(_("identity confirmed by"), max_length=200, blank=True)
    document_kind = models.CharField(_("travel document"), max_length=100, blank=True)
    documents_issued_on = models.DateField(_("documents issued"), null=True, blank=True)
    handover_on = models.DateField(_("handover date"), null=True, blank=True)
    handover_place = models.CharField(_("handover place"), max_length=200, blank=True)
    receiving_organisation = models.CharField(_("receiving organisation"), max_length=200, blank=True)
    handed_over = models.BooleanField(_("handed over"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"repatriation of {self.case_person_id}"


class Penalty(models.TextChoices):
    FIXED_TERM = "fixed_term", _("fixed-term imprisonment")
    LIFE = "life", _("life imprisonment")
    DEATH_SUSPENDED = "death_suspended", _("death with reprieve")
    DEATH = "death", _("death")
    DETENTION = "detention", _("criminal detention")
    SURVEILLANCE = "surveillance", _("public surveillance")
    EXEMPT = "exempt", _("exempted from punishment")
    ACQUITTED = "acquitted", _("acquitted")


class Sentence(models.Model):
    """The court's judgement for one defendant."""

    case_person = models.OneToOneField(CasePerson, on_delete=models.CASCADE, related_name="sentence")
    court = models.CharField(_("court"), max_length=200)
    judged_on = models.DateField(_("judged on"))
    offence = models.CharField(_("offence"), max_length=24, choices=CaseType.choices)
    penalty = models.CharField(_("penalty"), max_length=16, choices=Penalty.choices)
    months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    fine_yuan = models.PositiveIntegerField(_("fine (yuan)"), null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"sentence of {self.case_person_id}"


class SupervisionStatus(models.TextChoices):
    ACTIVE = "active", _("under supervision")
    LIFTED = "lifted", _("lifted")


class Supervision(JurisdictionalModel):
    """A case or a region listed for supervision (挂牌督办) by a provincial or national agency.

    Its jurisdiction is the supervised case's or region's, so that the local agency sees it and reports on it.
    """

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="supervisions"
    )
    region = models.CharField(_("region"), max_length=6, blank=True)
    supervisor_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("supervising agency")
    )
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"), db_index=True)
    requirements = models.TextField(_("requirements"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=8, choices=SupervisionStatus.choices, default=SupervisionStatus.ACTIVE
    )
    overdue_since = models.DateField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.CharField(_("reason for lifting"), max_length=1000, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, region="")
                    | models.Q(case__isnull=True) & ~models.Q(region="")
                ),
                name="supervision_case_or_region",
            )
        ]

    def __str__(self) -> str:
        return f"supervision {self.pk}"


class SupervisionReport(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("progress"), max_length=4000)
    filed_at = models.DateTimeField(auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"report on {self.supervision_id}"
