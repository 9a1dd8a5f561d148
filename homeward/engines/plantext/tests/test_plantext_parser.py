"""Parser behaviour on hand-made texts and on damaged copies of the shipped text."""

from __future__ import annotations

import pytest

from homeward.engines.plantext import (
    AGENCY_GROUP,
    PlanParseError,
    load_shipped_plan,
    normalize_agency_name,
    parse_plan,
    parse_responsibility,
    shipped_plan_text,
)
from homeward.engines.plantext.parser import chinese_numeral

MINI = """\
通知正文。

一、总则
（一）说明。
说明正文。
二、行动措施和任务分工
（一）预防。
1．工作目标。
目标文本。
2．行动措施。
（1）措施一。
（甲部负责，乙部配合）
——子措施一。
（乙部负责）
（2）标题。
——子一。
（甲部负责，丙部配合）
——子二。
（乙部负责，甲部、丁部配合）
（二）打击。
1．工作目标。
目标二。
2．行动措施。
（1）措施。
（国务院反拐部际联席会议各成员单位负责）
三、保障措施
（一）组织。
组织正文。
"""


def _lines() -> list[str]:
    return shipped_plan_text().split("\n")


def _without(*line_nos: int) -> str:
    return "\n".join(line for i, line in enumerate(_lines(), start=1) if i not in line_nos)


def _replaced(line_no: int, new: str) -> str:
    lines = _lines()
    lines[line_no - 1] = new
    return "\n".join(lines)


def _error(text: str) -> PlanParseError:
    with pytest.raises(PlanParseError) as info:
        parse_plan(text)
    return info.value


def test_mini_plan_codes_and_agencies() -> None:
    plan = parse_plan(MINI)
    assert plan.preamble == ("通知正文。",)
    assert [p.code for p in plan.pillars] == ["一", "二", "三"]
    assert [s.code for s in plan.sections] == ["一.(一)", "二.(一)", "二.(二)", "三.(一)"]
    assert plan.section("一.(一)").text == "说明正文。"
    assert [(g.code, g.text, g.line_no) for g in plan.goals] == [
        ("二.(一).1", "目标文本。", 9),
        ("二.(二).1", "目标二。", 22),
    ]
    rows = [
        (m.code, m.kind, m.parent, m.lead_agencies, m.cooperating_agencies, m.line_no) for m in plan.measures
    ]
    assert rows == [
        ("二.(一).2.(1)", "measure", None, ("甲部",), ("乙部",), 11),
        ("二.(一).2.(1).1", "sub_measure", "二.(一).2.(1)", ("乙部",), (), 13),
        ("二.(一).2.(2)", "measure", None, ("甲部", "乙部"), ("丙部", "丁部"), 15),
        ("二.(一).2.(2).1", "sub_measure", "二.(一).2.(2)", ("甲部",), ("丙部",), 16),
        ("二.(一).2.(2).2", "sub_measure", "二.(一).2.(2)", ("乙部",), ("甲部", "丁部"), 18),
        ("二.(二).2.(1)", "measure", None, (AGENCY_GROUP,), (), 24),
    ]
    assert plan.measure("二.(一).2.(2)").agencies_from == "sub_measures"
    assert plan.measure("二.(一).2.(2)").responsibility_line_no is None
    assert plan.group_members() == ("甲部", "乙部", "丙部", "丁部")
    roles = plan.agencies()
    assert roles["甲部"].leads == ["二.(一).2.(1)", "二.(一).2.(2)", "二.(一).2.(2).1"]
    assert roles["甲部"].cooperates == ["二.(一).2.(2).2"]
    expanded = plan.agencies(expand_groups=True)
    assert expanded["丁部"].leads == ["二.(二).2.(1)"]
    assert expanded["丁部"].cooperates == ["二.(一).2.(2)", "二.(一).2.(2).2"]


