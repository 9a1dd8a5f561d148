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

# Eager: these share their names with their modules (``normalise``, ``extract``), so they must be
# bound after the submodule import, or the package attribute would be the module.
from .extract import Entities, Lead, extract, extract_normalised
from .lexicon import CATEGORIES, Reason
from .normalise import Normalised, normalise

if TYPE_CHECKING:
    from .cluster import Clusterer, Template
    from .risk import Risk, RiskModel

# Imported on first use (datasketch, scikit-learn paths), so that the command line can reject bad
# input quickly.
_LAZY = {"Clusterer": ".cluster", "Template": ".cluster", "Risk": ".risk", "RiskModel": ".risk"}

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
