"""Marks, memory concepts and dialect groups from free text."""

from homeward.engines.linkage.descriptors import (
    LOCATIONS,
    MARK_TYPES,
    SIDE_LEFT,
    SIDE_RIGHT,
    concept_bits,
    concepts_of,
    dialect_group,
    parse_mark,
    parse_marks,
)


def test_same_mark_in_different_words() -> None:
    a = parse_mark("左臂有一块疤")
    b = parse_mark("左胳膊上的伤疤")
    c = parse_mark("scar on the left arm")
    assert a is not None and b is not None and c is not None
    assert a == b == c
    assert LOCATIONS[a.location] == "arm" and MARK_TYPES[a.kind] == "scar" and a.side == SIDE_LEFT


def test_mark_location_words_prefer_the_longer_word() -> None:
    m = parse_mark("右额头黑痣")  # 额头 (forehead), not 头 (head)
    assert m is not None and LOCATIONS[m.location] == "forehead" and MARK_TYPES[m.kind] == "mole"
    assert m.side == SIDE_RIGHT


def test_marks_split_on_separators_and_unknown_text_is_dropped() -> None:
    marks = parse_marks(["左臂疤；右脸痣", "很乖"])
    assert [(LOCATIONS[m.location], MARK_TYPES[m.kind]) for m in marks] == [("arm", "scar"), ("face", "mole")]


def test_memories_and_circumstances_share_concepts_across_languages() -> None:
    family = concept_bits(["家门口有条河，奶奶在街上卖豆腐"])
    child = concept_bits(["a river by the house, a grandmother who sold tofu"])
    assert {"river", "grandmother", "tofu"} <= set(concepts_of(family & child))


def test_dialect_groups() -> None:
    assert dialect_group("四川话") == dialect_group("重庆話") == "southwestern_mandarin"
    assert dialect_group("潮汕话") == dialect_group("闽南语") == "min"
    assert dialect_group("klingon") is None
    # the longest word wins: 安徽话 is the province's Jianghuai Mandarin, 徽州话 is Hui
    assert dialect_group("安徽话") == "jianghuai_mandarin" and dialect_group("徽州话") == "hui"
    assert dialect_group("福建話") == "min" and dialect_group("内蒙古话") == "jin"
    assert dialect_group("广东客家话") == "hakka"
