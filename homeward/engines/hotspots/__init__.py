"""Situation-analysis engine: county hotspots, weekly early warning, flows, small-count suppression.

Framework-free; the Django ``analysis`` app calls these functions and renders their results. Every
result carries a ``DataBasis`` (data used, method, uncertainty) and is a prompt for human judgement.
"""

from .basis import HUMAN_JUDGEMENT_NOTE_EN, HUMAN_JUDGEMENT_NOTE_ZH, DataBasis
from .flows import FlowRecord, FlowSummary, ProvinceFlow, flows, prefix_province
from .spatial import HotspotReport, HotspotResult, auto_permutations, hotspots, min_detectable_cluster
from .suppression import SuppressedTable, suppress
from .warning import (
    EarlyWarning,
    FarringtonConfig,
    InsufficientHistoryError,
    WarningAssessment,
    assess_week,
    early_warning,
    monitor,
)
from .weights import CountyWeights, county_weights

__all__ = [
    "HUMAN_JUDGEMENT_NOTE_EN",
    "HUMAN_JUDGEMENT_NOTE_ZH",
    "CountyWeights",
    "DataBasis",
    "EarlyWarning",
    "FarringtonConfig",
    "FlowRecord",
    "FlowSummary",
    "HotspotReport",
    "HotspotResult",
    "InsufficientHistoryError",
    "ProvinceFlow",
    "SuppressedTable",
    "WarningAssessment",
    "assess_week",
    "auto_permutations",
    "county_weights",
    "early_warning",
    "flows",
    "hotspots",
    "min_detectable_cluster",
    "monitor",
    "prefix_province",
    "suppress",
]
