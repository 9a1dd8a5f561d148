"""Parse the action plan's text into a `Plan`.

The text is read line by line; every non-blank line after the first pillar heading must be one
of:

- a pillar heading ``一、…``, a section heading ``（一）…``,
- a numbered heading ``1．工作目标。`` / ``2．行动措施。`` inside a section,
- a paragraph: section body text (pillars 一 and 三) or the work goal's text,
- a measure ``（1）…`` or a sub-measure ``——…`` inside a ``行动措施`` block,
- a responsibility line ``（甲、乙负责，丙、丁配合）`` directly after a measure or sub-measure.

Anything else fails with `PlanParseError` naming the line. Numbering must run 1, 2, 3… at every
level. Lines before the first pillar heading are kept as the preamble.

Inheritance rule (the only case where a node has no responsibility line of its own): a measure
that is a one-sentence heading immediately followed by sub-measures, each of which has its own
responsibility line, takes its agencies from those sub-measures — leads are the union of their
leads, cooperating agencies the union of theirs minus any lead, both in order of first
appearance. The plan does this twice, 二.(二).2.(2) "依法严惩拐卖人口犯罪。" and 二.(三).2.(4)
"落实部门责任，…帮助被拐卖受害人顺利回归社会。": the heading names the theme and each ——
item under it carries its own agencies. A sub-measure never inherits from its measure (the
plan gives every sub-measure its own line), and a multi-sentence measure without a line is an
error, which catches most accidentally deleted responsibility lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from homeward.engines.plantext.agencies import normalize_agency_name
from homeward.engines.plantext.model import Goal, Measure, Pillar, Plan, Section

CHINESE_NUMERALS = "一二三四五六七八九十"

_PILLAR = re.compile(rf"^([{CHINESE_NUMERALS}]+)[、，,]\s*(.+)$")
_SECTION = re.compile(rf"^[（(]([{CHINESE_NUMERALS}]+)[)）]\s*(.+)$")
_NUMBERED = re.compile(r"^(\d+)[．.、]\s*(.+)$")
_MEASURE = re.compile(r"^[（(](\d+)[)）]\s*(.+)$")
_SUB_MEASURE = re.compile(r"^(?:——|――|－－|--|—)\s*(.+)$")
_PARENTHESISED = re.compile(r"^[（(](.+)[)）]$")
_LEAD = "负责"
_COOPERATE = "配合"
# Between the lead clause and the cooperating clause the plan writes "，"; the other
# separators are accepted because pasted copies often swap them.
_RESPONSIBILITY = re.compile(
    rf"^(?:(?P<lead>.+?){_LEAD})?(?:[，,；;、]?\s*(?P<coop>.+?){_COOPERATE})?$",
)
_AGENCY_SEPARATORS = re.compile(r"[、，,；;]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_GOAL_TITLE = "工作目标"
_MEASURES_TITLE = "行动措施"


class PlanParseError(ValueError):
    """The text cannot be placed in the plan's structure."""

    def __init__(self, line_no: int, line: str, message: str) -> None:
        self.line_no = line_no
        self.line = line
        self.message = message
        shown = line if len(line) <= 60 else line[:57] + "..."
        super().__init__(f"line {line_no}: {message}: {shown!r}")


