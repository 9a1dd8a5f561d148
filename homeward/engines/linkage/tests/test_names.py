"""Chinese name normalisation: folding, surname split, pinyin, nickname cores."""

from homeward.engines.linkage.names import fold, nickname_core, parse_name, parse_parent


def test_traditional_is_folded_to_simplified_and_punctuation_dropped() -> None:
    assert fold("陳銘銘") == "陈铭铭"
    assert fold(" 張 偉·") == "张伟"


def test_homophone_given_names_share_pinyin_but_not_characters() -> None:
    a, b = parse_name("陈明明"), parse_name("陈铭铭")
    assert a is not None and b is not None
    assert (a.surname, a.given) == ("陈", "明明")
    assert a.surname_pinyin == b.surname_pinyin == "chen"
    assert a.given_pinyin == b.given_pinyin == "ming ming"
    assert a.given_initials == "mm"
    assert a.given != b.given


def test_compound_surname_and_surname_readings() -> None:
    p = parse_name("欧阳修")
    assert p is not None and (p.surname, p.given, p.surname_pinyin) == ("欧阳", "修", "ou yang")
    shan = parse_name("单田芳")
    assert shan is not None and shan.surname_pinyin == "shan"  # not the common reading "dan"
    zeng = parse_name("曾国藩")
    assert zeng is not None and zeng.surname_pinyin == "zeng"


def test_nickname_core_strips_prefix_suffix_and_reduplication() -> None:
    assert {nickname_core(x) for x in ("小明", "明明", "阿明", "明儿", "小銘")} == {"ming"}
    assert nickname_core("小红花") == "hong hua"


def test_nicknames_are_not_split_into_surname_and_given() -> None:
    for text in ("小明", "明明", "阿强"):
        p = parse_name(text)
        assert p is not None and p.is_nickname and p.surname == ""


def test_remembered_parent_names() -> None:
    p = parse_parent("爸爸叫陈建国")
    assert p is not None and (p.surname, p.given) == ("陈", "建国")
    q = parse_parent("建国")  # 建 is not a common surname: a given name alone
    assert q is not None and (q.surname, q.given) == ("", "建国")
    assert parse_parent("妈妈") is None


def test_parent_remembered_by_a_given_name_that_starts_with_a_surname() -> None:
    from homeward.engines.linkage.names import parent_readings

    readings = parent_readings("利扬")  # 利 is a surname, but 利扬 is more likely a given name
    assert [(r.surname, r.given) for r in readings] == [("利", "扬"), ("", "利扬")]
    assert [(r.surname, r.given) for r in parent_readings("爸爸叫陈建国")] == [("陈", "建国")]
    assert parent_readings("Dad") == []
