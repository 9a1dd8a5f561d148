"""Homeward's parser for the text of China's Anti-Trafficking Action Plan (2021-2030).

Turns the plan text (国办发〔2021〕13号) into pillars, sections, work goals, measures and
sub-measures, each measure with the lead and cooperating agencies of its responsibility line.
Framework-free: the Django ``plan`` app's importer calls `parse_plan` / `load_shipped_plan`.
"""

from __future__ import annotations

from importlib import resources

from homeward.engines.plantext.agencies import (
    AGENCY_GROUP,
    AGENCY_TYPES,
    NATIONAL_AGENCIES,
    AgencyType,
    NationalAgency,
    national_agency,
    normalize_agency_name,
)
from homeward.engines.plantext.model import AgencyRoles, Goal, Measure, Pillar, Plan, Section
from homeward.engines.plantext.parser import PlanParseError, parse_plan, parse_responsibility

SHIPPED_PLAN_FILE = "action-plan-2021-2030.txt"


def shipped_plan_text() -> str:
    """The plan text shipped with this package (data/action-plan-2021-2030.txt)."""
    return resources.files(__package__).joinpath("data", SHIPPED_PLAN_FILE).read_text(encoding="utf-8")


def load_shipped_plan() -> Plan:
    """Parse the shipped plan text."""
    return parse_plan(shipped_plan_text())


__all__ = [
    "AGENCY_GROUP",
    "AGENCY_TYPES",
    "NATIONAL_AGENCIES",
    "SHIPPED_PLAN_FILE",
    "AgencyRoles",
    "AgencyType",
    "Goal",
    "Measure",
    "NationalAgency",
    "Pillar",
    "Plan",
    "PlanParseError",
    "Section",
    "load_shipped_plan",
    "national_agency",
    "normalize_agency_name",
    "parse_plan",
    "parse_responsibility",
    "shipped_plan_text",
]
