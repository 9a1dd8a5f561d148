"""Online-post screening engine (framework-free): normalise, extract leads, score risk, cluster.

Public API::

    normalise(text) -> Normalised                       # .text, .span(s, e) -> original span
    extract(text) -> Entities                           # phones, wechat, qq, id_numbers, bank_cards,
                                                        # places, amounts (Lead lists)
    RiskModel().score(text) -> Risk                     # .score, .categories, .category_scores, .reasons
    RiskModel().fit(texts, labels) / .save(path) / RiskModel.load(path)
    Clusterer().add(post_id, text, contacts) / .groups() / .group_of(id) / .template(group) -> Template
    scan(posts, model) -> list[dict]                    # the CLI's records

See README.md in this folder.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import Clusterer, Template
    from .extract import Entities, Lead, extract, extract_normalised
    from .lexicon import CATEGORIES, Reason
    from .normalise import Normalised, normalise
    from .risk import Risk, RiskModel

# Imported on first use, so that `python -m homeward.engines.textscreen` can reject bad input
# without loading phonenumbers, OpenCC, datasketch and numpy first.
_LAZY = {
    "Clusterer": ".cluster",
    "Template": ".cluster",
    "Entities": ".extract",
    "Lead": ".extract",
    "extract": ".extract",
    "extract_normalised": ".extract",
    "CATEGORIES": ".lexicon",
    "Reason": ".lexicon",
    "Normalised": ".normalise",
    "normalise": ".normalise",
    "Risk": ".risk",
    "RiskModel": ".risk",
}

__all__ = [
    "CATEGORIES",
    "Clusterer",
    "Entities",
    "Lead",
    "Normalised",
    "Reason",
    "Risk",
    "RiskModel",
    "Template",
    "extract",
    "extract_normalised",
    "normalise",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
