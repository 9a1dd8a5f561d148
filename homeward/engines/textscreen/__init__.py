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

from .cluster import Clusterer, Template
from .extract import Entities, Lead, extract, extract_normalised
from .lexicon import CATEGORIES, Reason
from .normalise import Normalised, normalise
from .risk import Risk, RiskModel

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
