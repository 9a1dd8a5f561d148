"""The scan pipeline behind the CLI: normalise, extract, score and cluster a batch of posts.

Input records are ``{"id", "text", "posted_at"?, "platform"?, "author"?}``; :func:`parse_line`
validates one JSON line and :func:`scan` returns one output record per post::

    {"id", "risk", "categories", "reasons",
     "entities": {"phones", "wechat", "qq", "id_numbers", "bank_cards", "places"}, "cluster"}

``cluster`` is the id of the first post (in input order) of the post's group, so singletons carry
their own id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cluster import Clusterer
from .extract import extract_normalised
from .normalise import normalise
from .risk import RiskModel

__all__ = ["OUTPUT_ENTITY_KINDS", "BadLine", "Post", "parse_line", "scan"]

OUTPUT_ENTITY_KINDS = ("phones", "wechat", "qq", "id_numbers", "bank_cards", "places")
_OPTIONAL = ("posted_at", "platform", "author")


@dataclass(frozen=True, slots=True)
class Post:
    id: str | int
    text: str
    posted_at: str | None = None
    platform: str | None = None
    author: str | None = None


class BadLine(ValueError):
    """A malformed input line; ``str()`` is the one-line message for the user."""


def parse_line(line: str, lineno: int) -> Post | None:
    """Parse one JSONL line (``None`` for a blank line); raises :class:`BadLine`."""
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise BadLine(f"line {lineno}: expected a JSON object, got {type(obj).__name__}")
    if "id" not in obj:
        raise BadLine(f"line {lineno}: missing field 'id'")
    pid = obj["id"]
    if isinstance(pid, bool) or not isinstance(pid, str | int) or pid == "":
        raise BadLine(f"line {lineno}: field 'id' must be a non-empty string or an integer")
    if "text" not in obj:
        raise BadLine(f"line {lineno}: missing field 'text'")
    if not isinstance(obj["text"], str):
        raise BadLine(f"line {lineno}: field 'text' must be a string")
    extra: dict[str, str | None] = {}
    for key in _OPTIONAL:
        val = obj.get(key)
        if val is not None and not isinstance(val, str):
            raise BadLine(f"line {lineno}: field '{key}' must be a string or null")
        extra[key] = val
    return Post(pid, obj["text"], **extra)


def scan(
    posts: Sequence[Post], model: RiskModel | None = None, clusterer: Clusterer | None = None
) -> list[dict[str, Any]]:
    """Output records for ``posts`` (ids must be unique), in input order."""
    model = model or RiskModel()
    clusterer = clusterer or Clusterer(keep_text=False)
    norms = [normalise(p.text) for p in posts]
    ents = [extract_normalised(n) for n in norms]
    risks = model.score_normalised([n.text for n in norms])
    clusterer.add_many(
        [p.id for p in posts], [n.text for n in norms], [e.contacts() for e in ents], normalised=True
    )
    out: list[dict[str, Any]] = []
    for p, e, r in zip(posts, ents, risks, strict=True):
        out.append(
            {
                "id": p.id,
                "risk": round(r.score, 4),
                "categories": r.categories,
                "reasons": r.reason_texts(),
                "entities": e.to_dict(OUTPUT_ENTITY_KINDS),
                "cluster": clusterer.group_of(p.id),
            }
        )
    return out
