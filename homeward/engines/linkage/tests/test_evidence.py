"""Each kind of scored evidence, shown separately in the reasons."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from homeward.engines.linkage import FoundRecord, MissingRecord, Place, score_pair


def level(report: MissingRecord, found: FoundRecord, field: str) -> str | None:
    r = score_pair(report, found).reasons.get(field)
    return r.level if r else None


def test_fields_without_information_are_left_out(report: MissingRecord, bare_found: FoundRecord) -> None:
    # the age estimate, and the age when missing against a found person who (on record) remembers nothing
    assert set(score_pair(report, bare_found).reasons) == {"age", "age_when_missing"}


def test_age_when_missing_against_what_is_remembered(report: MissingRecord, bare_found: FoundRecord) -> None:
    def taken_at(years: float) -> MissingRecord:
        missing = date(1990 + int(years), 3, 1) + timedelta(days=round((years % 1) * 365))
        return dataclasses.replace(report, missing_date=missing)

    # Nothing remembered: likely taken before three, unlikely at six or older.
    assert level(taken_at(1.5), bare_found, "age_when_missing") == "consistent_with_what_is_remembered"
    assert level(taken_at(4), bare_found, "age_when_missing") == "possible"
    assert level(taken_at(8), bare_found, "age_when_missing") == "unlikely_for_what_is_remembered"
    # A remembered parent's name (or 小名, or memories of home): unlikely for a baby, expected at four or older.
    remembers = dataclasses.replace(bare_found, remembered_parents=("陈建国",))
    assert level(taken_at(1), remembers, "age_when_missing") == "unlikely_for_what_is_remembered"
    assert level(taken_at(3), remembers, "age_when_missing") == "possible"
    assert level(taken_at(8), remembers, "age_when_missing") == "consistent_with_what_is_remembered"
    # A province alone can be learnt later from the people who raised the child: it says nothing of memory.
    province = dataclasses.replace(bare_found, remembered_places=(Place(name="重庆市"),))
    assert level(taken_at(1.5), province, "age_when_missing") == "consistent_with_what_is_remembered"
    # The weight is shown with the age and what was remembered.
    reason = score_pair(taken_at(8), bare_found).reasons["age_when_missing"]
    assert reason.weight < 0 and reason.detail.startswith("missing at 8.0 years")
    # No missing date: not compared.
    assert level(dataclasses.replace(report, missing_date=None), bare_found, "age_when_missing") is None


def test_names_surname_and_given_apart(report: MissingRecord, bare_found: FoundRecord) -> None:
    def with_name(name: str) -> FoundRecord:
        return dataclasses.replace(bare_found, name=name)

    assert (
        level(report, with_name("陈明明"), "surname"),
        level(report, with_name("陈明明"), "given_name"),
    ) == (
        "exact",
        "exact",
    )
    assert level(report, with_name("陳明明"), "given_name") == "exact"  # traditional folded
    assert level(report, with_name("王铭铭"), "given_name") == "pinyin"  # homophone, new surname
    assert level(report, with_name("王铭铭"), "surname") == "disagree"
    assert level(report, with_name("王明华"), "given_name") == "one_syllable"
    assert level(report, with_name("王美妙"), "given_name") == "initials"  # m m
    assert level(report, with_name("王强"), "given_name") == "disagree"
    assert level(report, with_name("程明明"), "surname") == "disagree"  # 程 cheng, 陈 chen
    assert level(report, with_name("晨明明"), "surname") == "pinyin"  # 晨 chen


def test_nicknames(report: MissingRecord, bare_found: FoundRecord) -> None:
    def remembers(*names: str) -> FoundRecord:
        return dataclasses.replace(bare_found, name="王强", remembered_names=names)

    assert level(report, remembers("小明"), "nickname") == "exact"
    assert level(report, remembers("明明"), "nickname") == "core_pinyin"
    assert level(report, remembers("阿铭"), "nickname") == "core_pinyin"
    assert level(report, remembers("小红"), "nickname") == "disagree"
    assert level(dataclasses.replace(report, nicknames=()), remembers("小明"), "nickname") is None


def test_current_name_counts_once(report: MissingRecord, bare_found: FoundRecord) -> None:
    # 王明明 (the name the found person goes by now) agrees with 陈明明's given name; the report's
    # 小名 小明 comes from that same given name, so it is not counted a second time
    now = dataclasses.replace(bare_found, name="王明明")
    assert level(report, now, "given_name") == "exact"
    assert level(report, now, "nickname") is None
    # a 小名 the person remembers is compared with the report's
    assert level(report, dataclasses.replace(now, remembered_names=("小明",)), "nickname") == "exact"
    # a current name that is itself a 小名 is what the person remembers being called
    assert level(report, dataclasses.replace(bare_found, name="明明"), "nickname") == "core_pinyin"


def test_parents(report: MissingRecord, bare_found: FoundRecord) -> None:
    def remembers(*names: str) -> FoundRecord:
        return dataclasses.replace(bare_found, remembered_parents=names)

    assert level(report, remembers("爸爸叫陈建国"), "parents") == "one_parent"
    assert level(report, remembers("建国"), "parents") == "one_parent"  # given name alone
    assert level(report, remembers("陈建国", "李秀英"), "parents") == "both_parents"
    assert level(report, remembers("陈建华"), "parents") == "partial"  # surname and one syllable
    assert level(report, remembers("王大山"), "parents") == "disagree"
    # a given name alone whose first character is also a surname (秀 is one): read both ways
    assert level(report, remembers("秀英"), "parents") == "one_parent"
    assert level(report, remembers("兰芳"), "parents") == "disagree"  # 兰 is a surname too


def test_dialect_named_after_a_province(report: MissingRecord, bare_found: FoundRecord) -> None:
    anhui = dataclasses.replace(report, dialect=None, missing_division="340104")  # 合肥市蜀山区
    assert level(anhui, dataclasses.replace(bare_found, dialect="安徽话"), "dialect") == "same_group"
    fujian = dataclasses.replace(report, dialect=None, missing_division="350102")  # 福州市鼓楼区
    assert level(fujian, dataclasses.replace(bare_found, dialect="福建话"), "dialect") == "same_group"
    assert level(fujian, dataclasses.replace(bare_found, dialect="安徽话"), "dialect") == "disagree"


def test_places_through_retired_codes(report: MissingRecord, bare_found: FoundRecord) -> None:
    def remembers(*places: Place) -> FoundRecord:
        return dataclasses.replace(bare_found, remembered_places=places)

    # The report carries 500228 (梁平县, 1995); the child remembers today's name.
    assert level(report, remembers(Place(name="梁平")), "place") == "same_county"
    assert level(report, remembers(Place(division="500155")), "place") == "same_county"
    assert level(report, remembers(Place(name="重庆市")), "place") == "same_province"
    assert level(report, remembers(Place(division="440106")), "place") == "far"  # Guangzhou
    # 万州区 is about 60 km away: another district of the same municipality
    assert level(report, remembers(Place(division="500101")), "place") in ("same_province", "near")
    # The best of several remembered places counts
    assert level(report, remembers(Place(division="440106"), Place(name="梁平")), "place") == "same_county"


def test_place_reason_gives_the_distance(report: MissingRecord, bare_found: FoundRecord) -> None:
    f = dataclasses.replace(bare_found, remembered_places=(Place(division="440106"),))
    detail = score_pair(report, f).reasons["place"].detail
    assert detail.endswith(" km") and 900 < float(detail.split()[0]) < 1300


def test_where_found(report: MissingRecord, bare_found: FoundRecord) -> None:
    assert level(report, dataclasses.replace(bare_found, found_division="500155"), "found_place") == "near"
    assert level(report, dataclasses.replace(bare_found, found_division="500101"), "found_place") in (
        "same_province",
        "near",
    )
    assert level(report, dataclasses.replace(bare_found, found_division="350102"), "found_place") == "far"


def test_dialect(report: MissingRecord, bare_found: FoundRecord) -> None:
    assert level(report, dataclasses.replace(bare_found, dialect="四川话"), "dialect") == "exact"
    assert level(report, dataclasses.replace(bare_found, dialect="重庆话"), "dialect") == "same_group"
    assert level(report, dataclasses.replace(bare_found, dialect="粤语"), "dialect") == "disagree"
    # no dialect in the report: the province's predominant group stands in
    no_dialect = dataclasses.replace(report, dialect=None)
    assert level(no_dialect, dataclasses.replace(bare_found, dialect="重庆话"), "dialect") == "same_group"


def test_height(report: MissingRecord, bare_found: FoundRecord) -> None:
    # 111.3 cm at 5.17 years is about the boys' median; at 31 he should be near 172.7 cm.
    def tall(cm: float) -> FoundRecord:
        return dataclasses.replace(bare_found, height_cm=cm)

    assert level(report, tall(171.0), "height") == "close"
    assert level(report, tall(160.0), "height") == "plausible"
    assert level(report, tall(150.0), "height") == "disagree"


def test_marks(report: MissingRecord, bare_found: FoundRecord) -> None:
    def marks(*texts: str) -> FoundRecord:
        return dataclasses.replace(bare_found, marks=texts)

    assert level(report, marks("左胳膊上一颗痣"), "marks") == "location_and_type"
    assert level(report, marks("胳膊上有痣"), "marks") == "location_and_type"  # side not given
    assert level(report, marks("右臂有痣"), "marks") == "type"  # the other side
    assert level(report, marks("背上有疤"), "marks") == "disagree"
    two = dataclasses.replace(report, marks=("左臂黑痣", "额头有疤"))
    assert level(two, marks("左胳膊痣", "脑门上伤疤"), "marks") == "two_or_more"


def test_memories_against_circumstances(report: MissingRecord, bare_found: FoundRecord) -> None:
    f = dataclasses.replace(bare_found, memories="a river by the house, a grandmother who sold tofu")
    r = score_pair(report, f).reasons["memories"]
    assert r.level == "three_or_more" and "river" in r.detail and "tofu" in r.detail
    g = dataclasses.replace(bare_found, memories="记得有火车")
    assert level(report, g, "memories") == "no_shared_concept"


def test_completeness_names_what_to_add(report: MissingRecord, bare_found: FoundRecord) -> None:
    from homeward.engines.linkage import DEFAULT_WEIGHTS, completeness

    score, empty = completeness(report)
    assert score == 1.0 and empty == []
    thin = dataclasses.replace(report, father_name=None, mother_name=None, dialect=None)
    score, empty = completeness(thin)
    assert set(empty) == {"father_name", "mother_name", "dialect"}
    assert empty[-1] == "dialect"  # parents are worth more than the dialect
    w = DEFAULT_WEIGHTS.levels
    fields = (
        "age",
        "given_name",
        "nickname",
        "parents",
        "parents",
        "place",
        "height",
        "marks",
        "dialect",
        "memories",
    )
    total = sum(max(w[f]) for f in fields)
    assert abs(score - (1 - (2 * max(w["parents"]) + max(w["dialect"])) / total)) < 1e-12
    f_score, f_empty = completeness(bare_found)
    # memories (6.8) before remembered places (6.7) with the shipped weights
    assert 0 < f_score < 0.2 and f_empty[:2] == ["memories", "remembered_places"]