def test_parse_is_idempotent() -> None:
    first, second = load_shipped_plan(), load_shipped_plan()
    assert first == second
    assert hash(first.measures) == hash(second.measures)
    assert first.to_dict() == second.to_dict()


def test_copy_and_paste_noise_is_normalised() -> None:
    clean = parse_plan(shipped_plan_text())
    noisy = shipped_plan_text().replace("\n", "\r\n")
    noisy = "\ufeff" + noisy
    # Spaces of both widths around and inside names, half-width brackets, a zero-width space.
    noisy = noisy.replace("（中央政法委、公安部负责，", "(中央政法委 、\u3000公安部 负责 ，")
    noisy = noisy.replace("全国妇联配合）\r\n（2）加强对全国", "全国妇联\u200b配合)  \r\n(2) 加强对全国")
    assert noisy != shipped_plan_text()
    assert parse_plan(noisy) == clean


def test_normalize_agency_name() -> None:
    assert normalize_agency_name(" 公安部 ") == "公安部"
    assert normalize_agency_name("公安部\u3000") == "公安部"
    assert normalize_agency_name("国家 卫生健康委") == "国家卫生健康委"
    assert normalize_agency_name("、中国残联。") == "中国残联"
    assert normalize_agency_name("全国打拐ＤＮＡ") == "全国打拐DNA"
    assert normalize_agency_name("某部(办公室)") == "某部（办公室）"


def test_parse_responsibility() -> None:
    assert parse_responsibility("公安部、民政部负责") == (("公安部", "民政部"), ())
    assert parse_responsibility("外交部、公安部负责，商务部配合") == (("外交部", "公安部"), ("商务部",))
    assert parse_responsibility("公安部负责,外交部、司法部配合") == (("公安部",), ("外交部", "司法部"))
    with pytest.raises(PlanParseError, match="no lead agency"):
        parse_responsibility("公安部配合")
    with pytest.raises(PlanParseError, match="malformed"):
        parse_responsibility("公安部负责，民政部")
    with pytest.raises(PlanParseError, match="named twice"):
        parse_responsibility("公安部、公安部负责")
    with pytest.raises(PlanParseError, match="both leads and cooperates"):
        parse_responsibility("公安部负责，公安部配合")
    with pytest.raises(PlanParseError, match="empty agency name"):
        parse_responsibility("公安部、、民政部负责")


def test_chinese_numeral() -> None:
    assert [chinese_numeral(n) for n in (1, 6, 10, 11, 20, 23, 99)] == [
        "一",
        "六",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]


def test_missing_measure_responsibility_line_names_the_measure_line() -> None:
    err = _error(_without(27))  # the line under （1） of 二.(一)
    assert err.line_no == 26 and "二.(一).2.(1)" in str(err) and str(err).startswith("line 26: ")


def test_missing_line_of_a_multi_sentence_measure_with_sub_measures_fails() -> None:
    # （2） of 二.(一) has three sentences and its own line 29; without it, it must not be
    # taken for a heading.
    err = _error(_without(29))
    assert err.line_no == 28 and "one-sentence heading" in err.message


def test_missing_sub_measure_responsibility_line() -> None:
    err = _error(_without(31))
    assert err.line_no == 30 and "二.(一).2.(2).1" in err.message
    err = _error(_without(55))  # the last —— of （2） before （3）
    assert err.line_no == 54 and "二.(一).2.(2).13" in err.message
    err = _error(_without(225))  # the very last measure of pillar 二, followed by 三、
    assert err.line_no == 224 and "二.(六).2.(6)" in err.message


def test_stray_text_fails_with_its_line() -> None:
    lines = _lines()
    lines.insert(43, "这是一段无法归位的文字。")  # becomes line 44, after the responsibility line 43
    err = _error("\n".join(lines))
    assert err.line_no == 44 and "cannot be placed" in err.message and "这是一段无法归位的文字" in str(err)


