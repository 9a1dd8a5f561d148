"""Homeward's family-tracing matching engine (framework-free).

Matches found, rescued or unidentified people against missing-person reports: hard
consistency rules first, then scored evidence (Chinese names, parents, places, dialect,
height, marks, memories) combined into a calibrated Fellegi–Sunter score with reasons.
See ``README.md`` for the API and the command-line format.
"""

from .api import comparison_levels, completeness, fit_weights, score_pair
from .engine import Candidate, MatchIndex, Reason, Score
from .model import DEFAULT_WEIGHTS, FIELDS, LinkageWeights, MonotonicityError
from .places import CodeOnlyGazetteer, Gazetteer, Located, RefdataGazetteer, default_gazetteer
from .records import FoundRecord, MissingRecord, Place, RecordError, found_from_dict, missing_from_dict

__all__ = [
    "DEFAULT_WEIGHTS",
    "FIELDS",
    "Candidate",
    "CodeOnlyGazetteer",
    "FoundRecord",
    "Gazetteer",
    "LinkageWeights",
    "Located",
    "MatchIndex",
    "MissingRecord",
    "MonotonicityError",
    "Place",
    "Reason",
    "RecordError",
    "RefdataGazetteer",
    "Score",
    "comparison_levels",
    "completeness",
    "default_gazetteer",
    "fit_weights",
    "found_from_dict",
    "missing_from_dict",
    "score_pair",
]
