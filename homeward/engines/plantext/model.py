"""The action plan as data: pillars, sections, work goals, measures and the agencies behind them.

All nodes are frozen dataclasses holding tuples, so two parses of the same text compare equal
and can be hashed. Position codes follow the text's own numbering:

- pillar ``二``, section ``二.(一)``, work goal ``二.(一).1``,
- measure ``二.(一).2.(1)`` (the ``2`` is the ``2．行动措施`` block), sub-measure ``二.(一).2.(1).3``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from homeward.engines.plantext.agencies import AGENCY_GROUP

MeasureKind = Literal["measure", "sub_measure"]
AgenciesFrom = Literal["own", "sub_measures"]


@dataclass(frozen=True)
class Pillar:
    """A top-level part (一、指导思想和总体目标 … 三、保障措施)."""

    code: str
    number: int
    title: str
    line_no: int


@dataclass(frozen=True)
class Section:
    """A part of a pillar (（一）健全预防犯罪机制。); sections of pillars 一 and 三 carry body text."""

    code: str
    pillar: str
    number: int
    title: str
    text: str
    line_no: int


@dataclass(frozen=True)
class Goal:
    """The work goal of a section (1．工作目标。 followed by its paragraph; `line_no` is the paragraph's)."""

    code: str
    pillar: str
    section: str
    title: str
    text: str
    line_no: int


@dataclass(frozen=True)
class Measure:
    """A measure （n） or a sub-measure (——…) with the agencies of its responsibility line.

    ``agencies_from`` is ``"own"`` when the responsibility line follows the node itself and
    ``"sub_measures"`` for a heading measure whose agencies are derived from its sub-measures
    (see `parser` for the rule). ``responsibility_line_no`` is None exactly in the second case.
    """

    code: str
    pillar: str
    section: str
    kind: MeasureKind
    number: int
    parent: str | None
    text: str
    lead_agencies: tuple[str, ...]
    cooperating_agencies: tuple[str, ...]
    line_no: int
    responsibility_line_no: int | None
    agencies_from: AgenciesFrom = "own"

    @property
    def agencies(self) -> tuple[str, ...]:
        """Lead agencies then cooperating agencies."""
        return self.lead_agencies + self.cooperating_agencies

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "pillar": self.pillar,
            "section": self.section,
            "kind": self.kind,
            "number": self.number,
            "parent": self.parent,
            "text": self.text,
            "lead_agencies": list(self.lead_agencies),
            "cooperating_agencies": list(self.cooperating_agencies),
            "agencies_from": self.agencies_from,
            "line_no": self.line_no,
            "responsibility_line_no": self.responsibility_line_no,
        }


@dataclass
class AgencyRoles:
    """The measure codes an agency leads and cooperates on, in document order."""

    leads: list[str] = field(default_factory=list)
    cooperates: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """A parsed action plan. Build it with `parse_plan`."""

    pillars: tuple[Pillar, ...]
    sections: tuple[Section, ...]
    goals: tuple[Goal, ...]
    measures: tuple[Measure, ...]
    """Measures and sub-measures together, in document order."""
    preamble: tuple[str, ...] = ()
    """Lines before the first pillar (the notice, the title, the opening paragraph)."""

    def measure(self, code: str) -> Measure:
        for m in self.measures:
            if m.code == code:
                return m
        raise KeyError(code)

    def section(self, code: str) -> Section:
        for s in self.sections:
            if s.code == code:
                return s
        raise KeyError(code)

    def agency_names(self) -> tuple[str, ...]:
        """Every name in the responsibility lines (the group included), in order of first appearance."""
        seen: dict[str, None] = {}
        for m in self.measures:
            if m.agencies_from == "own":
                for name in m.agencies:
                    seen.setdefault(name, None)
        return tuple(seen)

    def group_members(self) -> tuple[str, ...]:
        """The members of 国务院反拐部际联席会议各成员单位.

        The plan never lists them; they are taken to be every other agency named anywhere in
        its responsibility lines, in order of first appearance.
        """
        return tuple(n for n in self.agency_names() if n != AGENCY_GROUP)

    def agencies(
        self, *, include_derived: bool = True, expand_groups: bool = False
    ) -> dict[str, AgencyRoles]:
        """Agency name → the codes it leads and cooperates on.

        ``include_derived=False`` counts only nodes with their own responsibility line (heading
        measures whose agencies come from their sub-measures are left out). ``expand_groups``
        replaces 国务院反拐部际联席会议各成员单位 by each member (an agency that leads a
        node is not also listed as cooperating on it).
        """
        members = self.group_members()
        roles: dict[str, AgencyRoles] = {name: AgencyRoles() for name in self.agency_names()}
        if expand_groups:
            roles.pop(AGENCY_GROUP, None)
        for m in self.measures:
            if not include_derived and m.agencies_from != "own":
                continue
            leads = _expand(m.lead_agencies, members) if expand_groups else m.lead_agencies
            cooperates = _expand(m.cooperating_agencies, members) if expand_groups else m.cooperating_agencies
            for name in leads:
                roles[name].leads.append(m.code)
            for name in cooperates:
                if name not in leads:
                    roles[name].cooperates.append(m.code)
        return roles

    def counts(self) -> dict[str, Any]:
        """What the parse found: nodes per level, per section, and per agency."""
        own = [m for m in self.measures if m.agencies_from == "own"]
        by_section: dict[str, dict[str, int]] = {}
        for s in self.sections:
            in_section = [m for m in self.measures if m.section == s.code]
            by_section[s.code] = {
                "goals": sum(1 for g in self.goals if g.section == s.code),
                "measures": sum(1 for m in in_section if m.kind == "measure"),
                "sub_measures": sum(1 for m in in_section if m.kind == "sub_measure"),
            }
        return {
            "pillars": len(self.pillars),
            "sections": len(self.sections),
            "goals": len(self.goals),
            "measures": sum(1 for m in self.measures if m.kind == "measure"),
            "sub_measures": sum(1 for m in self.measures if m.kind == "sub_measure"),
            "responsibility_lines": len(own),
            "derived_from_sub_measures": len(self.measures) - len(own),
            "agencies": len(self.group_members()),
            "by_section": by_section,
            "by_agency": {
                name: {"leads": len(r.leads), "cooperates": len(r.cooperates)}
                for name, r in self.agencies().items()
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: structure, measures, agencies and counts."""
        return {
            "pillars": [vars(p) for p in self.pillars],
            "sections": [vars(s) for s in self.sections],
            "goals": [vars(g) for g in self.goals],
            "measures": [m.to_dict() for m in self.measures],
            "agencies": {
                name: {"leads": r.leads, "cooperates": r.cooperates} for name, r in self.agencies().items()
            },
            "agency_group": {"name": AGENCY_GROUP, "members": list(self.group_members())},
            "counts": self.counts(),
        }


def _expand(names: tuple[str, ...], members: tuple[str, ...]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for name in names:
        for n in members if name == AGENCY_GROUP else (name,):
            out.setdefault(n, None)
    return tuple(out)