def test_responsibility_line_in_the_wrong_place_fails() -> None:
    lines = _lines()
    lines.insert(23, "（公安部负责）")  # after the goal heading 1．工作目标。 (line 23)
    err = _error("\n".join(lines))
    assert err.line_no == 24 and "does not follow a measure" in err.message
    lines = _lines()
    lines.insert(27, "（公安部负责）")  # a second line under 二.(一).2.(1)
    err = _error("\n".join(lines))
    assert err.line_no == 28


def test_numbering_gaps_fail() -> None:
    err = _error(_replaced(56, _lines()[55].replace("（3）", "（4）", 1)))
    assert err.line_no == 56 and "measure numbered 4, expected 3" in err.message
    err = _error(_replaced(72, "（三）打击犯罪和解救被拐卖受害人。"))
    assert err.line_no == 72 and "section numbered 3, expected 2" in err.message
    err = _error(_replaced(228, "四、保障措施"))
    assert err.line_no == 228 and "pillar numbered 4, expected 3" in err.message


def test_malformed_responsibility_line_in_place() -> None:
    err = _error(_replaced(27, "（中央政法委、公安部负责，中央网信办）"))
    assert err.line_no == 27 and "malformed responsibility line" in err.message


def test_unknown_numbered_heading_and_empty_structures() -> None:
    err = _error(_replaced(25, "2．其他事项。"))
    assert err.line_no == 25 and "unknown numbered heading" in err.message
    assert _error("").message.startswith("no pillar heading")
    assert _error("只有一行文字。\n").line_no == 0
    err = _error("一、总则\n二、其他\n（一）说明。\n正文。\n")
    assert err.line_no == 1 and "no sections" in err.message
    err = _error("一、总则\n（一）说明。\n1．工作目标。\n2．行动措施。\n")
    assert err.line_no == 3 and "work goal has no text" in err.message
    err = _error("一、总则\n（一）说明。\n2．行动措施。\n")
    assert err.line_no == 3 and "numbered heading numbered 2, expected 1" in err.message
    err = _error("一、总则\n（一）说明。\n1．行动措施。\n——子措施。\n")
    assert err.line_no == 4 and "outside a measure" in err.message
    err = _error("一、总则\n文字。\n")
    assert err.line_no == 2 and "directly under pillar 一" in err.message


def test_measure_outside_measures_block() -> None:
    err = _error("一、总则\n（一）说明。\n（1）措施。\n（甲部负责）\n")
    assert err.line_no == 3 and "outside a 行动措施 block" in err.message


def test_deleting_any_responsibility_line_is_caught_or_is_a_known_heading_case() -> None:
    """Delete each of the 90 responsibility lines in turn.

    Every deletion must fail at the line of the node that lost its agencies, except where the
    node is a one-sentence measure followed by sub-measures: the text alone cannot tell that
    apart from the two real headings, so it is read as one (the documented limitation). Those
    measures, found by reading lines 56, 76, 119, 150, 196 and 212, are listed here by hand.
    """
    silently_derived = {
        "二.(一).2.(3)",
        "二.(二).2.(1)",
        "二.(三).2.(3)",
        "二.(四).2.(1)",
        "二.(五).2.(3)",
        "二.(六).2.(2)",
    }
    plan = load_shipped_plan()
    accepted: set[str] = set()
    for m in plan.measures:
        if m.responsibility_line_no is None:
            continue
        text = _without(m.responsibility_line_no)
        try:
            damaged = parse_plan(text)
        except PlanParseError as err:
            assert err.line_no == m.line_no, (m.code, str(err))
            assert m.code in err.message
        else:
            accepted.add(m.code)
            assert damaged.measure(m.code).agencies_from == "sub_measures"
    assert accepted == silently_derived


def test_measures_block_without_measures_fails() -> None:
    err = _error("一、总则\n（一）说明。\n1．工作目标。\n目标。\n2．行动措施。\n（二）其他。\n正文。\n")
    assert err.line_no == 5 and "no measures" in err.message