def chinese_numeral(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99 (enough for pillars and sections)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十")
    return head + ("" if ones == 0 else CHINESE_NUMERALS[ones - 1])


_NUMERAL_VALUES = {chinese_numeral(n): n for n in range(1, 100)}


def _numeral_value(s: str) -> int | None:
    return _NUMERAL_VALUES.get(s)


def _clean_line(raw: str) -> str:
    line = unicodedata.normalize("NFC", raw)
    line = _INVISIBLE.sub("", line)
    return line.strip()


def _title(text: str) -> str:
    return text.strip().rstrip("。.")


def _split_agencies(part: str, line_no: int, line: str) -> tuple[str, ...]:
    names: list[str] = []
    for raw in _AGENCY_SEPARATORS.split(part):
        name = normalize_agency_name(raw)
        if not name:
            raise PlanParseError(line_no, line, "empty agency name in responsibility line")
        if name in names:
            raise PlanParseError(line_no, line, f"agency {name} named twice in one responsibility line")
        names.append(name)
    return tuple(names)


def parse_responsibility(
    content: str, line_no: int = 0, line: str = ""
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split the inside of ``（甲、乙负责，丙配合）`` into (lead agencies, cooperating agencies)."""
    shown = line or content
    # Agency names contain no spaces, so any whitespace is copy-and-paste noise.
    match = _RESPONSIBILITY.match(re.sub(r"\s+", "", content))
    if match is None or not (match.group("lead") or match.group("coop")):
        raise PlanParseError(line_no, shown, "malformed responsibility line (expected '…负责，…配合')")
    if not match.group("lead"):
        raise PlanParseError(line_no, shown, "responsibility line names no lead agency (…负责)")
    leads = _split_agencies(match.group("lead"), line_no, shown)
    cooperating = _split_agencies(match.group("coop"), line_no, shown) if match.group("coop") else ()
    both = set(leads) & set(cooperating)
    if both:
        raise PlanParseError(line_no, shown, f"agency {sorted(both)[0]} both leads and cooperates")
    return leads, cooperating


@dataclass
class _Node:
    """A measure or sub-measure while it is being built."""

    code: str
    pillar: str
    section: str
    kind: str
    number: int
    parent: str | None
    text: str
    line_no: int
    line: str
    leads: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    responsibility_line_no: int | None = None
    children: list[_Node] = field(default_factory=list)


@dataclass
class _State:
    pillars: list[Pillar] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    nodes: list[_Node] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    pillar: Pillar | None = None
    pillar_line: str = ""
    section: Section | None = None
    section_line: str = ""
    section_text: list[str] = field(default_factory=list)
    section_has_numbered: bool = False
    section_count: int = 0
    block: str | None = None  # None, "goal" or "measures"
    block_number: int = 0
    block_line_no: int = 0
    block_line: str = ""
    block_measures: int = 0
    goal_text: list[str] = field(default_factory=list)
    goal_line_no: int = 0
    measure: _Node | None = None
    last: _Node | None = None
    last_was_node: bool = False


def _close_measure(st: _State) -> None:
    """Check the open measure has agencies, deriving them from sub-measures where the rule allows."""
    m = st.measure
    if m is None:
        return
    last = st.last
    if last is not None and last is not m and last.responsibility_line_no is None:
        raise PlanParseError(last.line_no, last.line, f"sub-measure {last.code} has no responsibility line")
    if m.responsibility_line_no is None:
        if not m.children:
            raise PlanParseError(
                m.line_no, m.line, f"measure {m.code} has no responsibility line (…负责) and no sub-measures"
            )
        sentences = [s for s in m.text.rstrip("。").split("。") if s.strip()]
        if len(sentences) > 1:
            raise PlanParseError(
                m.line_no,
                m.line,
                f"measure {m.code} has no responsibility line; only a one-sentence heading "
                "may take its agencies from its sub-measures",
            )
        leads: dict[str, None] = {}
        cooperating: dict[str, None] = {}
        for child in m.children:
            for name in child.leads:
                leads.setdefault(name, None)
        for child in m.children:
            for name in child.cooperating:
                if name not in leads:
                    cooperating.setdefault(name, None)
        m.leads, m.cooperating = tuple(leads), tuple(cooperating)
    st.measure = None
    st.last = None


def _close_block(st: _State) -> None:
    _close_measure(st)
    if st.block == "goal":
        if not st.goal_text:
            raise PlanParseError(st.block_line_no, st.block_line, "work goal has no text")
        assert st.section is not None
        st.goals.append(
            Goal(
                code=f"{st.section.code}.{st.block_number}",
                pillar=st.section.pillar,
                section=st.section.code,
                title=_GOAL_TITLE,
                text="\n".join(st.goal_text),
                line_no=st.goal_line_no,
            )
        )
    elif st.block == "measures" and st.block_measures == 0:
        raise PlanParseError(st.block_line_no, st.block_line, "行动措施 block has no measures")
    st.block = None
    st.goal_text = []


def _close_section(st: _State) -> None:
    _close_block(st)
    s = st.section
    if s is None:
        return
    if not st.section_text and not st.section_has_numbered:
        raise PlanParseError(s.line_no, st.section_line, f"section {s.code} is empty")
    st.sections.append(
        Section(
            code=s.code,
            pillar=s.pillar,
            number=s.number,
            title=s.title,
            text="\n".join(st.section_text),
            line_no=s.line_no,
        )
    )
    st.section = None
    st.section_text = []
    st.section_has_numbered = False


def _close_pillar(st: _State) -> None:
    _close_section(st)
    if st.pillar is not None and st.section_count == 0:
        raise PlanParseError(st.pillar.line_no, st.pillar_line, f"pillar {st.pillar.code} has no sections")


def _expect(found: int, expected: int, what: str, line_no: int, line: str) -> None:
    if found != expected:
        raise PlanParseError(line_no, line, f"{what} numbered {found}, expected {expected}")


def _handle_body_line(st: _State, line_no: int, line: str) -> None:
    pillar_match = _PILLAR.match(line)
    if pillar_match:
        number = _numeral_value(pillar_match.group(1))
        _expect(number or 0, len(st.pillars) + 1, "pillar", line_no, line)
        _close_pillar(st)
        p = Pillar(
            code=pillar_match.group(1),
            number=len(st.pillars) + 1,
            title=_title(pillar_match.group(2)),
            line_no=line_no,
        )
        st.pillars.append(p)
        st.pillar, st.pillar_line, st.section_count = p, line, 0
        st.last_was_node = False
        return

    assert st.pillar is not None
    measure_match = _MEASURE.match(line)
    sub_match = _SUB_MEASURE.match(line)
    section_match = _SECTION.match(line)
    paren_match = _PARENTHESISED.match(line)
    is_responsibility = (
        measure_match is None
        and section_match is None
        and paren_match is not None
        and (_LEAD in line or _COOPERATE in line)
    )

    if is_responsibility:
        assert paren_match is not None
        if not st.last_was_node or st.last is None:
            raise PlanParseError(
                line_no, line, "responsibility line does not follow a measure or sub-measure"
            )
        st.last.leads, st.last.cooperating = parse_responsibility(paren_match.group(1), line_no, line)
        st.last.responsibility_line_no = line_no
        st.last_was_node = False
        return

    if measure_match:
        if st.block != "measures":
            raise PlanParseError(line_no, line, "measure outside a 行动措施 block")
        _close_measure(st)
        assert st.section is not None
        number = int(measure_match.group(1))
        _expect(number, st.block_measures + 1, "measure", line_no, line)
        st.block_measures = number
        node = _Node(
            code=f"{st.section.code}.{st.block_number}.({number})",
            pillar=st.pillar.code,
            section=st.section.code,
            kind="measure",
            number=number,
            parent=None,
            text=measure_match.group(2).strip(),
            line_no=line_no,
            line=line,
        )
        st.nodes.append(node)
        st.measure = st.last = node
        st.last_was_node = True
        return

    if sub_match:
        if st.block != "measures" or st.measure is None:
            raise PlanParseError(line_no, line, "sub-measure (——) outside a measure")
        prev = st.last
        if prev is not None and prev is not st.measure and prev.responsibility_line_no is None:
            raise PlanParseError(
                prev.line_no, prev.line, f"sub-measure {prev.code} has no responsibility line"
            )
        parent = st.measure
        number = len(parent.children) + 1
        node = _Node(
            code=f"{parent.code}.{number}",
            pillar=parent.pillar,
            section=parent.section,
            kind="sub_measure",
            number=number,
            parent=parent.code,
            text=sub_match.group(1).strip(),
            line_no=line_no,
            line=line,
        )
        parent.children.append(node)
        st.nodes.append(node)
        st.last = node
        st.last_was_node = True
        return

    if section_match:
        number = _numeral_value(section_match.group(1))
        _expect(number or 0, st.section_count + 1, "section", line_no, line)
        _close_section(st)
        st.section_count += 1
        st.section = Section(
            code=f"{st.pillar.code}.({section_match.group(1)})",
            pillar=st.pillar.code,
            number=st.section_count,
            title=_title(section_match.group(2)),
            text="",
            line_no=line_no,
        )
        st.section_line = line
        st.last_was_node = False
        return

    numbered_match = _NUMBERED.match(line)
    if numbered_match and st.section is not None:
        title = _title(numbered_match.group(2))
        if title not in (_GOAL_TITLE, _MEASURES_TITLE):
            raise PlanParseError(
                line_no, line, f"unknown numbered heading (expected {_GOAL_TITLE} or {_MEASURES_TITLE})"
            )
        number = int(numbered_match.group(1))
        _expect(
            number, st.block_number + 1 if st.section_has_numbered else 1, "numbered heading", line_no, line
        )
        _close_block(st)
        st.section_has_numbered = True
        st.block = "goal" if title == _GOAL_TITLE else "measures"
        st.block_number, st.block_line_no, st.block_line = number, line_no, line
        st.block_measures = 0
        st.last_was_node = False
        return

    # A plain paragraph.
    st.last_was_node = False
    if st.section is None:
        raise PlanParseError(line_no, line, f"text directly under pillar {st.pillar.code} cannot be placed")
    if st.block == "goal":
        if not st.goal_text:
            st.goal_line_no = line_no
        st.goal_text.append(line)
        return
    if st.block == "measures":
        if paren_match is not None:
            raise PlanParseError(
                line_no, line, "parenthesised line is neither a measure nor a responsibility line"
            )
        raise PlanParseError(
            line_no,
            line,
            "text cannot be placed: expected a measure （n）, a sub-measure —— or a responsibility line",
        )
    if st.section_has_numbered:
        raise PlanParseError(line_no, line, "text cannot be placed after a numbered heading")
    st.section_text.append(line)


def parse_plan(text: str) -> Plan:
    """Parse the full plan text; raise `PlanParseError` on anything that cannot be placed."""
    st = _State()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = _clean_line(raw)
        if not line:
            continue
        if st.pillar is None and not _PILLAR.match(line):
            st.preamble.append(line)
            continue
        _handle_body_line(st, line_no, line)
    if st.pillar is None:
        raise PlanParseError(0, "", "no pillar heading (一、…) found")
    _close_pillar(st)
    measures = tuple(
        Measure(
            code=n.code,
            pillar=n.pillar,
            section=n.section,
            kind="measure" if n.kind == "measure" else "sub_measure",
            number=n.number,
            parent=n.parent,
            text=n.text,
            lead_agencies=n.leads,
            cooperating_agencies=n.cooperating,
            line_no=n.line_no,
            responsibility_line_no=n.responsibility_line_no,
            agencies_from="own" if n.responsibility_line_no is not None else "sub_measures",
        )
        for n in st.nodes
    )
    return Plan(
        pillars=tuple(st.pillars),
        sections=tuple(st.sections),
        goals=tuple(st.goals),
        measures=measures,
        preamble=tuple(st.preamble),
    )
