"""The one place screening hands a confirmed post or cluster to the tips app, through the tips app's public
service for a staff-entered tip (`tips.services.tip_submit_staff`) and its key search (`tips.selectors
.tips_with_key`): routing, SLA, keys, timeline and the tips audit row are the tips app's, not a copy.
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
    """Create the tip (inside the caller's transaction); the same key returns the tip made the first time."""
    services = import_module("homeward.tips.services")
    receipt = services.tip_submit_staff(
        actor=actor,
        data=data,
        idempotency_key=idempotency_key,
        origin={"app": "screening", "source": idempotency_key},
    )
    return TipRef(int(receipt.tip.pk), str(receipt.reference), str(receipt.tip.jurisdiction))


def related_tips(*, actor: Any, kind: str, value: str) -> list[tuple[int, str]]:
    """Tips holding the same phone or ID number that the actor may see."""
    tip_kind = {"phones": "phone", "id_numbers": "id_number"}.get(kind)
    if tip_kind is None:
        return []
    selectors = import_module("homeward.tips.selectors")
    return [
        (int(t.pk), str(t.reference))
        for t in selectors.tips_with_key(actor=actor, kind=tip_kind, value=value)
    ]
