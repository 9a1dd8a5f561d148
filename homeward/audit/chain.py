"""How an audit row's hash is computed; the writer and the verifier share this one definition."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "agency_id_at_time",
    "ip",
    "user_agent",
    "channel",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "jurisdiction",
    "outcome",
    "purpose",
    "detail",
)


def row_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    at = payload["at"]
    # Timestamps are hashed as UTC microseconds so the database's own formatting does not matter.
    payload["at"] = int(at.timestamp() * 1_000_000) if at is not None else None
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
