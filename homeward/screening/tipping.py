"""The one place screening hands a confirmed post or cluster to the tips app.

The tips app has no public service for a tip entered by staff yet. Until it does (`tips.services.tip_submit_staff
(*, actor, data: TipData, idempotency_key: str) -> Receipt`, asked of the lead), this adapter runs the tips app's
own validation and intake with the staff channel, so routing, SLA, keys, timeline and the tips audit row are the
tips app's, not a copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class TipRef:
    id: int
    reference: str
    jurisdiction: str


CATEGORY_FOR_TIPS = {
    "illegal_adoption": "illegal_adoption",
    "bride_trafficking": "woman_trafficked",
    "forced_labour": "forced_labour",
    "minor_sexual_exploitation": "sexual_exploitation",
    "document_forgery": "online_post",
}


def tip_data(**kwargs: Any) -> Any:
    return import_module("homeward.tips.services").TipData(**kwargs)


def submit(*, actor: Any, data: Any, idempotency_key: str) -> TipRef:
    """Create the tip (inside the caller's transaction)."""
    services = import_module("homeward.tips.services")
    public = getattr(services, "tip_submit_staff", None)
    if public is not None:
        receipt = public(actor=actor, data=data, idempotency_key=idempotency_key)
    else:
        from homeward.tips.models import Channel

        clean = services._validated(data)
        receipt = services._intake(
            data=clean,
            channel=Channel.STAFF,
            idempotency_hash=None,
            body=services._body_hash(clean, {"screening": idempotency_key}),
            source="",
            reporter=actor,
        )
    return TipRef(int(receipt.tip.pk), str(receipt.reference), str(receipt.tip.jurisdiction))


def related_tips(*, actor: Any, kind: str, value: str) -> list[tuple[int, str]]:
    """Tips (not from screening) holding the same phone or ID number, when the tips app offers a selector."""
    selectors = import_module("homeward.tips.selectors")
    finder = getattr(selectors, "tips_with_key", None)
    if finder is None:
        return []
    tip_kind = {"phones": "phone", "id_numbers": "id_number"}.get(kind)
    if tip_kind is None:
        return []
    return [(int(t.pk), str(t.reference)) for t in finder(actor=actor, kind=tip_kind, value=value)]
