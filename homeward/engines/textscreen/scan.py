"""The scan pipeline behind the CLI: normalise, extract, score and cluster a batch of posts.

Input records are ``{"id", "text", "posted_at"?, "platform"?, "author"?}``; :func:`parse_line`
validates one JSON line and :func:`scan` returns one output record per post::

    {"id", "risk", "categories", "reasons",
     "entities": {"phones", "wechat", "qq", "id_numbers", "bank_cards", "places"}, "cluster"}

``cluster`` is the id of the first post (in input order) of the post's group, so singletons carry
their own id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .cluster import Clusterer
from .extract import extract_normalised
from .normalise import normalise
from .risk import RiskModel
from .scan_input import BadLine, Post, parse_line

__all__ = ["OUTPUT_ENTITY_KINDS", "BadLine", "Post", "parse_line", "scan"]

OUTPUT_ENTITY_KINDS = ("phones", "wechat", "qq", "id_numbers", "bank_cards", "places")


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
