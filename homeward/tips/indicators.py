"""Counts of the tips app for the plan and analysis apps (the contract is in `homeward.core.indicators`).

`events(name, prefix=, start=, end=)` yields one (division code of the place, time) pair per counted fact, for
tips whose jurisdiction starts with `prefix` and whose time falls in [start, end).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from homeward.tips.models import Channel, Reward, RewardStatus, Status, Tip, TipTransfer, TransferStatus

INDICATORS = {
    "tips_received": _("Tips received from the public"),
    "mandatory_reports": _("Mandatory reports received"),
    "imminent_danger_tips": _("Tips reporting imminent danger"),
    "tips_acknowledged_late": _("Tips acknowledged after the deadline (or not yet, deadline passed)"),
    "tips_converted": _("Tips converted into cases"),
    "tips_transferred": _("Tips transferred to another jurisdiction"),
    "rewards_paid": _("Informant rewards paid"),
}


def events(name: str, *, prefix: str, start: datetime, end: datetime) -> Iterable[tuple[str, datetime]]:
    tips = Tip.objects.filter(jurisdiction__startswith=prefix)
    if name == "tips_received":
        rows = tips.exclude(channel=Channel.MANDATORY).filter(created_at__gte=start, created_at__lt=end)
        return rows.values_list("division_code", "created_at")
    if name == "mandatory_reports":
        rows = tips.filter(channel=Channel.MANDATORY, created_at__gte=start, created_at__lt=end)
        return rows.values_list("division_code", "created_at")
    if name == "imminent_danger_tips":
        rows = tips.filter(imminent_danger=True, created_at__gte=start, created_at__lt=end)
        return rows.values_list("division_code", "created_at")
    if name == "tips_acknowledged_late":
        window = tips.filter(ack_due_at__gte=start, ack_due_at__lt=end).exclude(status=Status.MERGED)
        late = window.filter(acknowledged_at__gt=F("ack_due_at")) | window.filter(
            acknowledged_at__isnull=True
        )
        return late.values_list("division_code", "ack_due_at")
    if name == "tips_converted":
        rows = tips.filter(status=Status.CONVERTED, updated_at__gte=start, updated_at__lt=end)
        return rows.values_list("division_code", "updated_at")
    if name == "tips_transferred":
        transfers = TipTransfer.objects.filter(
            jurisdiction__startswith=prefix,
            status=TransferStatus.ACCEPTED,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        return transfers.values_list("tip__division_code", "decided_at")  # type: ignore[return-value]
    if name == "rewards_paid":
        rewards = Reward.objects.filter(
            jurisdiction__startswith=prefix, status=RewardStatus.PAID, paid_at__gte=start, paid_at__lt=end
        )
        return rewards.values_list("tip__division_code", "paid_at")  # type: ignore[return-value]
    return []
